/** The worker's explain handler: the API's request → the engine's BorexParams, field for field. */
import { describe, expect, it } from 'vitest';
import { DELETION_CHECK_CHOICES, type ExplainRequest } from '../../../src/shared/api.ts';
import { engineRequest } from '../../../src/engine/worker/handlers/explain.ts';
import { methodConfig } from '../../../src/engine/methods/config.ts';

const base: ExplainRequest = { imageId: 'x', model: 'mobilenetv2-12-int8', method: 'borex', prior: 'rise', preset: 'default' };
const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect((e as { kind?: string }).kind).toBe('usage');
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('engineRequest: the issue-15 BOREx options', () => {
  it('absent: the config is the one made without them, key for key', () => {
    const before = methodConfig({ method: 'borex', preset: 'default', seed: 0, rise: {}, prior: 'rise', borex: { iterations: 8 } });
    const config = engineRequest('a.jpg', { ...base, advanced: { iterations: 8 } }).config;
    expect(config).toEqual(before);
    // 8 iterations: too few for the default check (it takes 6 rounds; by default only from 24).
    for (const k of ['qBatch', 'shapes', 'aspects', 'check']) expect(Object.hasOwn(config.borex!, k)).toBe(false);
    // A photo's BOREx outside the paper preset: the learned weight and the prior after the aggregate, and the check heads at the default 50 iterations.
    expect(config.borex).toMatchObject({ priorWeight: 'learned', composition: 'prior-after' });
    expect(engineRequest('a.jpg', base).config.borex).toMatchObject({ priorWeight: 'learned', composition: 'prior-after', check: 'heads' });
    const paper = engineRequest('a.jpg', { ...base, preset: 'paper' }).config.borex!;
    for (const k of ['priorWeight', 'composition', 'check']) expect(Object.hasOwn(paper, k)).toBe(false);
  });

  it('each option lands in BorexParams under its own name, with nothing else changed', () => {
    const plain = engineRequest('a.jpg', base).config.borex!;
    const b = engineRequest('a.jpg', { ...base, advanced: { priorWeight: 'learned', composition: 'prior-after*2', qBatch: 4 } }).config.borex!;
    expect(b).toEqual({ ...plain, priorWeight: 'learned', composition: 'prior-after*2', qBatch: 4 });
    const r = engineRequest('a.jpg', { ...base, advanced: { shapes: 'rects', aspects: [0.25, 4] } }).config.borex!;
    // Rectangles keep the aggregate as it is and no check (prior-after and the check are defined for squares).
    expect(r).toEqual({ ...plain, shapes: 'rects', aspects: [0.25, 4], composition: undefined, check: undefined });
    for (const k of ['composition', 'check']) expect(Object.hasOwn(r, k)).toBe(false);
    // The deletion check by name, as the engine's BorexParams.check.
    for (const choice of DELETION_CHECK_CHOICES) {
      expect(engineRequest('a.jpg', { ...base, advanced: { deletionCheck: choice } }).config.borex!).toEqual({ ...plain, check: choice });
    }
  });

  it('rects without aspects get the engine’s default aspects (1/2, 1, 2), as the CLI', () => {
    expect(engineRequest('a.jpg', { ...base, advanced: { shapes: 'rects' } }).config.borex!.aspects).toEqual([0.5, 1, 2]);
  });

  it('BO takes them too (on its own defaults: no flip, mean aggregate)', () => {
    const b = engineRequest('a.jpg', { ...base, method: 'bo', prior: 'none', advanced: { priorWeight: 'learned', qBatch: 2, shapes: 'rects' } }).config;
    expect(b.prior).toBe('none');
    expect(b.borex).toMatchObject({ flip: false, aggregate: 'mean', priorWeight: 'learned', qBatch: 2, shapes: 'rects', aspects: [0.5, 1, 2] });
  });

  it('methods that do not refine refuse them by name', () => {
    expect(usage(() => engineRequest('a.jpg', { ...base, method: 'rise', advanced: { priorWeight: 'learned' } }))).toBe('priorWeight applies to method bo or borex, not rise');
    expect(usage(() => engineRequest('a.jpg', { ...base, method: 'gradcampp', advanced: { qBatch: 2, shapes: 'rects' } }))).toBe('qBatch, shapes apply to method bo or borex, not gradcampp');
  });

  it('a composition other than coverage with rectangles is refused before any work', () => {
    expect(usage(() => engineRequest('a.jpg', { ...base, advanced: { composition: 'prior-after', shapes: 'rects' } }))).toBe('BOREx: the composition prior-after is implemented for square masks only, not for rectangles');
    expect(engineRequest('a.jpg', { ...base, advanced: { composition: 'coverage', shapes: 'rects' } }).config.borex).toMatchObject({ composition: 'coverage', shapes: 'rects' });
  });
});

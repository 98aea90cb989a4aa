import { describe, expect, it } from 'vitest';
import { BO_DEFAULTS, BOREX_DEFAULTS } from '../../../src/engine/methods/borex.ts';
import { methodConfig } from '../../../src/engine/methods/config.ts';
import { PHOTO_BOREX_DEFAULTS } from '../../../src/shared/api.ts';
import { RISE_PRESETS } from '../../../src/engine/methods/rise.ts';

describe('methodConfig: one config from preset + overrides', () => {
  it('a map method carries only its RISE settings; the paper preset uses the prior RISE of the public code', () => {
    expect(methodConfig({ method: 'rise', preset: 'paper' })).toEqual({ method: 'rise', preset: 'paper', seed: 0, rise: RISE_PRESETS['paper-prior'] });
    expect(methodConfig({ method: 'pn-rise', preset: 'default', seed: 4, rise: { masks: 10, gridSize: undefined } }).rise).toEqual({ ...RISE_PRESETS.default, masks: 10 });
  });

  it('refinements: borex refines rise unless told, bo always none; the paper preset searches every candidate', () => {
    const c = methodConfig({ method: 'borex', preset: 'paper', borex: { iterations: 7 } });
    expect(Object.keys(c)).toEqual(['method', 'preset', 'seed', 'rise', 'prior', 'borex']);
    expect(c.prior).toBe('rise');
    expect(c.borex).toEqual({ ...BOREX_DEFAULTS, candidateStride: 1, iterations: 7 });
    const bo = methodConfig({ method: 'bo', preset: 'default', prior: 'gradcampp' });
    expect(bo.prior).toBe('none');
    expect(bo.borex).toEqual(BO_DEFAULTS);
  });

  it('every other preset searches at the method default stride (the app, the CLI and batch alike)', () => {
    expect(methodConfig({ method: 'borex', preset: 'default' }).borex!.candidateStride).toBe(BOREX_DEFAULTS.candidateStride);
    expect(BOREX_DEFAULTS.candidateStride).toBeGreaterThan(1);
  });

  it("a photo's BOREx outside the paper preset learns the prior's weight, adds the prior after the aggregate and checks with heads", () => {
    expect(PHOTO_BOREX_DEFAULTS).toEqual({ priorWeight: 'learned', composition: 'prior-after', check: 'heads' });
    for (const preset of ['default', 'quality'] as const) {
      expect(methodConfig({ method: 'borex', preset, prior: 'gradcampp' }).borex).toEqual({ ...BOREX_DEFAULTS, priorWeight: 'learned', composition: 'prior-after', check: 'heads' });
    }
    // Each is turned off by saying so; rectangles keep the aggregate as it is and no check (both are for squares).
    expect(methodConfig({ method: 'borex', preset: 'default', borex: { priorWeight: 'fixed' } }).borex).toMatchObject({ priorWeight: 'fixed', composition: 'prior-after', check: 'heads' });
    expect(methodConfig({ method: 'borex', preset: 'default', borex: { composition: 'coverage' } }).borex).toMatchObject({ priorWeight: 'learned', composition: 'coverage', check: 'heads' });
    expect(methodConfig({ method: 'borex', preset: 'default', borex: { check: 'off' } }).borex).toMatchObject({ priorWeight: 'learned', composition: 'prior-after', check: 'off' });
    // The check by default only where it takes at most a quarter of the rounds (heads: 6 with the flip, 11 without).
    expect(methodConfig({ method: 'borex', preset: 'default', borex: { iterations: 24 } }).borex!.check).toBe('heads');
    expect('check' in methodConfig({ method: 'borex', preset: 'default', borex: { iterations: 23 } }).borex!).toBe(false);
    expect(methodConfig({ method: 'borex', preset: 'default', borex: { iterations: 44, flip: false } }).borex!.check).toBe('heads');
    expect('check' in methodConfig({ method: 'borex', preset: 'default', borex: { iterations: 43, flip: false } }).borex!).toBe(false);
    const rects = methodConfig({ method: 'borex', preset: 'default', borex: { shapes: 'rects' } }).borex!;
    expect(rects.priorWeight).toBe('learned');
    expect('composition' in rects).toBe(false);
    expect('check' in rects).toBe(false);
    // None for the paper preset (the public code), no prior, BO, or a clip (photos only).
    const none = (c: ReturnType<typeof methodConfig>) => ['priorWeight', 'composition', 'check'].filter((k) => k in c.borex!);
    expect(none(methodConfig({ method: 'borex', preset: 'paper' }))).toEqual([]);
    expect(none(methodConfig({ method: 'borex', preset: 'default', prior: 'none' }))).toEqual([]);
    expect(none(methodConfig({ method: 'bo', preset: 'default' }))).toEqual([]);
    expect(none(methodConfig({ method: 'borex', preset: 'default', clip: true }))).toEqual([]);
  });
});

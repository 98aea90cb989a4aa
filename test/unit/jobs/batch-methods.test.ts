import { describe, expect, it } from 'vitest';
import { methodFileName, parseMethodId, resolveMethods } from '../../../src/engine/jobs/batch-methods.ts';
import { BO_DEFAULTS, BOREX_DEFAULTS } from '../../../src/engine/methods/borex.ts';
import { RISE_PRESETS } from '../../../src/engine/methods/rise.ts';

const settings = { preset: 'paper' as const, seed: 3 };

describe('batch method ids', () => {
  it('parses map methods, bo and borex:PRIOR with modifiers, normalising the order', () => {
    expect(parseMethodId('rise')).toMatchObject({ id: 'rise', kind: 'map' });
    expect(parseMethodId('gradcampp')).toMatchObject({ id: 'gradcampp', kind: 'map' });
    expect(parseMethodId('bo')).toMatchObject({ id: 'bo', kind: 'refine', prior: 'none' });
    expect(parseMethodId('borex')).toMatchObject({ id: 'borex:rise', prior: 'rise' });
    expect(parseMethodId('borex:none')).toMatchObject({ id: 'borex:none', prior: 'none' });
    expect(parseMethodId('borex:rise+simple-avg+no-flip').id).toBe('borex:rise+no-flip+simple-avg');
  });

  it('refuses unknown ids, priors, modifiers, repeats and two aggregates with a usage error', () => {
    for (const bad of ['grad', 'borex:foo', 'borex:rise+fast', 'borex:rise+no-flip+no-flip', 'borex:rise+simple-avg+area', 'borex:bo']) {
      expect(() => parseMethodId(bad), bad).toThrow(expect.objectContaining({ kind: 'usage' }));
    }
    expect(() => resolveMethods('', settings)).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it("builds explain's configs: preset RISE, BOREx and BO defaults, ablations by modifier", () => {
    const ms = resolveMethods('bo,borex:rise+no-flip,borex:rise+simple-avg,borex:none', settings);
    const byId = Object.fromEntries(ms.map((m) => [m.id, m]));
    // preset paper: the public code's exact candidate search (stride 1)
    const exact = { candidateStride: 1 };
    expect(byId.bo.config).toMatchObject({ method: 'bo', prior: 'none', seed: 3, borex: { ...BO_DEFAULTS, ...exact } });
    expect(byId['borex:rise+no-flip'].config.borex).toEqual({ ...BOREX_DEFAULTS, ...exact, flip: false });
    expect(byId['borex:rise+simple-avg'].config.borex).toEqual({ ...BOREX_DEFAULTS, ...exact, aggregate: 'mean' });
    expect(byId['borex:none'].config).toMatchObject({ method: 'borex', prior: 'none', borex: { ...BOREX_DEFAULTS, ...exact } });
    expect(byId.rise.config).toEqual({ method: 'rise', preset: 'paper', seed: 3, rise: RISE_PRESETS['paper-prior'] });
  });

  it('adds a missing prior once, before its first refinement, and marks it implicit', () => {
    const ms = resolveMethods('bo,borex:rise,borex:rise+no-flip,borex:pn-rise', settings);
    expect(ms.map((m) => [m.id, m.implicit])).toEqual([
      ['bo', false],
      ['rise', true],
      ['borex:rise', false],
      ['borex:rise+no-flip', false],
      ['pn-rise', true],
      ['borex:pn-rise', false],
    ]);
    const listed = resolveMethods('borex:rise,rise,borex', settings);
    expect(listed.map((m) => [m.id, m.implicit])).toEqual([
      ['rise', false],
      ['borex:rise', false],
    ]);
  });

  it('applies overrides to every BOREx/BO method and RISE overrides to rise and priors', () => {
    const ms = resolveMethods('bo,borex:rise', { ...settings, rise: { masks: 20 }, borex: { iterations: 7 } });
    expect(ms.find((m) => m.id === 'bo')!.config.borex!.iterations).toBe(7);
    expect(ms.find((m) => m.id === 'borex:rise')!.config.borex!.iterations).toBe(7);
    expect(ms.find((m) => m.id === 'rise')!.config.rise.masks).toBe(20);
  });

  it('names map files without colons', () => {
    expect(methodFileName('borex:rise+no-flip')).toBe('borex_rise+no-flip');
  });
});

import { describe, expect, it } from 'vitest';
import { methodFileName, parseMethodId, resolveMethods, splitSeed } from '../../../src/engine/jobs/batch-methods.ts';
import { itemSeed } from '../../../src/engine/jobs/batch.ts';
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

describe('seeds as an axis and the learned prior weight', () => {
  it('--seeds: each seed-dependent method once per seed as ID@sSEED, its prior the same seed, Grad-CAM++ once', () => {
    const ms = resolveMethods('borex:rise,gradcampp,borex:gradcampp', { ...settings, seeds: [0, 2] });
    expect(ms.map((m) => [m.id, m.priorId ?? null, m.seed ?? null, m.config.seed])).toEqual([
      ['rise@s0', null, 0, 0],
      ['borex:rise@s0', 'rise@s0', 0, 0],
      ['gradcampp', null, null, 0], // seed-free: recorded with the first seed, which it does not use
      ['borex:gradcampp@s0', 'gradcampp', 0, 0],
      ['rise@s2', null, 2, 2],
      ['borex:rise@s2', 'rise@s2', 2, 2],
      ['borex:gradcampp@s2', 'gradcampp', 2, 2],
    ]);
    expect(ms[0].implicit).toBe(true);
    expect(splitSeed('borex:rise+no-flip@s12')).toEqual({ base: 'borex:rise+no-flip', seed: 12 });
    expect(splitSeed('borex:rise')).toEqual({ base: 'borex:rise' });
    expect(() => resolveMethods('rise', { ...settings, seeds: [1, 1] })).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it('a one-seed run keeps plain ids and configs (no priorId change in meaning, no seed field)', () => {
    const ms = resolveMethods('borex:rise', settings);
    expect(ms.map((m) => [m.id, m.priorId ?? null, m.seed ?? null])).toEqual([
      ['rise', null, null],
      ['borex:rise', 'rise', null],
    ]);
  });

  it('+learned sets priorWeight learned; configs without it carry no priorWeight key', () => {
    const ms = resolveMethods('borex:rise,borex:rise+learned', settings);
    expect(ms.find((m) => m.id === 'borex:rise+learned')!.config.borex).toEqual({ ...BOREX_DEFAULTS, candidateStride: 1, priorWeight: 'learned' });
    expect('priorWeight' in ms.find((m) => m.id === 'borex:rise')!.config.borex!).toBe(false);
  });

  it('outside the paper preset borex:rise already learns the weight, adds the prior after and checks with heads; +fixed, +no-pa and +no-check are its ablations', () => {
    const ms = resolveMethods('borex:rise,borex:rise+fixed,borex:rise+no-pa,borex:rise+no-check,borex:rise+fixed+no-pa,borex:rise+learned+pa+check-heads', { preset: 'default', seed: 0 });
    const cfg = (id: string) => ms.find((m) => m.id === id)!.config.borex!;
    const photo = { priorWeight: 'learned', composition: 'prior-after', check: 'heads' };
    expect(cfg('borex:rise')).toEqual({ ...BOREX_DEFAULTS, ...photo });
    expect(cfg('borex:rise+learned+pa+check-heads')).toEqual(cfg('borex:rise'));
    expect(cfg('borex:rise+fixed')).toEqual({ ...BOREX_DEFAULTS, ...photo, priorWeight: 'fixed' });
    expect(cfg('borex:rise+no-pa')).toEqual({ ...BOREX_DEFAULTS, ...photo, composition: 'coverage' });
    expect(cfg('borex:rise+no-check')).toEqual({ ...BOREX_DEFAULTS, ...photo, check: 'off' });
    expect(cfg('borex:rise+fixed+no-pa')).toMatchObject({ priorWeight: 'fixed', composition: 'coverage', check: 'heads' });
    expect(() => resolveMethods('borex:rise+check-heads+no-check', { preset: 'default', seed: 0 })).toThrow('+check-heads and +no-check are two different deletion checks; pick one');
  });

  it('refuses a configuration BOREx cannot run before any item (+rects+pa: prior-after is for squares)', () => {
    expect(() => resolveMethods('borex:rise+rects+pa', settings)).toThrow('BOREx: the composition prior-after is implemented for square masks only, not for rectangles');
    expect(() => resolveMethods('borex:rise+rects', { ...settings, borex: { composition: 'min' } })).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it('per-item streams: the item seed is a fixed function of (seed, key)', () => {
    expect(itemSeed(0, 'JPEGImages/2007_000032.jpg#aeroplane')).toBe(itemSeed(0, 'JPEGImages/2007_000032.jpg#aeroplane'));
    const seeds = new Set(['a#cat', 'a#dog', 'b#cat'].flatMap((k) => [0, 1, 2].map((s) => itemSeed(s, k))));
    expect(seeds.size).toBe(9);
    // Pinned: changing the derivation would silently change every per-item-streams run.
    expect(itemSeed(0, 'a#cat')).toBe(1902158709);
  });
});

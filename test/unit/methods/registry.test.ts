import { describe, expect, it } from 'vitest';
import { BorexCache } from '../../../src/engine/methods/borex-cache.ts';
import { methodConfig } from '../../../src/engine/methods/config.ts';
import { computeMap } from '../../../src/engine/methods/registry.ts';
import { RegionClassifier, whiteTarget } from '../../helpers/synthetic.ts';

const REGION: [number, number, number, number] = [8, 20, 20, 36];
const options = { preset: 'default' as const, seed: 3, rise: { masks: 64 }, borex: { iterations: 6, candidateStride: 2 } };

describe('the method registry', () => {
  it('a refinement handed its prior gives the map it computes from that prior itself', async () => {
    const model = new RegionClassifier(48, 56, REGION);
    const target = whiteTarget(model);
    const own = await computeMap(target, methodConfig({ ...options, method: 'borex', prior: 'rise' }));
    const prior = await computeMap(target, methodConfig({ ...options, method: 'rise' }));
    const calls = model.calls;
    const given = await computeMap(target, methodConfig({ ...options, method: 'borex', prior: 'rise' }), {}, { prior });
    expect(model.calls - calls).toBe(given.borex!.modelCalls);
    expect(Array.from(given.map)).toEqual(Array.from(own.map));
    expect(Array.from(own.prior!.map)).toEqual(Array.from(prior.map));
    expect(given.dims).toEqual([48, 56]);
  });

  it('a caller-owned BOREx cache keeps the candidate sets of one geometry for the next run and changes no result', async () => {
    const model = new RegionClassifier(48, 56, REGION);
    const target = whiteTarget(model);
    const config = methodConfig({ ...options, method: 'bo' });
    const fresh = await computeMap(target, config);
    const cache = new BorexCache();
    const first = await computeMap(target, config, {}, { cache });
    const reused = await computeMap(target, config, {}, { cache });
    expect(Array.from(first.map)).toEqual(Array.from(fresh.map));
    expect(Array.from(reused.map)).toEqual(Array.from(fresh.map));
    const sets = cache.imageSets(48, 56, [2, 3], 1, 1, 1);
    expect(cache.imageSets(48, 56, [2, 3], 1, 1, 1)).toBe(sets);
    expect(cache.imageSets(48, 56, [2, 3], 2, 1, 1)).not.toBe(sets);
  });
});

import { describe, expect, it } from 'vitest';
import { rise } from '../../../src/engine/methods/rise.ts';
import { argmax, RegionClassifier, whiteTarget } from '../../helpers/synthetic.ts';

const H = 48;
const W = 48;
const REGION: [number, number, number, number] = [4, 30, 14, 42]; // rows 4..13, cols 30..41

describe('RISE on a model whose evidence region is known', () => {
  it('peaks inside the region', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const map = await rise(whiteTarget(model), { masks: 1500, gridSize: 6, keepProbability: 0.5, seed: 0 }, false);
    expect(model.inRegion(argmax(map))).toBe(true);
    expect(model.calls).toBe(1500);
  });

  it('PN-RISE is near 0 far from the region and positive inside', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const map = await rise(whiteTarget(model), { masks: 3000, gridSize: 6, keepProbability: 0.5, seed: 1 }, true);
    let inside = 0;
    let insideN = 0;
    let farMaxAbs = 0;
    for (let i = 0; i < map.length; i++) {
      const r = Math.floor(i / W);
      const c = i % W;
      if (model.inRegion(i)) {
        inside += map[i];
        insideN++;
      } else if (r >= 30 && c <= 16) {
        farMaxAbs = Math.max(farMaxAbs, Math.abs(map[i])); // more than two grid cells away
      }
    }
    const insideMean = inside / insideN;
    expect(insideMean).toBeGreaterThan(0.1);
    expect(farMaxAbs).toBeLessThan(insideMean * 0.25);
  });

  it('gives the same map for the same seed, whatever the batch size, and a different one for another seed', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const p = { masks: 64, gridSize: 5, keepProbability: 0.5 };
    const a = await rise(whiteTarget(model), { ...p, seed: 7 }, false);
    const again = await rise(whiteTarget(model), { ...p, seed: 7 }, false);
    const b = await rise(whiteTarget(model), { ...p, seed: 7, batchSize: 5 }, false);
    const c = await rise(whiteTarget(model), { ...p, seed: 8 }, false);
    expect(Array.from(again)).toEqual(Array.from(a));
    // other batches sum the score-weighted masks in float32 in another grouping: equal to rounding
    const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(worst).toBeLessThan(1e-6 * Math.max(...a));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('rejects invalid parameters', async () => {
    const model = new RegionClassifier(H, W, REGION);
    await expect(rise(whiteTarget(model), { masks: 0, gridSize: 6, keepProbability: 0.5, seed: 0 }, false)).rejects.toThrow(/number of masks/);
    await expect(rise(whiteTarget(model), { masks: 10, gridSize: 6, keepProbability: 1, seed: 0 }, false)).rejects.toThrow(/keep probability/);
  });

  it('stops when cancelled', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const controller = new AbortController();
    controller.abort();
    await expect(rise(whiteTarget(model), { masks: 100, gridSize: 6, keepProbability: 0.5, seed: 0 }, false, { signal: controller.signal })).rejects.toThrow(/cancelled/);
    expect(model.calls).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { expandMask } from '../../../src/engine/masks/factored.ts';
import { RiseClipMaskGenerator, RiseMaskGenerator } from '../../../src/engine/methods/rise-masks.ts';
import { defaultTemporalGrid, rise } from '../../../src/engine/methods/rise.ts';
import { Random } from '../../../src/engine/random.ts';
import { TubeClassifier, whiteClipTarget } from '../../helpers/synthetic-clip.ts';

describe('3-D RISE masks', () => {
  it('are the separable product frames · rows · grid_k · cols (trilinear upsampling, three shifts)', () => {
    const [T, H, W, s, st] = [6, 10, 12, 3, 2];
    const gen = new RiseClipMaskGenerator(T, H, W, s, st, 0.5);
    const masks = gen.allocate(3);
    const random = new Random(7);
    for (let b = 0; b < 3; b++) gen.draw(random, masks, b);
    masks.count = 3;
    const time = masks.time!;
    const out = new Float32Array(T * H * W);
    for (let b = 0; b < 3; b++) {
      expandMask(masks, b, out);
      let maxErr = 0;
      for (let t = 0; t < T; t++)
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) {
            let v = 0;
            for (let k = 0; k < st; k++)
              for (let i = 0; i < s; i++)
                for (let j = 0; j < s; j++) v += time.frames[(b * T + t) * st + k] * masks.rows[(b * H + y) * s + i] * masks.grid[((b * st + k) * s + i) * s + j] * masks.cols[(b * s + j) * W + x];
            maxErr = Math.max(maxErr, Math.abs(v - out[(t * H + y) * W + x]));
          }
      expect(maxErr).toBeLessThan(1e-6);
      // Each frame's time weights sum to 1: a frame blends at most two grid slices.
      for (let t = 0; t < T; t++) expect(time.frames[(b * T + t) * st] + time.frames[(b * T + t) * st + 1]).toBeCloseTo(1, 6);
    }
    expect(gen.cellT).toBe(3);
  });

  it('with one temporal cell, every frame is the image mask of the same grid and shifts', () => {
    const clip = new RiseClipMaskGenerator(3, 8, 8, 4, 1, 0.5);
    const image = new RiseMaskGenerator(8, 8, 4, 0.5);
    const cm = clip.allocate(1);
    const im = image.allocate(1);
    clip.draw(new Random(3), cm, 0);
    // The same draws in the same order: 16 cells, dt (one value, cellT = 3), dy, dx.
    const r = new Random(3);
    for (let i = 0; i < 16; i++) im.grid[i] = r.next() < 0.5 ? 1 : 0;
    r.int(3);
    image.place(im, 0, r.int(image.cellH), r.int(image.cellW));
    const a = new Float32Array(3 * 64);
    const b = new Float32Array(64);
    expandMask(cm, 0, a);
    expandMask(im, 0, b);
    for (let t = 0; t < 3; t++) expect(a.subarray(t * 64, (t + 1) * 64)).toEqual(b);
  });
});

describe('3-D RISE and PN-RISE on a clip model whose answer is a known tube', () => {
  const tube = { frames: [2, 5] as [number, number], rows: [4, 9] as [number, number], cols: [8, 13] as [number, number] };
  const params = { masks: 400, gridSize: 4, keepProbability: 0.5, seed: 1 };

  it('puts the map mass in the tube well above chance, with exactly N model calls in batches', async () => {
    const classifier = new TubeClassifier(8, 16, 16, tube, 32);
    const map = await rise(whiteClipTarget(classifier), params, false);
    expect(map.length).toBe(8 * 16 * 16);
    expect(classifier.calls).toBe(400);
    expect(classifier.callSizes).toEqual([...Array(12).fill(32), 16]);
    const sorted = Float32Array.from(map).sort();
    const median = sorted[sorted.length >> 1];
    let inside = 0;
    let total = 0;
    for (let i = 0; i < map.length; i++) {
      const v = Math.max(0, map[i] - median);
      total += v;
      if (classifier.inTube(i)) inside += v;
    }
    const chance = classifier.tubeVoxels / map.length; // 75 / 2048
    console.log(`RISE-3D: mass above the median in the tube ${(inside / total).toFixed(3)} (chance ${chance.toFixed(3)})`);
    expect(inside / total).toBeGreaterThan(5 * chance); // measured 0.247 = 6.7× chance (seed 1): smooth cells spread mass just around the tube
    // The peak is in the tube.
    let peak = 0;
    for (let i = 1; i < map.length; i++) if (map[i] > map[peak]) peak = i;
    expect(classifier.inTube(peak)).toBe(true);
  });

  it('PN-RISE: positive in the tube, near 0 far from it', async () => {
    const classifier = new TubeClassifier(8, 16, 16, tube, 32);
    const map = await rise(whiteClipTarget(classifier), params, true);
    let inMean = 0;
    let farMean = 0;
    let far = 0;
    for (let i = 0; i < map.length; i++) {
      if (classifier.inTube(i)) inMean += map[i] / classifier.tubeVoxels;
      else if (Math.floor(i / 256) === 7) {
        farMean += map[i];
        far++;
      }
    }
    farMean /= far;
    console.log(`PN-RISE-3D: mean in the tube ${inMean.toFixed(4)}, in the last frame ${farMean.toFixed(4)}`);
    expect(inMean).toBeGreaterThan(0.15); // measured 0.196 (seed 1)
    expect(Math.abs(farMean)).toBeLessThan(inMean / 4);
  });

  it('same seed, same map; another batch size agrees to float rounding; the temporal grid defaults to ceil(T/2)', async () => {
    const a = await rise(whiteClipTarget(new TubeClassifier(8, 16, 16, tube, 32)), { ...params, masks: 64 }, false);
    const b = await rise(whiteClipTarget(new TubeClassifier(8, 16, 16, tube, 32)), { ...params, masks: 64 }, false);
    const c = await rise(whiteClipTarget(new TubeClassifier(8, 16, 16, tube, 32)), { ...params, masks: 64, batchSize: 5 }, false);
    const d = await rise(whiteClipTarget(new TubeClassifier(8, 16, 16, tube, 32)), { ...params, masks: 64, temporalGrid: 4 }, false);
    const e = await rise(whiteClipTarget(new TubeClassifier(8, 16, 16, tube, 32)), { ...params, masks: 64, temporalGrid: 3 }, false);
    expect(b).toEqual(a);
    for (let i = 0; i < a.length; i++) expect(Math.abs(c[i] - a[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(a[i])));
    expect(defaultTemporalGrid(8)).toBe(4);
    expect(d).toEqual(a);
    expect(e).not.toEqual(a);
    await expect(rise(whiteClipTarget(new TubeClassifier(8, 16, 16, tube)), { ...params, temporalGrid: 9 }, false)).rejects.toThrow('RISE: the temporal grid must be an integer in 1..8 (the clip\'s frames), got 9');
  });
});

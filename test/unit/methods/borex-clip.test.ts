/**
 * BOREx-3D (paper §3.2) on a synthetic clip model whose answer is exact: class 0's confidence is
 * the visible fraction of a tube (frames 4–9, a 16×16 square). A prior placed on a distractor
 * (another place and other frames) must be refined into the tube.
 */
import { describe, expect, it } from 'vitest';
import { BO_DEFAULTS, BOREX_DEFAULTS, borex, type BorexParams } from '../../../src/engine/methods/borex.ts';
import { clipCandidates, clipDurations, priorFrame } from '../../../src/engine/methods/borex-candidates.ts';
import { BorexCache } from '../../../src/engine/methods/borex-cache.ts';
import { insertionDeletion } from '../../../src/engine/metrics/insertion-deletion.ts';
import { TubeClassifier, whiteClipTarget, type Tube } from '../../helpers/synthetic-clip.ts';

const T = 16;
const H = 64;
const W = 64;
const TUBE: Tube = { frames: [4, 10], rows: [8, 24], cols: [36, 52] };
const params: BorexParams = { ...BOREX_DEFAULTS, iterations: 24, seed: 0 };

/** A confident, wrong prior: a blob around row 48, col 16, frame 12, far from the tube. */
function distractorPrior(): Float32Array {
  const p = new Float32Array(T * H * W);
  for (let f = 0; f < T; f++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) p[(f * H + r) * W + c] = Math.exp(-((r - 48) ** 2 + (c - 16) ** 2) / 60 - (f - 12) ** 2 / 8);
  return p;
}

/**
 * Share of the map's mass inside the tube, mass = the part above the map's median (BOREx maps of
 * this model are negative almost everywhere: the median is the background level).
 */
function tubeShare(model: TubeClassifier, map: Float32Array): number {
  const median = Float32Array.from(map).sort()[map.length >> 1];
  let inside = 0;
  let all = 0;
  for (let i = 0; i < map.length; i++) {
    const v = Math.max(0, map[i] - median);
    all += v;
    if (model.inTube(i)) inside += v;
  }
  return inside / all;
}

/** Visible fraction of the tube when only the box [n, n+t) × square around (row, col) is shown. */
function visibleFraction(s: { row: number; col: number; halfSize: number; frame?: number; frames?: number }): number {
  const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  const ft = overlap(s.frame!, Math.min(T, s.frame! + s.frames!), ...TUBE.frames);
  const fr = overlap(Math.max(0, s.row - s.halfSize), Math.min(H, s.row + s.halfSize), ...TUBE.rows);
  const fc = overlap(Math.max(0, s.col - s.halfSize), Math.min(W, s.col + s.halfSize), ...TUBE.cols);
  return (ft * fr * fc) / (6 * 16 * 16);
}

describe('BOREx-3D on a clip model whose evidence tube is known', () => {
  it('moves the mass from a distractor prior into the tube and raises insertion', async () => {
    const model = new TubeClassifier(T, H, W, TUBE);
    const target = whiteClipTarget(model);
    const prior = distractorPrior();
    const out = await borex(target, prior, params);
    expect(out.map).toHaveLength(T * H * W);
    const before = tubeShare(model, prior);
    const after = tubeShare(model, out.map);
    // The tube is 1536 of 65,536 voxels (2.3 %): the prior puts < 0.1 % of its mass there, the
    // refined map more than 6 % (2.6× the tube's share of the clip; 7.9 % measured).
    expect(before).toBeLessThan(0.001);
    expect(after).toBeGreaterThan(before + 0.06);
    const options = { insertionStart: 'baseline' as const };
    const a = await insertionDeletion(target, prior, options);
    const b = await insertionDeletion(target, out.map, options);
    console.log(`tube share ${before.toFixed(4)} → ${after.toFixed(4)}; insertion ${a.insertion.auc.toFixed(3)} → ${b.insertion.auc.toFixed(3)}; deletion ${a.deletion.auc.toFixed(3)} → ${b.deletion.auc.toFixed(3)}; GP ${out.gpMs.toFixed(0)} ms`);
    expect(b.insertion.auc).toBeGreaterThan(a.insertion.auc + 0.3);
    expect(b.deletion.auc).toBeLessThan(a.deletion.auc);
    // 2 model calls per iteration, in batches of 2, and nothing else.
    expect(out.modelCalls).toBe(2 * params.iterations);
  });

  it('observations are squashed flips of boxes (row, col, n, s, t): y = tanh(g·(f − (1 − f))/2)', async () => {
    const model = new TubeClassifier(T, H, W, TUBE);
    const out = await borex(whiteClipTarget(model), distractorPrior(), { ...params, iterations: 6 });
    expect(model.callSizes).toEqual([2, 2, 2, 2, 2, 2]);
    for (const s of out.samples) {
      expect([2, 4, 8]).toContain(s.frames);
      expect([9, 13, 17, 21]).toContain(s.halfSize); // 30…75 at 224 px, scaled to 64 px
      const f = visibleFraction(s);
      expect(s.y).toBeCloseTo(Math.tanh((10 * (f - (1 - f))) / 2), 6);
    }
    // First box: the prior's peak voxel (frame 12, row 48, col 16), the smallest square and the
    // shortest duration, started so that its centre frame is the peak's: [11, 13).
    expect(out.samples[0]).toMatchObject({ row: 48, col: 16, halfSize: 9, frame: 11, frames: 2 });
  });

  it('BO (no flip, no prior, mean) spends 1 + 1 call per iteration; ablations run through the same params', async () => {
    const a = new TubeClassifier(T, H, W, TUBE);
    const bo = await borex(whiteClipTarget(a), null, { ...BO_DEFAULTS, iterations: 5, seed: 0 });
    expect(a.calls).toBe(6);
    expect(a.callSizes).toEqual([1, 1, 1, 1, 1, 1]);
    expect(bo.map).toHaveLength(T * H * W);
    for (const aggregate of ['volume', 'mean'] as const) {
      const m = new TubeClassifier(T, H, W, TUBE);
      const out = await borex(whiteClipTarget(m), distractorPrior(), { ...params, iterations: 4, aggregate });
      expect(m.calls).toBe(8);
      expect(out.map.every(Number.isFinite)).toBe(true);
    }
    const noFlip = new TubeClassifier(T, H, W, TUBE);
    await borex(whiteClipTarget(noFlip), distractorPrior(), { ...params, iterations: 4, flip: false });
    expect(noFlip.callSizes).toEqual([1, 1, 1, 1, 1]); // M(x) once, then M(x⊙m) per iteration
  });

  it('same seed, same map; another seed, another map', async () => {
    const model = new TubeClassifier(T, H, W, TUBE);
    const p = { ...params, iterations: 6 };
    const a = await borex(whiteClipTarget(model), distractorPrior(), p);
    const b = await borex(whiteClipTarget(model), distractorPrior(), p);
    const c = await borex(whiteClipTarget(model), distractorPrior(), { ...p, seed: 1 });
    expect(Buffer.from(b.map.buffer).equals(Buffer.from(a.map.buffer))).toBe(true);
    expect(Buffer.from(c.map.buffer).equals(Buffer.from(a.map.buffer))).toBe(false);
  });

  it('reports the prior, then previews of the whole [T,H,W] map with (row, col, s, n, t) samples; cancellable', async () => {
    const model = new TubeClassifier(T, H, W, TUBE);
    const controller = new AbortController();
    const events: { done: number; partial?: number; samples?: number; prior?: number }[] = [];
    const run = borex(whiteClipTarget(model), distractorPrior(), { ...params, previewEvery: 2 }, {
      signal: controller.signal,
      onProgress: (e) => {
        events.push({ done: e.done, partial: e.partialMap?.length, samples: e.samples?.length, prior: e.priorMap?.length });
        if (e.done === 4) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(events).toEqual([
      { done: 0, prior: T * H * W },
      { done: 1 },
      { done: 2, partial: T * H * W, samples: 2 * 5 },
      { done: 3 },
      { done: 4, partial: T * H * W, samples: 4 * 5 },
    ]);
    expect(model.calls).toBe(8);
  });
});

describe('BOREx-3D previews', () => {
  it('are the map predicted at every stride-th row and column, repeated over the block (mean aggregate: pointwise equal)', async () => {
    const p = { ...params, aggregate: 'mean' as const, iterations: 5, previewEvery: 4 };
    let preview: Float32Array | undefined;
    await borex(whiteClipTarget(new TubeClassifier(T, H, W, TUBE)), distractorPrior(), p, { onProgress: (e) => (preview ??= e.partialMap) });
    // The same seed for 4 iterations leaves the GP the preview was drawn from.
    const final = (await borex(whiteClipTarget(new TubeClassifier(T, H, W, TUBE)), distractorPrior(), { ...p, iterations: 4 })).map;
    const step = 5; // 16 px at 224 → 16/3.5 ≈ 5 px at 64
    expect(preview).toHaveLength(T * H * W);
    let worst = 0;
    for (let n = 0; n < T; n++)
      for (let r = 0; r < H; r++)
        for (let c = 0; c < W; c++) {
          const got = preview![(n * H + r) * W + c];
          worst = Math.max(worst, Math.abs(got - final[(n * H + Math.floor(r / step) * step) * W + Math.floor(c / step) * step]));
        }
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('clip candidate sets', () => {
  it('BorexCache keeps one clip geometry (T×H×W, sizes, durations, strides) and rebuilds for another T', async () => {
    const cache = new BorexCache();
    const a = cache.clipSets(16, 64, 64, [9, 13], [2, 4, 8], 5, 2, 3.5, 3.5);
    expect(cache.clipSets(16, 64, 64, [9, 13], [2, 4, 8], 5, 2, 3.5, 3.5)).toBe(a);
    const b = cache.clipSets(8, 64, 64, [9, 13], [2, 4, 8], 5, 2, 3.5, 3.5);
    expect(b).not.toBe(a);
    expect(b.search.count).toBe(4 * 13 * 13 * 2 * 3);
    // Rows, columns and s in 224-px units; n and t in frames.
    expect(Array.from(b.search.points.subarray(5 * 7, 5 * 8))).toEqual([0, 5 * 3.5, 0, 9 * 3.5, 4]); // centre 1 (col 5), s = 9, t = 4
    // A run with a caller's cache gives the map a fresh cache gives.
    const model = new TubeClassifier(T, H, W, TUBE);
    const shared = new BorexCache();
    const p = { ...params, iterations: 3 };
    const first = await borex(whiteClipTarget(model), distractorPrior(), p, {}, shared);
    const again = await borex(whiteClipTarget(model), distractorPrior(), p, {}, shared);
    const fresh = await borex(whiteClipTarget(model), distractorPrior(), p);
    expect(Array.from(again.map)).toEqual(Array.from(first.map));
    expect(Array.from(fresh.map)).toEqual(Array.from(first.map));
  });

  it('clips durations to T and drops duplicates', () => {
    expect(clipDurations([2, 4, 8], 16)).toEqual([2, 4, 8]);
    expect(clipDurations([2, 4, 8], 4)).toEqual([2, 4]);
    expect(clipDurations([2, 4, 8], 1)).toEqual([1]);
    expect(priorFrame(3, 4, 16)).toBe(5);
    expect(priorFrame(14, 8, 16)).toBe(15);
  });

  it('centres on a (n, row, col) grid × sizes × durations, start frame outermost, duration fastest', () => {
    const c = clipCandidates(4, 5, 6, [1, 2], [2, 4], { stride: 2, frameStride: 3 });
    // starts {0, 3}, rows {0, 2, 4}, cols {0, 2, 4}; 2 sizes × 2 durations.
    expect(c.count).toBe(2 * 3 * 3 * 4);
    expect([c.frames, c.rows, c.cols]).toEqual([2, 3, 3]);
    const z = (i: number) => Array.from(c.points.subarray(i * 5, i * 5 + 5));
    expect(z(0)).toEqual([0, 0, 0, 1, 2]); // (row, col, n, s, t)
    expect(z(1)).toEqual([0, 0, 0, 1, 4]);
    expect(z(2)).toEqual([0, 0, 0, 2, 2]);
    expect(z(4)).toEqual([0, 2, 0, 1, 2]); // next column
    expect(z(12)).toEqual([2, 0, 0, 1, 2]); // next row
    expect(z(36)).toEqual([0, 0, 3, 1, 2]); // next start frame
    expect(z(71)).toEqual([4, 4, 3, 2, 4]);
    expect(c.voxel[0]).toBe(0);
    expect(c.voxel[17]).toBe((3 * 5 + 4) * 6 + 4); // n 3, row 4, col 4
  });
});

/**
 * BOREx-3D's posterior σ map (uncertaintyMap of clipGeometry): the GP's σ of every box, aggregated
 * with the map's rule. Checked against σ computed here from a GP rebuilt from the run's samples
 * (jitter off, so each observation's point is its box as recorded), against the image σ on a
 * one-frame clip, and on a clip whose evidence tube is known.
 */
import { describe, expect, it } from 'vitest';
import { BOREX_DEFAULTS, borex, SIGMA_EXACT_SIDE, type BorexOutput, type BorexParams } from '../../../src/engine/methods/borex.ts';
import { clipDurations } from '../../../src/engine/methods/borex-candidates.ts';
import { GaussianProcess } from '../../../src/engine/gp/gaussian-process.ts';
import type { ExplainTarget } from '../../../src/engine/methods/target.ts';
import { TubeClassifier, whiteClipTarget, type Tube } from '../../helpers/synthetic-clip.ts';

/** No jitter on any coordinate: the GP's points are exactly the boxes the samples record. */
const still: BorexParams = { ...BOREX_DEFAULTS, iterations: 6, seed: 0, jitter: [0, 0, 0], clip: { jitter: [0, 0] } };

/** A prior peaked on the tube's centre, so the run queries there first. */
function priorAt(T: number, H: number, W: number, f: number, r: number, c: number): Float32Array {
  const p = new Float32Array(T * H * W);
  for (let n = 0; n < T; n++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) p[(n * H + y) * W + x] = Math.exp(-((y - r) ** 2 + (x - c) ** 2) / 20 - (n - f) ** 2 / 4);
  return p;
}

/** The run's final GP, rebuilt: its samples' boxes (row, col, n, s, t) in 224-px units and frames, their residuals, its ℓ. */
function rebuiltGp(out: BorexOutput, unit: number, params: BorexParams): GaussianProcess {
  const gp = new GaussianProcess({ dims: 5, lengthScale: out.lengthScale, noiseVariance: params.noiseVariance });
  for (const s of out.samples) gp.addObservation([s.row * unit, s.col * unit, s.frame!, s.halfSize * unit, s.frames!], s.residual);
  return gp;
}

/**
 * The coverage σ at voxel (n, r, c), from the definition: for every (s, t), the mean of σ over the
 * boxes that cover the voxel (start frames n−t+1…n, centres within s rows and columns, all inside
 * the clip), then the mean over the (s, t) pairs.
 */
function coverageSigma(gp: GaussianProcess, T: number, H: number, W: number, unit: number, halfPx: number[], durations: number[], n: number, r: number, c: number, step = 1): number {
  // step > 1: the grid of every step-th row and column, a box's half-width round(s/step) cells.
  const [h, w, i, j] = [Math.ceil(H / step), Math.ceil(W / step), Math.floor(r / step), Math.floor(c / step)];
  let total = 0;
  const mean = new Float64Array(1);
  const std = new Float64Array(1);
  for (const s of halfPx) {
    const sc = Math.round(s / step);
    for (const t of durations) {
      let sum = 0;
      let count = 0;
      for (let n0 = Math.max(0, n - t + 1); n0 <= n; n0++)
        for (let r0 = Math.max(0, i - sc); r0 <= Math.min(h - 1, i + sc); r0++)
          for (let c0 = Math.max(0, j - sc); c0 <= Math.min(w - 1, j + sc); c0++) {
            gp.predict(Float64Array.of(r0 * step * unit, c0 * step * unit, n0, s * unit, t), 1, mean, std);
            sum += std[0];
            count++;
          }
      total += sum / count;
    }
  }
  return total / (halfPx.length * durations.length);
}

describe('BOREx-3D σ map', () => {
  it('is at each voxel the mean σ of the boxes covering it, per size and duration, then over them; [T,H,W], 0 ≤ σ ≤ 1', async () => {
    const [T, H, W] = [4, 16, 16];
    const model = new TubeClassifier(T, H, W, { frames: [1, 3], rows: [4, 9], cols: [8, 13] });
    const out = await borex(whiteClipTarget(model), priorAt(T, H, W, 2, 6, 10), still, {}, undefined, { uncertainty: true });
    const u = out.uncertainty!;
    expect(u).toBeInstanceOf(Float32Array);
    expect(u).toHaveLength(T * H * W);
    expect(u.every((v) => v >= 0 && v <= 1)).toBe(true);
    const unit = 224 / H; // 14
    const halfPx = still.halfSizes.map((s) => Math.max(1, Math.round(s / unit)));
    expect(halfPx).toEqual([2, 3, 4, 5]);
    const durations = clipDurations([2, 4, 8], T);
    expect(durations).toEqual([2, 4]);
    const gp = rebuiltGp(out, unit, still);
    for (const [n, r, c] of [
      [0, 0, 0],
      [2, 6, 10],
      [3, 15, 15],
      [1, 8, 3],
      [3, 2, 14],
    ]) {
      expect(u[(n * H + r) * W + c]).toBeCloseTo(coverageSigma(gp, T, H, W, unit, halfPx, durations, n, r, c), 6);
    }
    // The map's own rule: with the mean aggregate, the plain mean of the (s, t) boxes at the voxel.
    const meanOut = await borex(whiteClipTarget(new TubeClassifier(T, H, W, model.tube)), priorAt(T, H, W, 2, 6, 10), { ...still, aggregate: 'mean' }, {}, undefined, { uncertainty: true });
    const meanGp = rebuiltGp(meanOut, unit, still);
    const [n, r, c] = [2, 6, 10];
    let expected = 0;
    const mu = new Float64Array(1);
    const sd = new Float64Array(1);
    for (const s of halfPx)
      for (const t of durations) {
        meanGp.predict(Float64Array.of(r * unit, c * unit, n, s * unit, t), 1, mu, sd);
        expected += sd[0] / (halfPx.length * durations.length);
      }
    expect(meanOut.uncertainty![(n * H + r) * W + c]).toBeCloseTo(expected, 6);
    // Not asked for: none.
    const none = await borex(whiteClipTarget(new TubeClassifier(T, H, W, model.tube)), null, { ...still, iterations: 2 });
    expect(none.uncertainty).toBeUndefined();
  });

  it('past 64 px a side, is that σ on the grid of every k-th row and column (k = ⌈side/64⌉), repeated over each k×k block', async () => {
    const [T, H, W] = [2, 96, 96];
    expect(Math.ceil(Math.max(H, W) / SIGMA_EXACT_SIDE)).toBe(2);
    const model = new TubeClassifier(T, H, W, { frames: [0, 2], rows: [20, 50], cols: [30, 60] });
    const out = await borex(whiteClipTarget(model), priorAt(T, H, W, 1, 35, 45), { ...still, iterations: 4 }, {}, undefined, { uncertainty: true });
    const u = out.uncertainty!;
    expect(u).toHaveLength(T * H * W);
    const unit = 224 / H;
    const halfPx = still.halfSizes.map((s) => Math.max(1, Math.round(s / unit)));
    const durations = clipDurations([2, 4, 8], T);
    const gp = rebuiltGp(out, unit, still);
    // The grid's σ is not the every-voxel σ (which this would be with k = 1): the test can tell them apart.
    expect(Math.abs(u[(0 * H + 35) * W + 45] - coverageSigma(gp, T, H, W, unit, halfPx, durations, 0, 35, 45))).toBeGreaterThan(1e-4);
    for (const [n, r, c] of [
      [0, 34, 44],
      [1, 95, 95],
      [1, 0, 61],
    ]) {
      const expected = coverageSigma(gp, T, H, W, unit, halfPx, durations, n, r, c, 2);
      for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const [rr, cc] = [2 * Math.floor(r / 2) + dr, 2 * Math.floor(c / 2) + dc];
        if (rr < H && cc < W) expect(u[(n * H + rr) * W + cc]).toBeCloseTo(expected, 6);
      }
    }
  });

  it('shrinks where the run queried (the evidence tube) against a region no box reached', async () => {
    const [T, H, W] = [8, 32, 32];
    const tube: Tube = { frames: [2, 6], rows: [4, 12], cols: [4, 12] };
    const model = new TubeClassifier(T, H, W, tube);
    const out = await borex(whiteClipTarget(model), priorAt(T, H, W, 4, 8, 8), { ...BOREX_DEFAULTS, iterations: 8, seed: 0 }, {}, undefined, { uncertainty: true });
    const u = out.uncertainty!;
    const meanOver = (inside: (n: number, r: number, c: number) => boolean) => {
      let sum = 0;
      let count = 0;
      for (let n = 0; n < T; n++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) if (inside(n, r, c)) (sum += u[(n * H + r) * W + c]), count++;
      return sum / count;
    };
    const inTube = meanOver((n, r, c) => model.inTube((n * H + r) * W + c));
    // The far corner: frames 6–7, rows and columns 24–31, which no sampled box covers.
    const far = (n: number, r: number, c: number) => n >= 6 && r >= 24 && c >= 24;
    for (const s of out.samples) {
      const covers = s.frame! + s.frames! > 6 && s.row + s.halfSize > 24 && s.col + s.halfSize > 24;
      expect(covers).toBe(false);
    }
    const corner = meanOver(far);
    console.log(`clip σ: tube ${inTube.toFixed(4)}, far corner ${corner.toFixed(4)}, range ${Math.min(...u).toFixed(4)}–${Math.max(...u).toFixed(4)}; GP ${out.gpMs.toFixed(0)} ms`);
    // Far from every box the GP keeps its prior σ (1); in the tube the 8 boxes took 0.09 off (0.906 measured).
    expect(corner).toBeGreaterThan(0.999);
    expect(inTube).toBeLessThan(corner - 0.05);
  });

  it('on a one-frame clip equals the image σ when both runs query the same squares', async () => {
    const [H, W] = [32, 32];
    const tube: Tube = { frames: [0, 1], rows: [6, 16], cols: [14, 26] };
    // Off the pixel grid: a symmetric peak makes exact UCB ties, which the image search (column-major)
  // and the clip search (row-major) break differently.
  const prior = priorAt(1, H, W, 0, 11.3, 19.6);
    // Jitter off and the image's search stride for the clip's, so the two searches can coincide;
    // at T = 1 the clip's n and t are 0 and 1 at every point, adding nothing to any distance.
    const p: BorexParams = { ...still, iterations: 6, clip: { jitter: [0, 0], candidateStride: BOREX_DEFAULTS.candidateStride } };
    const clipModel = new TubeClassifier(1, H, W, tube);
    const clip = await borex(whiteClipTarget(clipModel), prior, p, {}, undefined, { uncertainty: true });
    const imageModel = new TubeClassifier(1, H, W, tube);
    const white = whiteClipTarget(imageModel);
    const image: ExplainTarget = { ...white, dims: [3, H, W] };
    const photo = await borex(image, prior, p, {}, undefined, { uncertainty: true });
    // The precondition: the same squares queried, in the same order, with the same observations.
    expect(clip.samples.map((s) => [s.row, s.col, s.halfSize, s.frame, s.frames])).toEqual(photo.samples.map((s) => [s.row, s.col, s.halfSize, 0, 1]));
    expect(clip.samples.map((s) => s.y)).toEqual(photo.samples.map((s) => s.y));
    const a = clip.uncertainty!;
    const b = photo.uncertainty!;
    expect(a).toHaveLength(H * W);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-6);
    expect(Math.max(...b) - Math.min(...b)).toBeGreaterThan(0.1);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveMethods, parseMethodId } from '../../../src/engine/jobs/batch-methods.ts';
import { aggregateMap, composeMap, parseComposition, priorParts, rank01 } from '../../../src/engine/methods/borex-aggregate.ts';
import { BOREX_DEFAULTS, borex, scalePrior } from '../../../src/engine/methods/borex.ts';
import { RegionClassifier, whiteTarget } from '../../helpers/synthetic.ts';

// Issue 15 item 6: the final map's composition (borex-aggregate.ts composeMap).
const H = 112;
const W = 112;
const REGION: [number, number, number, number] = [24, 62, 48, 90];
const fast = { ...BOREX_DEFAULTS, candidateStride: 1, iterations: 8, seed: 0 };
const halfPx = fast.halfSizes.map((s) => Math.max(1, Math.round(s / (224 / H))));

function prior(): Float32Array {
  const p = new Float32Array(H * W);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) p[r * W + c] = Math.exp(-((r - 40) ** 2 + (c - 70) ** 2) / 150) + 0.3 * Math.exp(-((r - 90) ** 2 + (c - 20) ** 2) / 60);
  return p;
}

/** w·i0 aggregated with the existing aggregateMap directly (not through priorParts). */
function blurredPrior(i0: Float32Array, w: number): Float32Array {
  const p = halfPx.length;
  const totals = new Float64Array(H * W * p);
  for (let i = 0; i < H * W; i++) for (let k = 0; k < p; k++) totals[i * p + k] = w * i0[i];
  return aggregateMap(totals, H, W, halfPx, 'coverage');
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('composeMap on known arrays', () => {
  const map = Float32Array.from([1, 2, 3, 0]);
  const blurred = Float32Array.from([0.5, 0.5, 1, 0]);
  const p = Float32Array.from([1, 0, 2, 4]);

  it('coverage is the map; prior-after is map − blurred + K·prior', () => {
    expect(Array.from(composeMap(map, blurred, p, { kind: 'coverage' }))).toEqual([1, 2, 3, 0]);
    expect(Array.from(composeMap(map, blurred, p, { kind: 'prior-after' }))).toEqual([1.5, 1.5, 4, 4]);
    expect(Array.from(composeMap(map, blurred, p, { kind: 'prior-after', scale: 3 }))).toEqual([3.5, 1.5, 8, 12]);
  });

  it('ranks: the k-th highest gets 1 − k/n, ties by index (as the metrics rank)', () => {
    expect(Array.from(rank01([0.2, 0.9, 0.5, 0.5]))).toEqual([0.25, 1, 0.75, 0.5]);
    // map ranks [0.5, 0.75, 1, 0.25]; prior ranks [0.5, 0.25, 0.75, 1]
    expect(Array.from(composeMap(map, blurred, p, { kind: 'rank-sum' }))).toEqual([1, 1, 1.75, 1.25]);
    expect(Array.from(composeMap(map, blurred, p, { kind: 'rank-product' }))).toEqual([0.25, 0.1875, 0.75, 0.25]);
    expect(Array.from(composeMap(map, blurred, p, { kind: 'min' }))).toEqual([0.5, 0.25, 0.75, 0.25]);
    expect(Array.from(composeMap(map, blurred, p, { kind: 'max' }))).toEqual([0.5, 0.75, 1, 1]);
  });

  it('product of the min-max scaled maps; tiebreak orders the top share by the prior', () => {
    // map scaled [1/3, 2/3, 1, 0], prior scaled [0.25, 0, 0.5, 1]
    expect(Array.from(composeMap(map, blurred, p, { kind: 'product' }))).toEqual([Math.fround(1 / 12), 0, 0.5, 0]);
    // top half of the map: pixels 2 and 1, re-ordered by the prior (pixel 2's rank 0.75 > pixel 1's 0.25)
    const t = composeMap(Float32Array.from([4, 3, 2, 1]), blurred, Float32Array.from([0, 1, 5, 9]), { kind: 'tiebreak', top: 0.5 });
    expect(Array.from(t)).toEqual([1.25, 1.5, 0.5, 0.25]);
  });

  it('names: kinds with their factor or share; unknown or out-of-range names are refused', () => {
    expect(parseComposition('prior-after')).toEqual({ kind: 'prior-after' });
    expect(parseComposition('prior-after*3')).toEqual({ kind: 'prior-after', scale: 3 });
    expect(parseComposition('tiebreak:0.02')).toEqual({ kind: 'tiebreak', top: 0.02 });
    for (const bad of ['blend', 'rank-sum*2', 'prior-after:0.1', 'tiebreak:2', 'prior-after*0']) expect(() => parseComposition(bad)).toThrow();
  });
});

describe('BOREx with a composition', () => {
  it('the aggregate is linear: coverage(μ + i0) = coverage(μ) + coverage(i0) to 1e-6', () => {
    const p = halfPx.length;
    const mu = new Float64Array(H * W * p).map((_, i) => Math.sin(i * 0.37) * 0.8);
    const i0 = scalePrior(prior(), H * W, fast.priorMeanAbs);
    const sum = new Float64Array(mu.length).map((_, i) => mu[i] + i0[Math.floor(i / p)]);
    const whole = aggregateMap(sum, H, W, halfPx, 'coverage');
    const parts = aggregateMap(mu, H, W, halfPx, 'coverage');
    const b = blurredPrior(i0, 1);
    expect(maxAbsDiff(whole, parts.map((v, i) => v + b[i]))).toBeLessThan(1e-6);
    expect(maxAbsDiff(priorParts(i0, 1, H, W, halfPx, 'coverage').blurred, b)).toBe(0);
  });

  it("prior-after is the default map with the prior's aggregate replaced by the prior: coverage(μ) + i0 to 1e-6", async () => {
    const model = new RegionClassifier(H, W, REGION);
    const base = await borex(whiteTarget(model), prior(), fast);
    const pa = await borex(whiteTarget(model), prior(), { ...fast, composition: 'prior-after' });
    const i0 = scalePrior(prior(), H * W, fast.priorMeanAbs);
    const b = blurredPrior(i0, 1);
    const expected = base.map.map((v, i) => v - b[i] + i0[i]);
    expect(maxAbsDiff(pa.map, expected)).toBeLessThan(1e-6);
    // The loop is the same: only the final map differs.
    expect(pa.samples).toEqual(base.samples);
    expect(maxAbsDiff(pa.map, base.map)).toBeGreaterThan(1e-3);
  });

  it('with the learned weight the prior enters as β·i0: map − β·coverage(i0) + β·i0', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const learned = { ...fast, priorWeight: 'learned' as const };
    const base = await borex(whiteTarget(model), prior(), learned);
    const pa = await borex(whiteTarget(model), prior(), { ...learned, composition: 'prior-after' });
    const beta = base.priorWeight!;
    expect(pa.priorWeight).toBe(beta);
    const i0 = scalePrior(prior(), H * W, fast.priorMeanAbs);
    const b = blurredPrior(i0, beta);
    expect(maxAbsDiff(pa.map, base.map.map((v, i) => v - b[i] + beta * i0[i]))).toBeLessThan(1e-6);
  });

  it("the default (no composition, or 'coverage') is the map bit for bit", async () => {
    const model = new RegionClassifier(H, W, REGION);
    const a = await borex(whiteTarget(model), prior(), fast);
    const b = await borex(whiteTarget(model), prior(), { ...fast, composition: 'coverage' });
    expect(Array.from(b.map)).toEqual(Array.from(a.map));
  });

  it('refuses an unknown composition as a usage error', async () => {
    const model = new RegionClassifier(H, W, REGION);
    await expect(borex(whiteTarget(model), prior(), { ...fast, composition: 'blend' })).rejects.toMatchObject({ kind: 'usage' });
  });

  it('batch: +pa sets composition prior-after (normalised after +learned); ids without it carry no composition key', () => {
    expect(parseMethodId('borex:rise+pa+learned').id).toBe('borex:rise+learned+pa');
    const ms = resolveMethods('borex:rise,borex:rise+learned+pa', { preset: 'paper', seed: 0 });
    expect(ms.find((m) => m.id === 'borex:rise+learned+pa')!.config.borex).toEqual({ ...BOREX_DEFAULTS, candidateStride: 1, priorWeight: 'learned', composition: 'prior-after' });
    expect('composition' in ms.find((m) => m.id === 'borex:rise')!.config.borex!).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import {
  CandidatePosterior,
  GaussianProcess,
  choleskyWithJitter,
  fitLengthScale,
  fitLengthScaleToData,
  logMarginalLikelihood,
} from '../../../src/engine/gp/index.ts';

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

describe('numerical safety', () => {
  it('duplicate points with zero noise: jitter, finite posterior, no NaN', () => {
    const gp = new GaussianProcess({ dims: 3, lengthScale: [12, 12, 10], noiseVariance: 0 });
    gp.addObservation([100, 100, 45], 0.5);
    gp.addObservation([100, 100, 45], 0.5); // K singular: the append fails, refactorisation adds jitter
    gp.addObservation([100, 100, 45], -0.2);
    gp.addObservation([110, 90, 60], 0.1);
    expect(gp.jitter).toBeGreaterThan(0);
    expect(gp.jitter).toBeLessThan(1e-3);
    const pts = Float64Array.from([100, 100, 45, 0, 0, 30, 105, 95, 50]);
    const mean = new Float64Array(3);
    const std = new Float64Array(3);
    gp.predict(pts, 3, mean, std);
    expect(allFinite(mean) && allFinite(std)).toBe(true);
    // The duplicated point's mean is near the average of its targets (0.5, 0.5, −0.2).
    expect(mean[0]).toBeCloseTo(0.8 / 3, 3);
    const post = new CandidatePosterior(pts, 3, 3);
    post.update(gp);
    expect(allFinite(post.mean) && allFinite(post.std)).toBe(true);
    const grad = new Float64Array(3);
    const lml = gp.logMarginalLikelihood(grad);
    expect(Number.isFinite(lml) && allFinite(grad)).toBe(true);
  });

  it('duplicate points with the default noise need no jitter', () => {
    const gp = new GaussianProcess({ dims: 3, lengthScale: [12, 12, 10] });
    for (let i = 0; i < 5; i++) gp.addObservation([50, 60, 30], 0.3);
    expect(gp.jitter).toBe(0);
  });

  it('choleskyWithJitter grows the jitter until the factorisation succeeds', () => {
    const k = Float64Array.from([1, 1, 1, 1]); // rank one
    const l = new Float64Array(4);
    const jitter = choleskyWithJitter(k, 2, 2, l, 2);
    expect(jitter).toBeGreaterThan(0);
    expect(allFinite(l)).toBe(true);
    expect(l[0] * l[0]).toBeCloseTo(1 + jitter, 12);
  });

  it('fit with zero noise on duplicates stays finite and in bounds', () => {
    const x = Float64Array.from([10, 10, 30, 10, 10, 30, 40, 20, 45, 40, 21, 45]);
    const res = fitLengthScaleToData(x, [0.2, 0.2, -0.4, 0.5], 4, 3, [12, 12, 10], { noiseVariance: 0 });
    expect(Number.isFinite(res.logMarginalLikelihood)).toBe(true);
    for (const l of res.lengthScale) expect(l >= 1 && l <= 20).toBe(true);
  });

  it('rejects non-finite inputs instead of poisoning the factor', () => {
    const gp = new GaussianProcess({ dims: 3 });
    expect(() => gp.addObservation([1, Number.NaN, 3], 0)).toThrow(/not finite/);
    expect(() => gp.addObservation([1, 2, 3], Number.POSITIVE_INFINITY)).toThrow(/not finite/);
    expect(() => gp.addObservation([1, 2], 0)).toThrow(/3 coordinates/);
    expect(() => gp.setLengthScale([1, 0, 1])).toThrow(/> 0/);
    expect(gp.size).toBe(0);
  });

  it('refuses buffers that are too short (would silently read NaN)', () => {
    const gp = new GaussianProcess({ dims: 3 });
    gp.addObservation([1, 2, 30], 0.1);
    expect(() => gp.predict(new Float64Array(5), 2, new Float64Array(2))).toThrow(/need 6 numbers/);
    expect(() => gp.predict(new Float64Array(6), 2, new Float64Array(2), new Float64Array(1))).toThrow(/2 entries/);
    expect(() => gp.predictMean(new Float64Array(6), 2, new Float64Array(1))).toThrow(/2 entries/);
  });

  it('fitting with no or one observation is well defined', () => {
    const gp = new GaussianProcess({ dims: 3, lengthScale: [12, 12, 10] });
    const none = fitLengthScale(gp);
    expect(none.logMarginalLikelihood).toBe(0);
    expect(Array.from(gp.lengthScale)).toEqual([12, 12, 10]);
    gp.addObservation([5, 5, 30], 0.4);
    const one = fitLengthScale(gp);
    expect(Number.isFinite(one.logMarginalLikelihood)).toBe(true);
    expect(Array.from(gp.lengthScale)).toEqual([12, 12, 10]); // a single point carries no ℓ information
  });

  it('far from all data: mean 0, σ = prior σ; with no data at all too', () => {
    const gp = new GaussianProcess({ dims: 3, lengthScale: [1, 1, 1] });
    const far = Float64Array.from([1e4, 1e4, 1e4]);
    const mean = new Float64Array(1);
    const std = new Float64Array(1);
    gp.predict(far, 1, mean, std);
    expect([mean[0], std[0]]).toEqual([0, 1]);
    gp.addObservation([0, 0, 30], 0.7);
    gp.predict(far, 1, mean, std);
    expect([mean[0], std[0]]).toEqual([0, 1]);
    const noisy = new GaussianProcess({ dims: 3, stdMode: 'noisy' });
    noisy.predict(far, 1, mean, std);
    expect(std[0]).toBe(Math.sqrt(1.01));
  });
});

describe('bounded length-scale fit', () => {
  const rows: number[] = [];
  const smooth: number[] = [];
  const rough: number[] = [];
  let s = 12345;
  const r = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  for (let i = 0; i < 30; i++) {
    const p = [r() * 224, r() * 224, [30, 45, 60, 75][i % 4]];
    rows.push(...p);
    smooth.push(0.8); // constant: wants ℓ as long as allowed
    rough.push(i % 2 ? 0.9 : -0.9); // unrelated neighbours: wants ℓ as short as allowed
  }
  const x = Float64Array.from(rows);

  it('constant data pushes ℓ to the upper bound and no further', () => {
    const res = fitLengthScaleToData(x, smooth, 30, 3, [12, 12, 10]);
    expect(Array.from(res.lengthScale)).toEqual([20, 20, 20]);
    expect(res.converged).toBe(true);
  });

  it('custom bounds are respected per dimension', () => {
    const res = fitLengthScaleToData(x, smooth, 30, 3, [3, 3, 3], {}, { lower: [1, 2, 3], upper: [4, 5, 6] });
    expect(Array.from(res.lengthScale)).toEqual([4, 5, 6]);
    const low = fitLengthScaleToData(x, rough, 30, 3, [3, 3, 3], {}, { lower: [1.5, 2, 2.5], upper: 8 });
    for (let j = 0; j < 3; j++) {
      expect(low.lengthScale[j]).toBeGreaterThanOrEqual([1.5, 2, 2.5][j]);
      expect(low.lengthScale[j]).toBeLessThanOrEqual(8);
    }
    // Short length scales explain alternating targets better than long ones.
    const lmlLong = logMarginalLikelihood(x, rough, 30, 3, [8, 8, 8]);
    expect(low.logMarginalLikelihood).toBeGreaterThan(lmlLong);
  });

  it('a start outside the bounds is clipped, and fitLengthScale updates the GP', () => {
    const gp = new GaussianProcess({ dims: 3, lengthScale: [50, 0.5, 12] });
    for (let i = 0; i < 30; i++) gp.addObservation(rows.slice(3 * i, 3 * i + 3), smooth[i]);
    const res = fitLengthScale(gp);
    expect(Array.from(gp.lengthScale)).toEqual(Array.from(res.lengthScale));
    expect(Array.from(res.lengthScale)).toEqual([20, 20, 20]);
  });
});

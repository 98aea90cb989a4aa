import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CandidatePosterior } from '../../../src/engine/gp/candidate-posterior.ts';
import { GaussianProcess } from '../../../src/engine/gp/gaussian-process.ts';
import { logMarginalLikelihood } from '../../../src/engine/gp/log-marginal-likelihood.ts';
import { fitLengthScaleAndPriorWeight, priorMeanAt, priorMeanResidual, profileLogLikelihood } from '../../../src/engine/gp/prior-weight.ts';
import { uncertaintyMap } from '../../../src/engine/methods/borex.ts';
import { imageCandidates } from '../../../src/engine/methods/borex-candidates.ts';

/** 12 points in (row, col, s) space, deterministic. */
function points(n: number): Float64Array {
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    x[i * 3] = (i * 37) % 23;
    x[i * 3 + 1] = (i * 11) % 19;
    x[i * 3 + 2] = 30 + 15 * (i % 4);
  }
  return x;
}
const N = 12;
const X = points(N);
const h = Array.from({ length: N }, (_, i) => 0.05 + ((i * 7) % 5) * 0.04);
const group = Array.from({ length: N }, (_, i) => i % 4);
const basis = { h, group, groups: 4 };
const LS = [6, 7, 12];

describe('learned prior weight: GP mean β·h + c_s by generalised least squares', () => {
  it('recovers β and the per-size offsets exactly from noise-free targets y = β·h + c_s', () => {
    const offsets = [-0.5, -0.2, 0.1, 0.4];
    const y = h.map((v, i) => 2.5 * v + offsets[group[i]]);
    const m = priorMeanAt(X, y, basis, N, 3, LS);
    expect(m.priorWeight).toBeCloseTo(2.5, 8);
    Array.from(m.offsets).forEach((c, g) => expect(c).toBeCloseTo(offsets[g], 8));
  });

  it('clamps β at 0 for a prior that runs against the observations, keeping the offsets-only fit', () => {
    const y = h.map((v, i) => -3 * v + 0.1 * group[i]);
    const m = priorMeanAt(X, y, basis, N, 3, LS);
    expect(m.priorWeight).toBe(0);
    // With β = 0 the offsets are the GLS fit of y on the size indicators alone.
    const alone = priorMeanAt(X, y, { h: h.map(() => 0), group, groups: 4 }, N, 3, LS);
    expect(Array.from(m.offsets)).toEqual(Array.from(alone.offsets));
  });

  it('a size never observed gets the mean of the observed offsets; no prior gives β = 0', () => {
    const g = group.map((v) => (v === 3 ? 2 : v));
    const y = h.map((v, i) => v + [0.1, 0.2, 0.3, 0][g[i]]);
    const m = priorMeanAt(X, y, { h, group: g, groups: 4 }, N, 3, LS);
    expect(m.offsets[3]).toBeCloseTo((m.offsets[0] + m.offsets[1] + m.offsets[2]) / 3, 12);
    expect(priorMeanAt(X, y, { h: h.map(() => 0), group, groups: 4 }, N, 3, LS).priorWeight).toBe(0);
  });

  it('maximises the likelihood over w: any other (β, c) has a lower LML of its residual', () => {
    const y = h.map((v, i) => Math.sin(i) * 0.3 + v);
    const best = profileLogLikelihood(X, y, basis, N, 3, LS);
    for (const [db, dc] of [[0.1, 0], [-0.1, 0], [0, 0.05], [0, -0.05]]) {
      const other = { priorWeight: best.mean.priorWeight + db, offsets: best.mean.offsets.map((c) => c + dc) };
      const r = priorMeanResidual(y, basis, other, N);
      expect(logMarginalLikelihood(X, r, N, 3, LS)).toBeLessThan(best.value);
    }
  });

  it('profile gradient in log ℓ equals central finite differences (envelope theorem)', () => {
    const y = h.map((v, i) => Math.cos(i * 1.3) * 0.4 + 2 * v);
    const grad = new Float64Array(3);
    profileLogLikelihood(X, y, basis, N, 3, LS, {}, grad);
    for (let j = 0; j < 3; j++) {
      const eps = 1e-5;
      const up = LS.slice();
      const down = LS.slice();
      up[j] = LS[j] * Math.exp(eps);
      down[j] = LS[j] * Math.exp(-eps);
      const fd = (profileLogLikelihood(X, y, basis, N, 3, up).value - profileLogLikelihood(X, y, basis, N, 3, down).value) / (2 * eps);
      expect(grad[j]).toBeCloseTo(fd, 5);
    }
  });

  it('the joint fit does not lower the profile likelihood from its start, and stays in bounds', () => {
    const y = h.map((v, i) => Math.sin(i * 0.7) * 0.5 + 3 * v - 0.2);
    const fit = fitLengthScaleAndPriorWeight(X, y, basis, N, 3, [12, 12, 10], {}, { lower: 1, upper: 20 });
    expect(fit.logMarginalLikelihood).toBeGreaterThanOrEqual(profileLogLikelihood(X, y, basis, N, 3, [12, 12, 10]).value);
    for (const v of fit.lengthScale) expect(v >= 1 && v <= 20).toBe(true);
    expect(fit.mean.priorWeight).toBeGreaterThan(0);
  });
});

describe('GaussianProcess.setTargets with CandidatePosterior', () => {
  it('new targets on the same points give, bit for bit, the posterior of a GP built with them', () => {
    const y1 = h.map((v) => v);
    const y2 = h.map((v, i) => v * 3 - 0.1 * (i % 3));
    const cands = imageCandidates(12, 12, [30, 60]);
    for (let i = 0; i < cands.count; i++) cands.points[i * 3] *= 2;
    const a = new GaussianProcess({ dims: 3, lengthScale: LS });
    const post = new CandidatePosterior(cands.points, cands.count, 3);
    for (let i = 0; i < N; i++) a.addObservation(X.subarray(i * 3, i * 3 + 3), y1[i]);
    post.update(a);
    a.setTargets(y2);
    expect(post.update(a)).toBe('incremental');
    const b = new GaussianProcess({ dims: 3, lengthScale: LS });
    for (let i = 0; i < N; i++) b.addObservation(X.subarray(i * 3, i * 3 + 3), y2[i]);
    const fresh = new CandidatePosterior(cands.points, cands.count, 3);
    fresh.update(b);
    expect(Array.from(post.mean)).toEqual(Array.from(fresh.mean));
    expect(Array.from(post.std)).toEqual(Array.from(fresh.std));
    const m = new Float64Array(cands.count);
    b.predictMean(cands.points, cands.count, m);
    const ma = new Float64Array(cands.count);
    a.predictMean(cands.points, cands.count, ma);
    expect(Array.from(ma)).toEqual(Array.from(m));
  });
});

interface UncertaintyFixture {
  height: number;
  width: number;
  sizes: number[];
  lengthScale: number[];
  points: number[][];
  targets: number[];
  std: number[];
  maps: Record<'coverage' | 'area' | 'mean', number[]>;
}

describe('BOREx uncertainty map: posterior σ aggregated like the map', () => {
  const fx = JSON.parse(readFileSync(new URL('../../fixtures/gp/uncertainty-map.json', import.meta.url), 'utf8')) as UncertaintyFixture;
  const gp = new GaussianProcess({ dims: 3, lengthScale: fx.lengthScale });
  fx.points.forEach((p, i) => gp.addObservation(p, fx.targets[i]));
  const full = imageCandidates(fx.height, fx.width, fx.sizes, { order: 'row-major' });

  for (const aggregate of ['coverage', 'area', 'mean'] as const) {
    it(`equals scikit-learn's σ aggregated by ${aggregate} (tools/gp/make_uncertainty_fixture.py)`, () => {
      const map = uncertaintyMap(gp, full, fx.height, fx.width, fx.sizes, aggregate);
      expect(map).toHaveLength(fx.height * fx.width);
      // float32 output: 1e-7 relative.
      fx.maps[aggregate].forEach((v, i) => expect(Math.abs(map[i] - v)).toBeLessThan(1e-7 * Math.max(1, Math.abs(v))));
    });
  }

  it('with no observation σ is the prior σ_f = 1 at every square, so the coverage map is all ones', () => {
    const empty = new GaussianProcess({ dims: 3, lengthScale: fx.lengthScale });
    const map = uncertaintyMap(empty, full, fx.height, fx.width, fx.sizes, 'coverage');
    expect(Array.from(map).every((v) => v === 1)).toBe(true);
  });
});

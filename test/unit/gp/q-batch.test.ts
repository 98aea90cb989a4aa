import { describe, expect, it } from 'vitest';
import { CandidatePosterior, GaussianProcess } from '../../../src/engine/gp/index.ts';
import { addFantasy, roundSizes } from '../../../src/engine/gp/q-batch.ts';
import { denseReference, maxAbsDiff, rng } from './dense-reference.ts';

const LS = [12, 12, 10];
const point = (r: () => number) => [r() * 224, r() * 224, 30 + r() * 45];

const dense = (z: number[][], y: number[], test: number[][]) => denseReference(z, y, LS, test);

describe('kriging believer (gp/q-batch.ts)', () => {
  const r = rng(11);
  const z = Array.from({ length: 20 }, () => point(r));
  const y = z.map(() => 2 * r() - 1);
  const fantasyZ = Array.from({ length: 4 }, () => point(r));
  // Two fantasies near observed points, two far from all: both kinds of σ change.
  fantasyZ[0] = [z[3][0] + 2, z[3][1] - 1, z[3][2]];
  const test = Array.from({ length: 300 }, () => point(r));
  const flat = Float64Array.from(test.flat());

  const gpWith = (zs: number[][], ys: number[]) => {
    const gp = new GaussianProcess({ dims: 3, lengthScale: LS, noiseVariance: 0.01 });
    zs.forEach((zi, i) => gp.addObservation(zi, ys[i]));
    return gp;
  };
  const predict = (gp: GaussianProcess) => {
    const mean = new Float64Array(test.length);
    const std = new Float64Array(test.length);
    gp.predict(flat, test.length, mean, std);
    return { mean, std };
  };

  it('the fantasy update (rank-1 Cholesky extensions) equals a GP fitted directly with the fantasised points, to 1e-10', () => {
    const gp = gpWith(z, y);
    const before = predict(gp);
    const fantasies = fantasyZ.map((f) => addFantasy(gp, Float64Array.from(f)));
    expect(gp.size).toBe(24);
    // Each fantasy is the GP's mean at its point given the data and the earlier fantasies.
    const direct = gpWith([...z, ...fantasyZ], [...y, ...fantasies]);
    const ref = dense([...z, ...fantasyZ], [...y, ...fantasies], test);
    const after = predict(gp);
    const fitted = predict(direct);
    expect(maxAbsDiff(after.mean, fitted.mean)).toBeLessThan(1e-10);
    expect(maxAbsDiff(after.std, fitted.std)).toBeLessThan(1e-10);
    expect(maxAbsDiff(after.mean, ref.mean)).toBeLessThan(1e-10);
    expect(maxAbsDiff(after.std, ref.std)).toBeLessThan(1e-10);
    // The fantasies equal the mean of the data-only GP (a believer never moves μ) ...
    const atF = dense(z, y, fantasyZ).mean;
    expect(maxAbsDiff(fantasies, atF)).toBeLessThan(1e-10);
    expect(maxAbsDiff(after.mean, before.mean)).toBeLessThan(1e-10);
    // ... and only shrinks σ, most near the fantasised point.
    for (let i = 0; i < test.length; i++) expect(after.std[i]).toBeLessThanOrEqual(before.std[i] + 1e-12);
    const nearF = dense(z, y, [fantasyZ[1]]).std[0];
    const nearAfter = dense([...z, ...fantasyZ], [...y, ...fantasies], [fantasyZ[1]]).std[0];
    expect(nearAfter).toBeLessThan(0.2 * nearF);
  });

  it('replacing the fantasies by real values equals a GP fitted on the real data; the candidate posterior re-sums, not rebuilds', () => {
    const gp = gpWith(z, y);
    const posterior = new CandidatePosterior(flat, test.length, 3);
    posterior.update(gp);
    const fantasies = fantasyZ.map((f) => {
      const v = addFantasy(gp, Float64Array.from(f));
      expect(posterior.update(gp)).toBe('incremental');
      return v;
    });
    const real = fantasyZ.map(() => 2 * r() - 1);
    expect(maxAbsDiff(real, fantasies)).toBeGreaterThan(0.1);
    gp.setTargets([...y, ...real]);
    expect(posterior.update(gp)).toBe('incremental');
    expect(posterior.stats.rebuilds).toBe(1);
    const ref = dense([...z, ...fantasyZ], [...y, ...real], test);
    expect(maxAbsDiff(posterior.mean, ref.mean)).toBeLessThan(1e-10);
    expect(maxAbsDiff(posterior.std, ref.std)).toBeLessThan(1e-10);
    const direct = predict(gpWith([...z, ...fantasyZ], [...y, ...real]));
    expect(maxAbsDiff(posterior.mean, direct.mean)).toBeLessThan(1e-10);
  });

  it('on an empty GP the fantasy is 0 (the zero prior mean)', () => {
    const gp = new GaussianProcess({ dims: 3, lengthScale: LS });
    expect(addFantasy(gp, Float64Array.from([10, 10, 30]))).toBe(0);
    expect(gp.size).toBe(1);
  });

  it('splits iterations into rounds of q, the remainder last', () => {
    expect(roundSizes(100, 4)).toEqual(new Array(25).fill(4));
    expect(roundSizes(10, 4)).toEqual([4, 4, 2]);
    expect(roundSizes(3, 1)).toEqual([1, 1, 1]);
    expect(roundSizes(2, 8)).toEqual([2]);
    expect(() => roundSizes(10, 0)).toThrow(/positive integer/);
  });
});

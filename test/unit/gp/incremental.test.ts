import { describe, expect, it } from 'vitest';
import { CandidatePosterior, GaussianProcess } from '../../../src/engine/gp/index.ts';
import { imageCandidates } from '../../../src/engine/methods/borex-candidates.ts';
import { denseReference, maxAbsDiff, rng } from './dense-reference.ts';

const SIZES = [30, 45, 60, 75];

function borexPoints(n: number, seed: number): { z: number[][]; y: number[] } {
  const r = rng(seed);
  const z: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    z.push([Math.floor(r() * 224) + r() - 0.5, Math.floor(r() * 224) + r() - 0.5, SIZES[Math.floor(r() * 4)] + r() - 0.5]);
    y.push(2 * r() - 1);
  }
  return { z, y };
}

describe('incremental Cholesky updates equal a from-scratch solve', () => {
  const ls = [12, 12, 10];
  const { z, y } = borexPoints(40, 7);
  const test = borexPoints(25, 99).z;
  const xt = Float64Array.from(test.flat());
  const m = test.length;

  it('appending one point at a time (querying in between) equals refactorising', () => {
    const inc = new GaussianProcess({ dims: 3, lengthScale: ls, capacity: 4 }); // forces buffer growth too
    const meanInc = new Float64Array(m);
    const stdInc = new Float64Array(m);
    for (let i = 0; i < z.length; i++) {
      inc.addObservation(z[i], y[i]);
      inc.predict(xt, m, meanInc, stdInc); // uses (and so keeps) the incrementally grown factor
    }
    const scratch = new GaussianProcess({ dims: 3, lengthScale: [1, 1, 1] });
    for (let i = 0; i < z.length; i++) scratch.addObservation(z[i], y[i]);
    scratch.setLengthScale(ls); // invalidates: the next use refactorises all 40 points at once
    const meanScr = new Float64Array(m);
    const stdScr = new Float64Array(m);
    scratch.predict(xt, m, meanScr, stdScr);
    expect(maxAbsDiff(meanInc, meanScr)).toBeLessThanOrEqual(1e-10);
    expect(maxAbsDiff(stdInc, stdScr)).toBeLessThanOrEqual(1e-10);
    // Same arithmetic in the same order: in fact identical.
    expect(Array.from(meanInc)).toEqual(Array.from(meanScr));

    const ref = denseReference(z, y, ls, test);
    expect(maxAbsDiff(meanInc, ref.mean)).toBeLessThan(1e-10);
    expect(maxAbsDiff(stdInc, ref.std)).toBeLessThan(1e-10);
  });

  it('factor() generation survives appends and changes on a new ℓ', () => {
    const gp = new GaussianProcess({ dims: 3, lengthScale: ls });
    gp.addObservation(z[0], y[0]);
    const g0 = gp.factor().generation;
    gp.addObservation(z[1], y[1]);
    expect(gp.factor().generation).toBe(g0);
    gp.setLengthScale(ls); // same values: nothing to redo
    expect(gp.factor().generation).toBe(g0);
    gp.setLengthScale([12, 12, 11]);
    expect(gp.factor().generation).not.toBe(g0);
  });

  it('CandidatePosterior: incremental rows equal a fresh rebuild and GaussianProcess.predict', () => {
    const grid = imageCandidates(40, 36, SIZES, { stride: 3 });
    const gp = new GaussianProcess({ dims: 3, lengthScale: ls });
    const post = new CandidatePosterior(grid.points, grid.count, 3, { capacity: 8 });
    const kinds: string[] = [];
    for (let i = 0; i < 20; i++) {
      gp.addObservation([z[i][0] / 5, z[i][1] / 5, z[i][2]], y[i]);
      kinds.push(post.update(gp));
      if (i === 12) {
        gp.setLengthScale([7, 9, 10]);
        kinds.push(post.update(gp));
      }
    }
    expect(kinds[0]).toBe('rebuild');
    expect(kinds.slice(1, 13).every((k) => k === 'incremental')).toBe(true);
    expect(kinds[13]).toBe('rebuild'); // the ℓ change after the 13th point
    expect(kinds[14]).toBe('incremental');
    expect(post.update(gp)).toBe('unchanged');

    const fresh = new CandidatePosterior(grid.points, grid.count, 3);
    expect(fresh.update(gp)).toBe('rebuild');
    expect(maxAbsDiff(post.mean, fresh.mean)).toBeLessThanOrEqual(1e-10);
    expect(maxAbsDiff(post.std, fresh.std)).toBeLessThanOrEqual(1e-10);

    const mean = new Float64Array(grid.count);
    const std = new Float64Array(grid.count);
    gp.predict(grid.points, grid.count, mean, std);
    expect(maxAbsDiff(post.mean, mean)).toBeLessThanOrEqual(1e-10);
    expect(maxAbsDiff(post.std, std)).toBeLessThanOrEqual(1e-10);
  });

  it('CandidatePosterior reused for another GP rebuilds instead of extending foreign rows', () => {
    const grid = imageCandidates(20, 20, SIZES, { stride: 2 });
    const post = new CandidatePosterior(grid.points, grid.count, 3);
    const a = new GaussianProcess({ dims: 3, lengthScale: ls });
    const b = new GaussianProcess({ dims: 3, lengthScale: ls });
    a.addObservation([1, 2, 30], 0.5);
    b.addObservation([15, 3, 60], -0.5);
    b.addObservation([4, 12, 45], 0.25);
    expect(post.update(a)).toBe('rebuild');
    expect(post.update(b)).toBe('rebuild'); // same generation number, more points: still foreign
    const fresh = new CandidatePosterior(grid.points, grid.count, 3);
    fresh.update(b);
    expect(Array.from(post.mean)).toEqual(Array.from(fresh.mean));
    expect(Array.from(post.std)).toEqual(Array.from(fresh.std));
    b.clear();
    expect(post.update(b)).toBe('rebuild');
    expect(Array.from(post.std).every((s) => s === 1)).toBe(true);
  });

  it('video inputs (5 dims): CandidatePosterior equals predict, incrementally too', () => {
    const r = rng(5);
    const cands: number[] = [];
    for (let t = 0; t < 300; t++) cands.push(r() * 50, r() * 50, Math.floor(r() * 16), SIZES[t % 4], [2, 4, 8][t % 3]);
    const c = Float64Array.from(cands);
    const gp = new GaussianProcess({ dims: 5, lengthScale: [12, 12, 3, 10, 3], capacity: 3 });
    const post = new CandidatePosterior(c, 300, 5, { capacity: 2 });
    for (let i = 0; i < 12; i++) {
      gp.addObservation([r() * 50, r() * 50, r() * 16, SIZES[i % 4], 4], 2 * r() - 1);
      post.update(gp);
    }
    const mean = new Float64Array(300);
    const std = new Float64Array(300);
    gp.predict(c, 300, mean, std);
    expect(maxAbsDiff(post.mean, mean)).toBeLessThanOrEqual(1e-10);
    expect(maxAbsDiff(post.std, std)).toBeLessThanOrEqual(1e-10);
    const meanOnly = new Float64Array(300);
    gp.predictMean(c, 300, meanOnly);
    expect(Array.from(meanOnly)).toEqual(Array.from(mean));
  });

  it('noisy σ = sqrt(latent σ² + noise) in both prediction paths', () => {
    const latent = new GaussianProcess({ dims: 3, lengthScale: ls });
    const noisy = new GaussianProcess({ dims: 3, lengthScale: ls, stdMode: 'noisy' });
    for (let i = 0; i < 10; i++) {
      latent.addObservation(z[i], y[i]);
      noisy.addObservation(z[i], y[i]);
    }
    const a = new Float64Array(m);
    const b = new Float64Array(m);
    const mean = new Float64Array(m);
    latent.predict(xt, m, mean, a);
    noisy.predict(xt, m, mean, b);
    for (let t = 0; t < m; t++) expect(b[t]).toBeCloseTo(Math.sqrt(a[t] * a[t] + 0.01), 12);
    const post = new CandidatePosterior(xt, m, 3);
    post.update(noisy);
    expect(maxAbsDiff(post.std, b)).toBeLessThan(1e-12);
  });
});

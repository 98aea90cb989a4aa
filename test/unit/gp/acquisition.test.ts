import { describe, expect, it } from 'vitest';
import {
  acquisitionArgmax,
  acquisitionValue,
  acquisitionValues,
  maternMatrix,
  maternMatrixGradients,
  maternValue,
  matern32,
} from '../../../src/engine/gp/index.ts';

describe('UCB acquisition', () => {
  const mean = Float64Array.from([0.1, -0.5, 0.3, 0.3, -0.9]);
  const std = Float64Array.from([0.01, 0.02, 0.01, 0.01, 0.02]);
  const prior = Float64Array.from([0, 0, 0.1, 0.1, 0]);

  it('u = μ + prior + κσ, ties → lowest index', () => {
    // u = [0.2, -0.3, 0.5, 0.5, -0.7]: indices 2 and 3 tie, 2 wins.
    expect(acquisitionArgmax(mean, std, prior, 5)).toEqual({ index: 2, value: 0.1 + 0.3 + 0.1 });
    const u = acquisitionValues(mean, std, prior, 5, { kappa: 10 }, new Float64Array(5));
    expect(Array.from(u)).toEqual([0.1 + 0.1, -0.5 + 0.2, 0.4 + 0.1, 0.4 + 0.1, -0.9 + 0.2]);
  });

  it("'abs' ranks by |μ_total| + κσ", () => {
    expect(acquisitionArgmax(mean, std, prior, 5, { kind: 'abs' })).toEqual({ index: 4, value: 0.9 + 10 * 0.02 });
    expect(acquisitionValue(-0.9, 0.02, 0, 10, 'abs')).toBe(0.9 + 10 * 0.02);
  });

  it('κ trades exploitation for exploration; a null prior means zero', () => {
    expect(acquisitionArgmax(mean, std, null, 5, { kappa: 0 }).index).toBe(2);
    expect(acquisitionArgmax(mean, std, null, 5, { kappa: 100 }).index).toBe(1);
  });

  it('only looks at the first m candidates and refuses an empty set', () => {
    expect(acquisitionArgmax(mean, std, prior, 2).index).toBe(0);
    expect(() => acquisitionArgmax(mean, std, prior, 0)).toThrow(/no candidates/);
  });
});

describe('Matérn 3/2 kernel', () => {
  it('closed form values', () => {
    expect(matern32(0)).toBe(1);
    expect(matern32(1)).toBeCloseTo((1 + Math.sqrt(3)) * Math.exp(-Math.sqrt(3)), 15);
    // d² = (3/12)² + (4/12)² + 0 = 25/144 → d = 5/12; σ_f² scales.
    expect(maternValue([0, 0, 30], 0, [3, 4, 30], 0, 3, [12, 12, 10], 2)).toBeCloseTo(2 * matern32(5 / 12), 15);
  });

  it('∂K/∂log ℓ matches central finite differences', () => {
    const x = Float64Array.from([0, 0, 30, 5, 9, 45, 20, 3, 60]);
    const ls = [12, 7, 10];
    const grads = [0, 1, 2].map(() => new Float64Array(9));
    maternMatrixGradients(x, 3, 3, ls, 1.5, grads);
    const h = 1e-6;
    for (let j = 0; j < 3; j++) {
      const up = ls.slice();
      const dn = ls.slice();
      up[j] = ls[j] * Math.exp(h);
      dn[j] = ls[j] * Math.exp(-h);
      const kUp = maternMatrix(x, 3, 3, up, 1.5, 0, new Float64Array(9));
      const kDn = maternMatrix(x, 3, 3, dn, 1.5, 0, new Float64Array(9));
      for (let e = 0; e < 9; e++) expect(grads[j][e]).toBeCloseTo((kUp[e] - kDn[e]) / (2 * h), 7);
    }
    expect(grads[0][0]).toBe(0);
  });
});

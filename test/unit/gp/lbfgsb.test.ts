import { describe, expect, it } from 'vitest';
import { minimizeLbfgsb, projectedGradientNorm } from '../../../src/engine/gp/index.ts';
import { fixture } from './fixtures.ts';

type Fn = (x: Float64Array, g: Float64Array) => number;

const rosenbrock: Fn = (x, g) => {
  g[0] = -400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]);
  g[1] = 200 * (x[1] - x[0] ** 2);
  return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
};

// Same function as quad() in tools/gp/make_gp_fixtures.py.
const W = [1, 3, 0.5, 2];
const C = [2, -1, -0.2, 0.5];
const A = [
  [0, 0.4, 0, 0.1],
  [0.4, 0, 0.2, 0],
  [0, 0.2, 0, 0.3],
  [0.1, 0, 0.3, 0],
];
const quartic: Fn = (x, g) => {
  const r = Array.from(x, (v, i) => v - C[i]);
  let f = 0;
  for (let i = 0; i < 4; i++) {
    let ar = 0;
    for (let j = 0; j < 4; j++) ar += A[i][j] * r[j];
    f += 0.5 * W[i] * r[i] * r[i] + 0.5 * r[i] * ar + 0.1 * x[i] ** 4;
    g[i] = W[i] * r[i] + ar + 0.4 * x[i] ** 3;
  }
  return f;
};

const functions: Record<string, Fn> = { rosenbrock, 'rosenbrock-active': rosenbrock, 'quartic-box': quartic };

describe('L-BFGS-B follows SciPy 1.10', () => {
  for (const c of fixture.optimizer) {
    it(`${c.name}: same minimiser, same iteration count`, () => {
      const res = minimizeLbfgsb(functions[c.name], c.x0, { lower: c.lower, upper: c.upper });
      expect(res.converged).toBe(true);
      for (let i = 0; i < c.x.length; i++) expect(Math.abs(res.x[i] - c.x[i])).toBeLessThan(1e-6);
      expect(res.f).toBeLessThanOrEqual(c.f + 1e-9);
      expect(res.iterations).toBe(c.nit);
      expect(res.evaluations).toBe(c.nfev);
    });
  }

  it('stays inside the box at every evaluation', () => {
    const lower = [-1.5, -0.5];
    const upper = [0.8, 3];
    const seen: number[][] = [];
    const res = minimizeLbfgsb(
      (x, g) => {
        seen.push(Array.from(x));
        return rosenbrock(x, g);
      },
      [-1.2, 1],
      { lower, upper },
    );
    for (const p of seen) {
      expect(p[0] >= lower[0] && p[0] <= upper[0] && p[1] >= lower[1] && p[1] <= upper[1]).toBe(true);
    }
    expect(res.x[0]).toBe(0.8);
    expect(projectedGradientNorm(res.x, res.gradient, Float64Array.from(lower), Float64Array.from(upper))).toBeLessThanOrEqual(1e-5);
  });

  it('unbounded quadratic: converges to the exact minimiser', () => {
    const res = minimizeLbfgsb(
      (x, g) => {
        g[0] = 2 * (x[0] - 3);
        g[1] = 8 * (x[1] + 1);
        return (x[0] - 3) ** 2 + 4 * (x[1] + 1) ** 2;
      },
      [0, 0],
      { lower: [-Infinity, -Infinity], upper: [Infinity, Infinity] },
    );
    expect(res.x[0]).toBeCloseTo(3, 6);
    expect(res.x[1]).toBeCloseTo(-1, 6);
  });

  it('throws on a NaN objective instead of looping', () => {
    expect(() => minimizeLbfgsb((_x, g) => (g.fill(0), Number.NaN), [0], { lower: [-1], upper: [1] })).toThrow(/not finite/);
  });
});

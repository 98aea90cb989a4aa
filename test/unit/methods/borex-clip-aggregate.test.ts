/**
 * BOREx-3D's final map: the clip aggregates against a brute-force reference written here (loops
 * over every box covering every voxel), and the grid posterior mean against predictMean.
 */
import { describe, expect, it } from 'vitest';
import { ClipAggregator } from '../../../src/engine/methods/borex-aggregate.ts';
import { GaussianProcess } from '../../../src/engine/gp/gaussian-process.ts';
import { predictMeanOnGrid } from '../../../src/engine/gp/grid-mean.ts';
import { Random } from '../../../src/engine/random.ts';

const T = 5;
const H = 6;
const W = 7;
const SIZES = [1, 2];
const DURATIONS = [2, 4];

/** μ_total(n, row, col, s, t): any fixed function will do; distinct values everywhere. */
const mu = (n: number, r: number, c: number, s: number, t: number) => Math.sin(1.3 * n + 0.7 * r - 0.4 * c + s) + 0.1 * t * c - 0.05 * r * n;

function layer(s: number, t: number): Float64Array {
  const out = new Float64Array(T * H * W);
  for (let n = 0; n < T; n++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) out[(n * H + r) * W + c] = mu(n, r, c, s, t);
  return out;
}

function aggregate(kind: 'coverage' | 'volume' | 'mean'): Float32Array {
  const agg = new ClipAggregator(T, H, W, kind);
  for (const s of SIZES) for (const t of DURATIONS) agg.add(layer(s, t), s, t);
  return agg.result();
}

describe('clip aggregates', () => {
  it('coverage: per (s, t) the mean of μ_total over every in-clip box covering the voxel, then the mean over (s, t)', () => {
    const got = aggregate('coverage');
    for (let f = 0; f < T; f++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          let total = 0;
          for (const s of SIZES) {
            for (const t of DURATIONS) {
              // Boxes [n, n+t) covering frame f start at n ∈ [f−t+1, f]; centres (row, col) within
              // s of the voxel (the (2s+1)² window of the image rule); only in-clip ones count.
              let sum = 0;
              let count = 0;
              for (let n = 0; n < T; n++) {
                if (!(n <= f && f < n + t)) continue;
                for (let r = 0; r < H; r++) {
                  for (let c = 0; c < W; c++) {
                    if (Math.abs(r - y) > s || Math.abs(c - x) > s) continue;
                    sum += mu(n, r, c, s, t);
                    count++;
                  }
                }
              }
              total += sum / count;
            }
          }
          expect(got[(f * H + y) * W + x]).toBeCloseTo(total / 4, 5);
        }
      }
    }
  });

  it('volume (paper): (1/(p·k)) Σ_s Σ_t μ_total(λ, s, t) / ((2s)²·t); mean: the plain average', () => {
    const volume = aggregate('volume');
    const mean = aggregate('mean');
    for (let n = 0; n < T; n++) {
      for (let r = 0; r < H; r++) {
        for (let c = 0; c < W; c++) {
          let v = 0;
          let m = 0;
          for (const s of SIZES) {
            for (const t of DURATIONS) {
              v += mu(n, r, c, s, t) / ((2 * s) ** 2 * t);
              m += mu(n, r, c, s, t);
            }
          }
          const i = (n * H + r) * W + c;
          expect(volume[i]).toBeCloseTo(v / 4, 6);
          expect(mean[i]).toBeCloseTo(m / 4, 6);
        }
      }
    }
  });
});

describe('posterior mean on a product grid', () => {
  it('equals predictMean at every grid point (any loop order), to float64 rounding', () => {
    const random = new Random(3);
    const gp = new GaussianProcess({ dims: 5, lengthScale: [3, 4, 2, 5, 1.5] });
    for (let i = 0; i < 12; i++) gp.addObservation([random.normal() * 4 + 5, random.normal() * 4 + 5, random.normal() * 2 + 3, 2 + random.normal(), 3 + random.normal()], random.normal());
    const axes = [[0, 2.5, 5, 9], [1, 4, 7], [0, 1, 2, 3, 4], [1, 3], [2, 4, 8]].map((a) => Float64Array.from(a));
    for (const order of [[3, 4, 2, 0, 1], [0, 1, 2, 3, 4], [4, 2, 0, 3, 1]]) {
      const sizes = order.map((j) => axes[j].length);
      const total = sizes.reduce((a, b) => a * b, 1);
      const grid = new Float64Array(total);
      predictMeanOnGrid(gp, axes, order, grid);
      const points = new Float64Array(total * 5);
      const index = new Array<number>(5).fill(0);
      for (let q = 0; q < total; q++) {
        let rest = q;
        for (let level = 4; level >= 0; level--) {
          index[level] = rest % sizes[level];
          rest = Math.floor(rest / sizes[level]);
        }
        for (let level = 0; level < 5; level++) points[q * 5 + order[level]] = axes[order[level]][index[level]];
      }
      const reference = new Float64Array(total);
      gp.predictMean(points, total, reference);
      let worst = 0;
      for (let q = 0; q < total; q++) worst = Math.max(worst, Math.abs(grid[q] - reference[q]));
      expect(worst).toBeLessThan(1e-12);
      expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.1); // a real, non-zero mean
    }
  });
});

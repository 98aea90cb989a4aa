/**
 * How BOREx turns μ_total(c, s) (one value per mask centre c and half-width s) into a pixel map.
 * - coverage (default; public code): for each s, the mean of μ_total(c, s) over all in-image
 *   centres c in the (2s+1)² box around λ; then the mean over s.
 * - area (paper, Alg. 2 line 12): (1/p) Σ_s μ_total(λ, s) / (2s)².
 * - mean (Alg. 1; the simple-avg ablation): (1/p) Σ_s μ_total(λ, s).
 */
export type Aggregate = 'coverage' | 'area' | 'mean';
export const AGGREGATES: readonly Aggregate[] = ['coverage', 'area', 'mean'];

/**
 * `totals`: H·W·p values, index (pixel·p + k) for size k — the candidate order of
 * borex-candidates.ts at stride 1. `halfSizes` in pixels.
 */
export function aggregateMap(totals: Float64Array, height: number, width: number, halfSizes: readonly number[], aggregate: Aggregate): Float32Array {
  const p = halfSizes.length;
  const plane = height * width;
  const out = new Float64Array(plane);
  const layer = new Float64Array(plane);
  const integral = new Float64Array((height + 1) * (width + 1));
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < plane; i++) layer[i] = totals[i * p + k];
    const s = halfSizes[k];
    if (aggregate === 'coverage') {
      boxMean(layer, height, width, Math.round(s), integral, out);
    } else {
      const w = aggregate === 'area' ? 1 / (2 * s) ** 2 : 1;
      for (let i = 0; i < plane; i++) out[i] += layer[i] * w;
    }
  }
  const map = new Float32Array(plane);
  for (let i = 0; i < plane; i++) map[i] = out[i] / p;
  return map;
}

/** Adds to `acc` the mean of `values` over the in-image part of the (2r+1)² box around each pixel. */
function boxMean(values: Float64Array, height: number, width: number, r: number, integral: Float64Array, acc: Float64Array): void {
  const W1 = width + 1;
  integral.fill(0);
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += values[y * width + x];
      integral[(y + 1) * W1 + x + 1] = integral[y * W1 + x + 1] + row;
    }
  }
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const sum = integral[y1 * W1 + x1] - integral[y0 * W1 + x1] - integral[y1 * W1 + x0] + integral[y0 * W1 + x0];
      acc[y * width + x] += sum / ((y1 - y0) * (x1 - x0));
    }
  }
}

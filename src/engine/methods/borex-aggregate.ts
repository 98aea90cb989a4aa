/**
 * How BOREx turns μ_total(c, s) (one value per mask centre c and half-width s) into a pixel map.
 * - coverage (default; public code): for each s, the mean of μ_total(c, s) over all in-image
 *   centres c in the (2s+1)² box around λ; then the mean over s.
 * - area (paper, Alg. 2 line 12): (1/p) Σ_s μ_total(λ, s) / (2s)².
 * - mean (Alg. 1; the simple-avg ablation): (1/p) Σ_s μ_total(λ, s).
 * Clips (rank 3, boxes (s, t) over frames [n, n+t)): coverage over every box covering the voxel;
 * volume (paper §3.2): (1/(p·k)) Σ_s Σ_t μ_total(λ, s, t) / ((2s)²·t); mean. `area` and `volume`
 * are one rule, "divide by the box's size": pixels at rank 2, voxels at rank 3.
 */
export type Aggregate = 'coverage' | 'area' | 'volume' | 'mean';
export const AGGREGATES: readonly Aggregate[] = ['coverage', 'area', 'volume', 'mean'];

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
      const w = aggregate === 'area' || aggregate === 'volume' ? 1 / (2 * s) ** 2 : 1;
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

/**
 * The clip form: μ_total arrives one (s, t) layer at a time (T·H·W values, voxel order = the
 * box's start frame, row, column), so the 10⁷ values of a full-size clip are never held at once.
 * Coverage is a box mean, separable because the in-clip centres form a box: the running-sum mean
 * over start frames [f−t+1, f] (the starts whose frames [n, n+t) include f), then rows and
 * columns [y−s, y+s] (the (2s+1)-wide window of the image rule), each clipped to the clip.
 */
export class ClipAggregator {
  private readonly acc: Float64Array;
  private readonly scratch: Float64Array;
  private readonly line: Float64Array;
  private layers = 0;

  constructor(
    readonly frames: number,
    readonly height: number,
    readonly width: number,
    readonly aggregate: Aggregate,
  ) {
    const size = frames * height * width;
    this.acc = new Float64Array(size);
    this.scratch = new Float64Array(size);
    this.line = new Float64Array(Math.max(frames, height, width) + 1);
  }

  /**
   * Adds one layer of μ_total for boxes of half-width s pixels and t frames. Overwrites `layer`
   * for coverage. `radius`: the coverage window's half-width in grid steps (default round(s);
   * a coarser grid, as in previews, passes s in its own steps).
   */
  add(layer: Float64Array, s: number, t: number, radius = Math.round(s)): void {
    const { frames: T, height: H, width: W, acc } = this;
    const size = T * H * W;
    if (layer.length < size) throw new Error(`a layer of a ${T}×${H}×${W} clip needs ${size} values`);
    this.layers++;
    if (this.aggregate === 'coverage') {
      const r = radius;
      const full = layer.subarray(0, size);
      windowMean(full, this.scratch, T, H * W, t - 1, 0, this.line); // start frames
      windowMean(this.scratch, full, H, W, r, r, this.line); // rows, per frame
      windowMean(full, this.scratch, W, 1, r, r, this.line); // columns
      for (let i = 0; i < size; i++) acc[i] += this.scratch[i];
      return;
    }
    const w = this.aggregate === 'mean' ? 1 : 1 / ((2 * s) ** 2 * t);
    for (let i = 0; i < size; i++) acc[i] += layer[i] * w;
  }

  /** The map: the sum over layers divided by their number (p·k). */
  result(): Float32Array {
    const map = new Float32Array(this.acc.length);
    for (let i = 0; i < map.length; i++) map[i] = this.acc[i] / this.layers;
    return map;
  }
}

/**
 * Mean over a window along one axis of a row-major array seen as [outer, size, inner]: out[i] =
 * mean of src over [i−before, i+after] ∩ [0, size), by a running (prefix) sum per line gathered
 * into `line` (size + 1 values).
 */
function windowMean(src: Float64Array, out: Float64Array, size: number, inner: number, before: number, after: number, line: Float64Array): void {
  const outer = src.length / (size * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      line[0] = 0;
      for (let i = 0; i < size; i++) line[i + 1] = line[i] + src[base + i * inner];
      for (let i = 0; i < size; i++) {
        const lo = Math.max(0, i - before);
        const hi = Math.min(size, i + after + 1);
        out[base + i * inner] = (line[hi] - line[lo]) / (hi - lo);
      }
    }
  }
}

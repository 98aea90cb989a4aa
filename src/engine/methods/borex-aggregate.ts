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
import { COMPOSITION_NAMES } from '../../shared/requests.ts';

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

/**
 * The final map's composition (issue 15 item 6): how the prior enters the pixel map. `map` is
 * the aggregate of μ_total = μ + w·i0 (+ c_s), i.e. coverage(μ) + w·coverage(i0) (+ mean c_s),
 * `blurredPrior` = w·coverage(i0) (the prior's share of it, exact: every aggregate is linear)
 * and `prior` = w·i0 unaggregated (w = 1, or β with a learned prior weight).
 * - coverage (default; public code): the map as aggregated.
 * - prior-after: the prior added after the aggregate instead, map − blurredPrior + scale·prior
 *   = coverage(μ) + scale·w·i0 (+ mean c_s); scale 1 unless given (`prior-after*3`).
 * - rank-sum, rank-product, min, max: of the two maps' normalised ranks r ∈ (0, 1] (rank01).
 * - product: of the two maps min-max scaled to [0, 1].
 * - tiebreak: the top `top` share of the map's pixels (default 0.05) ordered by the prior, above
 *   every other pixel, which keep the map's order.
 */
export type Composition = (typeof COMPOSITION_NAMES)[number];

export interface CompositionSpec {
  kind: Composition;
  /** prior-after: the prior's factor (1). */
  scale?: number;
  /** tiebreak: the share of top pixels re-ordered by the prior (0.05). */
  top?: number;
}

export function composeMap(map: Float32Array, blurredPrior: Float32Array, prior: Float32Array, spec: CompositionSpec): Float32Array {
  const n = map.length;
  if (blurredPrior.length !== n || prior.length !== n) throw new Error(`composeMap: the map, the blurred prior and the prior need one length (${n}, ${blurredPrior.length}, ${prior.length})`);
  const out = new Float32Array(n);
  switch (spec.kind) {
    case 'coverage':
      out.set(map);
      return out;
    case 'prior-after': {
      const k = spec.scale ?? 1;
      for (let i = 0; i < n; i++) out[i] = map[i] - blurredPrior[i] + k * prior[i];
      return out;
    }
    case 'product': {
      const a = minMax(map);
      const b = minMax(prior);
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return out;
    }
    case 'tiebreak': {
      const top = spec.top ?? 0.05;
      if (!(top > 0 && top <= 1)) throw new Error(`composeMap: the tiebreak share must be in (0, 1], got ${top}`);
      const r = rank01(map);
      const p = rank01(prior);
      const cut = 1 - Math.ceil(top * n) / n;
      for (let i = 0; i < n; i++) out[i] = r[i] > cut ? 1 + p[i] : r[i];
      return out;
    }
    default: {
      const a = rank01(map);
      const b = rank01(prior);
      const f = spec.kind === 'rank-sum' ? (x: number, y: number) => x + y : spec.kind === 'rank-product' ? (x: number, y: number) => x * y : spec.kind === 'min' ? Math.min : Math.max;
      for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
      return out;
    }
  }
}

/** Normalised ranks: the k-th highest value (k = 0, 1, …; ties by index, as the metrics rank) gets 1 − k/n. */
export function rank01(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[b] - values[a] || a - b);
  const r = new Float64Array(n);
  for (let k = 0; k < n; k++) r[order[k]] = 1 - k / n;
  return r;
}

/**
 * A composition by name: a Composition kind, with `*K` for prior-after (the prior's factor K > 0)
 * or `:Q` for tiebreak (the top share Q in (0, 1]): 'prior-after', 'prior-after*3', 'tiebreak:0.02'.
 */
export function parseComposition(text: string): CompositionSpec {
  const m = text.trim().match(/^([a-z-]+)(?:\*([0-9.]+)|:([0-9.]+))?$/);
  if (!m || !(COMPOSITION_NAMES as readonly string[]).includes(m[1])) throw new Error(`unknown composition "${text}": one of ${COMPOSITION_NAMES.join(', ')} (prior-after*K, tiebreak:Q)`);
  const kind = m[1] as Composition;
  if (m[2] !== undefined && kind !== 'prior-after') throw new Error(`composition "${text}": *K is for prior-after only`);
  if (m[3] !== undefined && kind !== 'tiebreak') throw new Error(`composition "${text}": :Q is for tiebreak only`);
  const scale = m[2] !== undefined ? Number(m[2]) : undefined;
  const top = m[3] !== undefined ? Number(m[3]) : undefined;
  if (scale !== undefined && !(scale > 0)) throw new Error(`composition "${text}": the prior's factor must be > 0`);
  if (top !== undefined && !(top > 0 && top <= 1)) throw new Error(`composition "${text}": the top share must be in (0, 1]`);
  return { kind, ...(scale !== undefined ? { scale } : {}), ...(top !== undefined ? { top } : {}) };
}

function minMax(values: ArrayLike<number>): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const out = new Float64Array(values.length);
  if (hi > lo) for (let i = 0; i < values.length; i++) out[i] = (values[i] - lo) / (hi - lo);
  return out;
}

/**
 * The prior's two shares for composeMap: w·i0 aggregated like μ_total (`blurred`, the part of the
 * default map that is the prior) and w·i0 itself (`prior`). Images only (`halfSizes` in pixels).
 */
export function priorParts(i0: Float32Array, weight: number, height: number, width: number, halfSizes: readonly number[], aggregate: Aggregate): { blurred: Float32Array; prior: Float32Array } {
  const plane = height * width;
  const p = halfSizes.length;
  const totals = new Float64Array(plane * p);
  const prior = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    const v = weight * i0[i];
    prior[i] = v;
    for (let k = 0; k < p; k++) totals[i * p + k] = v;
  }
  return { blurred: aggregateMap(totals, height, width, halfSizes, aggregate), prior };
}

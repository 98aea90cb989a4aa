/**
 * BOREx masks past single squares (issue 15 item 5; docs/algorithms.md, "BOREx", "Rectangles"):
 * rectangles z = (row, col, s, a) with a log-aspect dimension a = ln r, r = height / width. A
 * rectangle of size s and aspect r has the area of the square of half-width s (so s keeps its
 * meaning and its length scale) and half-sides
 *
 *   half-height h = max(1, round(s·√r)),   half-width w = max(1, round(s / √r)),
 *
 * the box [row − h, row + h) × [col − w, col + w) clipped to the image; r = 1 is the square of
 * half-width s exactly (the squares' pixels). The aspects (default 1/2, 1, 2) are a grid, like the
 * sizes: the GP sees a = ln r as a fourth input with its own Matérn length scale (starts at 1,
 * bounds [0.1, 5]: from ratios that say nothing about each other to ratios that are one), the
 * jitter on a is 0.05. Rectangles rather than unions of two squares: one more GP dimension (not
 * three: a second centre and size) and one more candidate factor (3, not ~10⁴ pairs of centres),
 * a box mask like every other (masks/box.ts), and an elongated box covers a row of objects
 * (chairs along a table, fish in a line, a bus and its windows) or one long object.
 *
 * Candidates: centres × sizes × aspects, index = centre·(S·A) + k·A + j (aspect fastest, then
 * size: the squares' order with a third, innermost factor), the centres in the squares' order
 * ('column-major' for the search, 'row-major' for the final map; borex-candidates.ts).
 * Aggregates over rectangles, per (s, r) layer then the mean over the S·A layers:
 * - coverage: the mean of μ_total over the in-image centres of every rectangle of that layer
 *   covering the pixel, the (2h+1)×(2w+1) window around it (the squares' (2s+1)² window);
 * - area: μ_total(λ, s, r) / (2h·2w); mean: μ_total(λ, s, r).
 * Images only: clips keep squares over frames.
 */
import type { ShapeChoice } from '../../shared/requests.ts';
import { usageError } from '../errors.ts';
import type { CandidatePosterior } from '../gp/candidate-posterior.ts';
import { CandidatePosterior as Posterior } from '../gp/candidate-posterior.ts';
import type { GaussianProcess } from '../gp/gaussian-process.ts';
import type { PriorMean } from '../gp/prior-weight.ts';
import type { Random } from '../random.ts';
import { centredBox } from '../masks/box.ts';
import type { Aggregate } from './borex-aggregate.ts';
import type { BorexCache } from './borex-cache.ts';
import { centreGrid, type CandidateOrder } from './borex-candidates.ts';
import type { BoxGeometry, QueryBox } from './borex-geometry.ts';

/** The parts of BorexParams a rectangle search reads (declared here: borex.ts imports this file). */
export interface RectSearchParams {
  halfSizes: number[];
  aspects?: number[];
  candidateStride: number;
  aggregate: Aggregate;
  lengthScale: [number, number, number];
  lengthScaleBounds: [number, number];
  jitter: [number, number, number];
}

export type MaskShape = ShapeChoice;

/** Rectangles' own constants (the aspect grid is the option `aspects`). */
export const RECT_DEFAULTS = {
  /** Aspect ratios r = height / width. */
  aspects: [0.5, 1, 2] as readonly number[],
  /** Initial Matérn length scale of a = ln r. */
  aspectLengthScale: 1,
  /** Fitting bounds of that length scale. */
  aspectBounds: [0.1, 5] as const,
  /** Jitter standard deviation on a. */
  aspectJitter: 0.05,
};

/** Half-height and half-width in pixels of the rectangle of half-size s pixels and aspect r. */
export function rectHalfSides(s: number, r: number): [number, number] {
  const q = Math.sqrt(r);
  return [Math.max(1, Math.round(s * q)), Math.max(1, Math.round(s / q))];
}

export interface RectCandidates {
  /** count × 4 numbers: (row, col, s, ln r) in the units asked for. */
  readonly points: Float64Array;
  readonly count: number;
  /** Pixel index row·width + col of each centre, in candidate order. */
  readonly pixel: Int32Array;
  readonly sizes: readonly number[];
  readonly aspects: readonly number[];
  readonly rows: number;
  readonly cols: number;
}

export interface RectCandidateOptions {
  stride?: number;
  order?: CandidateOrder;
  /** GP units per pixel of rows (and s) and of columns (224/H, 224/W); default 1. */
  unit?: number;
  unitW?: number;
}

/** Centres on every stride-th row and column × sizes (pixels) × aspects. */
export function rectCandidates(height: number, width: number, sizes: readonly number[], aspects: readonly number[], options: RectCandidateOptions = {}): RectCandidates {
  const stride = options.stride ?? 1;
  const order = options.order ?? 'column-major';
  const unit = options.unit ?? 1;
  const unitW = options.unitW ?? 1;
  if (!(stride >= 1) || !Number.isInteger(stride)) throw new Error(`stride must be a positive integer, got ${stride}`);
  const grid = centreGrid(height, width, stride, 0, order);
  const S = sizes.length;
  const A = aspects.length;
  const logAspects = aspects.map(Math.log);
  const centres = grid.pixel.length;
  const points = new Float64Array(centres * S * A * 4);
  let p = 0;
  for (let q = 0; q < centres; q++) {
    for (let k = 0; k < S; k++) {
      for (let j = 0; j < A; j++) {
        points[p++] = grid.row[q] * unit;
        points[p++] = grid.col[q] * unitW;
        points[p++] = sizes[k] * unit;
        points[p++] = logAspects[j];
      }
    }
  }
  return { points, count: centres * S * A, pixel: grid.pixel, sizes, aspects, rows: grid.rows, cols: grid.cols };
}

/**
 * `totals`: H·W·L values, index pixel·L + layer, one layer per (size, aspect) in candidate order,
 * `halves[layer]` = [h, w] its half-sides in pixels. The map: the mean over layers of each
 * layer's aggregate (see the file's comment).
 */
export function rectAggregate(totals: Float64Array, height: number, width: number, halves: readonly (readonly [number, number])[], aggregate: Aggregate): Float32Array {
  const L = halves.length;
  const plane = height * width;
  const out = new Float64Array(plane);
  const layer = new Float64Array(plane);
  const W1 = width + 1;
  const integral = new Float64Array((height + 1) * W1);
  for (let l = 0; l < L; l++) {
    const [h, w] = halves[l];
    if (aggregate !== 'coverage') {
      const weight = aggregate === 'mean' ? 1 : 1 / (2 * h * 2 * w);
      for (let i = 0; i < plane; i++) out[i] += totals[i * L + l] * weight;
      continue;
    }
    for (let i = 0; i < plane; i++) layer[i] = totals[i * L + l];
    integral.fill(0);
    for (let y = 0; y < height; y++) {
      let row = 0;
      for (let x = 0; x < width; x++) {
        row += layer[y * width + x];
        integral[(y + 1) * W1 + x + 1] = integral[y * W1 + x + 1] + row;
      }
    }
    for (let y = 0; y < height; y++) {
      const y0 = Math.max(0, y - h);
      const y1 = Math.min(height, y + h + 1);
      for (let x = 0; x < width; x++) {
        const x0 = Math.max(0, x - w);
        const x1 = Math.min(width, x + w + 1);
        const sum = integral[y1 * W1 + x1] - integral[y0 * W1 + x1] - integral[y1 * W1 + x0] + integral[y0 * W1 + x0];
        out[y * width + x] += sum / ((y1 - y0) * (x1 - x0));
      }
    }
  }
  const map = new Float32Array(plane);
  for (let i = 0; i < plane; i++) map[i] = out[i] / L;
  return map;
}

/** The aspects of a run (the option, or RECT_DEFAULTS), checked. */
export function rectAspects(params: Pick<RectSearchParams, 'aspects'>): readonly number[] {
  const aspects = params.aspects ?? RECT_DEFAULTS.aspects;
  if (aspects.length === 0 || !aspects.every((r) => Number.isFinite(r) && r > 0)) throw usageError(`BOREx: the rectangle aspects (height/width) must be positive numbers, got ${aspects.join(', ')}`);
  if (new Set(aspects).size !== aspects.length) throw usageError(`BOREx: the rectangle aspects repeat a value (${aspects.join(', ')})`);
  return aspects;
}

interface RectSets {
  search: RectCandidates;
  full: RectCandidates;
  posterior: CandidatePosterior;
}

/**
 * Rectangles z = (row, col, s, a) on an H×W image: the squares' geometry (borex.ts
 * imageGeometry) with the aspect as a fourth dimension. `i0` is the scaled prior.
 */
export function rectGeometry(H: number, W: number, i0: Float32Array, params: RectSearchParams, cache: BorexCache): BoxGeometry {
  const unit = 224 / H;
  const unitW = 224 / W;
  const halfPx = params.halfSizes.map((s) => Math.max(1, Math.round(s / unit)));
  const aspects = rectAspects(params);
  const A = aspects.length;
  const S = halfPx.length;
  const P = S * A;
  const stride = Math.max(1, Math.round(params.candidateStride / unit));
  const { search, full, posterior } = cache.keep<RectSets>(`rects:${H}x${W}:${halfPx.join(',')}:${aspects.join(',')}:${stride}`, () => {
    const search = rectCandidates(H, W, halfPx, aspects, { stride, unit, unitW });
    return { search, full: rectCandidates(H, W, halfPx, aspects, { order: 'row-major', unit, unitW }), posterior: new Posterior(search.points, search.count, 4) };
  });
  const halves = halfPx.flatMap((s) => aspects.map((r) => rectHalfSides(s, r)));
  const searchPrior = new Float64Array(search.count);
  for (let q = 0; q < search.pixel.length; q++) searchPrior.fill(i0[search.pixel[q]], q * P, (q + 1) * P);
  const rect = (row: number, col: number, k: number, j: number): QueryBox => {
    const [h, w] = halves[k * A + j];
    return {
      box: centredBox([H, W], [row, col], [h, w]),
      priorIndex: row * W + col,
      group: k * A + j,
      sample: { row, col, halfSize: halfPx[k], aspect: aspects[j], halfHeight: h, halfWidth: w },
    };
  };
  const map = (gp: GaussianProcess, mean: PriorMean | undefined, values: 'mean' | 'std'): Float32Array => {
    const totals = new Float64Array(full.count);
    if (values === 'std') gp.predict(full.points, full.count, new Float64Array(full.count), totals);
    else {
      gp.predictMean(full.points, full.count, totals);
      for (let q = 0; q < full.pixel.length; q++) {
        const v = (mean ? mean.priorWeight : 1) * i0[full.pixel[q]];
        for (let g = 0; g < P; g++) totals[q * P + g] += v + (mean ? mean.offsets[g] : 0);
      }
    }
    return rectAggregate(totals, H, W, halves, params.aggregate);
  };
  const [aLower, aUpper] = RECT_DEFAULTS.aspectBounds;
  const [lower, upper] = params.lengthScaleBounds;
  // The first query: the prior's peak (lowest index on ties), smallest size, the aspect nearest 1.
  const squarest = aspects.reduce((best, r, j) => (Math.abs(Math.log(r)) < Math.abs(Math.log(aspects[best])) ? j : best), 0);
  return {
    i0,
    groups: P,
    gpDims: 4,
    lengthScale: [...params.lengthScale, RECT_DEFAULTS.aspectLengthScale],
    lower: [lower, lower, lower, aLower],
    upper: [upper, upper, upper, aUpper],
    searchCount: search.count,
    searchPrior,
    posterior,
    first() {
      let peak = 0;
      for (let i = 1; i < i0.length; i++) if (i0[i] > i0[peak]) peak = i;
      return rect(Math.floor(peak / W), peak % W, halfPx.indexOf(Math.min(...halfPx)), squarest);
    },
    candidate(index) {
      const centre = search.pixel[Math.floor(index / P)];
      const g = index % P;
      return rect(Math.floor(centre / W), centre % W, Math.floor(g / A), g % A);
    },
    point({ sample }, j, random: Random, z) {
      z[0] = sample.row * unit + j * params.jitter[0] * random.normal();
      z[1] = sample.col * unitW + j * params.jitter[1] * random.normal();
      z[2] = sample.halfSize * unit + j * params.jitter[2] * random.normal();
      z[3] = Math.log(sample.aspect!) + j * RECT_DEFAULTS.aspectJitter * random.normal();
    },
    finalMap: (gp, mean) => map(gp, mean, 'mean'),
    previewMap: (gp, mean) => map(gp, mean, 'mean'),
    uncertaintyMap: (gp) => map(gp, undefined, 'std'),
  };
}

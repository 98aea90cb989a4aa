/**
 * BOREx candidate sets, one builder per rank of the box masks (docs/algorithms.md, "BOREx"): the
 * GP (gp/) only sees points; which points a run may query is the method's choice. Images are
 * rank 2; a clip's boxes z = (row, col, n, s, t) add a builder here, not a copy of BOREx.
 *
 * Image candidate sets: mask centres on a pixel grid × mask half-widths s, as points
 * z = (row, col, s), s fastest. The order of the centres decides argmax ties ("lowest index"),
 * which are exact wherever μ = 0 and σ = 1 far from all data (e.g. with a zero prior):
 *
 * - 'column-major' (default): index = (ci·rows + ri)·S + k, the public BOREx code's order. Its
 *   candidates are `meshgrid(x, y, s)` raveled with x varying fastest, and that x is used as the
 *   row everywhere (masks, prior lookup `sal.T.flatten()`, final `reshape`), so the row varies
 *   fastest and the column is the outer loop.
 * - 'row-major': index = (ri·cols + ci)·S + k.
 *
 * A stride > 1 keeps every stride-th row and column (a coarser acquisition search); the final map
 * still needs the full grid (stride 1).
 */

export type CandidateOrder = 'column-major' | 'row-major';

export interface ImageCandidates {
  /** count × 3 numbers: (row, col, s). */
  readonly points: Float64Array;
  readonly count: number;
  /** Pixel index row·width + col of each centre, in candidate order (one per centre). */
  readonly pixel: Int32Array;
  readonly sizes: readonly number[];
  readonly rows: number;
  readonly cols: number;
  readonly stride: number;
  readonly order: CandidateOrder;
}

export interface ImageCandidateOptions {
  /** Keep every stride-th row and column, default 1. */
  stride?: number;
  /** First kept row/column, in [0, stride), default 0. */
  offset?: number;
  /** Default 'column-major' (the public code's order). */
  order?: CandidateOrder;
}

/**
 * The search grid's centres (every stride-th row and column from offset) in candidate order:
 * column-major walks down each column, row-major along each row. One grid for every mask shape.
 */
export function centreGrid(height: number, width: number, stride: number, offset: number, order: CandidateOrder): { row: Int32Array; col: Int32Array; pixel: Int32Array; rows: number; cols: number } {
  const rows = Math.ceil((height - offset) / stride);
  const cols = Math.ceil((width - offset) / stride);
  const row = new Int32Array(rows * cols);
  const col = new Int32Array(rows * cols);
  const pixel = new Int32Array(rows * cols);
  let q = 0;
  const [outer, inner] = order === 'column-major' ? [cols, rows] : [rows, cols];
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const r = offset + (order === 'column-major' ? b : a) * stride;
      const c = offset + (order === 'column-major' ? a : b) * stride;
      row[q] = r;
      col[q] = c;
      pixel[q++] = r * width + c;
    }
  }
  return { row, col, pixel, rows, cols };
}

export function imageCandidates(
  height: number,
  width: number,
  sizes: readonly number[],
  options: ImageCandidateOptions = {},
): ImageCandidates {
  const stride = options.stride ?? 1;
  const offset = options.offset ?? 0;
  const order = options.order ?? 'column-major';
  if (!(stride >= 1) || !Number.isInteger(stride)) throw new Error(`stride must be a positive integer, got ${stride}`);
  if (!(offset >= 0) || offset >= stride) throw new Error(`offset must be in [0, stride), got ${offset}`);
  const grid = centreGrid(height, width, stride, offset, order);
  const S = sizes.length;
  const centres = grid.pixel.length;
  const points = new Float64Array(centres * S * 3);
  let p = 0;
  for (let q = 0; q < centres; q++) {
    for (let k = 0; k < S; k++) {
      points[p++] = grid.row[q];
      points[p++] = grid.col[q];
      points[p++] = sizes[k];
    }
  }
  return { points, count: centres * S, pixel: grid.pixel, sizes, rows: grid.rows, cols: grid.cols, stride, order };
}

/** Prior value per candidate (i0 at the candidate's centre, i0 row-major H×W), for μ_total. */
export function candidatePrior(candidates: ImageCandidates, prior: ArrayLike<number>, out?: Float64Array): Float64Array {
  const S = candidates.sizes.length;
  const res = out ?? new Float64Array(candidates.count);
  for (let q = 0; q < candidates.pixel.length; q++) {
    const v = prior[candidates.pixel[q]];
    for (let k = 0; k < S; k++) res[q * S + k] = v;
  }
  return res;
}

/**
 * Clip candidate sets (rank 3): boxes z = (row, col, n, s, t), a square of half-width s around
 * (row, col) over frames [n, n+t). Centres on a grid over (n, row, col) × every (s, t) pair, as
 * points in the GP's dim order (row, col, n, s, t). Index order (it decides argmax ties):
 * index = ((ni·rows + ri)·cols + ci)·P + si·D + ti, P = S·D — start frame outermost, then row,
 * then column, then the box's size and its duration (fastest). There is no public code for
 * video to follow; frame-major row-major is the order of the [T,H,W] map itself.
 */
export interface ClipCandidates {
  /** count × 5 numbers: (row, col, n, s, t). */
  readonly points: Float64Array;
  readonly count: number;
  /** Voxel index n·H·W + row·W + col of each centre, in candidate order (one per centre). */
  readonly voxel: Int32Array;
  readonly sizes: readonly number[];
  readonly durations: readonly number[];
  readonly frames: number;
  readonly rows: number;
  readonly cols: number;
}

export interface ClipCandidateOptions {
  /** Keep every stride-th row and column, default 1. */
  stride?: number;
  /** Keep every frameStride-th start frame, default 1. */
  frameStride?: number;
}

/**
 * Durations as a clip of T frames can use them: clipped to T, duplicates dropped, ascending
 * ({2, 4, 8} at T = 16; {2, 4} at T = 4; {1} at T = 1).
 */
export function clipDurations(durations: readonly number[], frames: number): number[] {
  return [...new Set(durations.map((t) => Math.min(t, frames)))].sort((a, b) => a - b);
}

export function clipCandidates(
  frames: number,
  height: number,
  width: number,
  sizes: readonly number[],
  durations: readonly number[],
  options: ClipCandidateOptions = {},
): ClipCandidates {
  const stride = options.stride ?? 1;
  const frameStride = options.frameStride ?? 1;
  for (const [name, v] of [['stride', stride], ['frameStride', frameStride]] as const) {
    if (!(v >= 1) || !Number.isInteger(v)) throw new Error(`${name} must be a positive integer, got ${v}`);
  }
  const starts = gridList(frames, frameStride);
  const rowList = gridList(height, stride);
  const colList = gridList(width, stride);
  const S = sizes.length;
  const D = durations.length;
  const centres = starts.length * rowList.length * colList.length;
  const points = new Float64Array(centres * S * D * 5);
  const voxel = new Int32Array(centres);
  let p = 0;
  let q = 0;
  for (const n of starts) {
    for (const r of rowList) {
      for (const c of colList) {
        voxel[q++] = (n * height + r) * width + c;
        for (let k = 0; k < S; k++) {
          for (let d = 0; d < D; d++) {
            points[p++] = r;
            points[p++] = c;
            points[p++] = n;
            points[p++] = sizes[k];
            points[p++] = durations[d];
          }
        }
      }
    }
  }
  return { points, count: centres * S * D, voxel, sizes, durations, frames: starts.length, rows: rowList.length, cols: colList.length };
}

/**
 * The frame whose prior value a box [n, n+t) carries: its temporal centre n + ⌊t/2⌋ (clipped to
 * the clip), as a square [row−s, row+s) carries the prior at its centre row.
 */
export function priorFrame(n: number, t: number, frames: number): number {
  return Math.min(n + Math.floor(t / 2), frames - 1);
}

/**
 * Prior value per clip candidate: i0 (row-major T×H×W) at the box's centre voxel (priorFrame of
 * its start and duration, its centre row and column).
 */
export function clipCandidatePrior(candidates: ClipCandidates, prior: ArrayLike<number>, T: number, H: number, W: number, out?: Float64Array): Float64Array {
  const { sizes, durations } = candidates;
  const S = sizes.length;
  const D = durations.length;
  const plane = H * W;
  const res = out ?? new Float64Array(candidates.count);
  for (let q = 0; q < candidates.voxel.length; q++) {
    const v = candidates.voxel[q];
    const n = Math.floor(v / plane);
    const within = v - n * plane;
    for (let d = 0; d < D; d++) {
      const value = prior[priorFrame(n, durations[d], T) * plane + within];
      for (let k = 0; k < S; k++) res[(q * S + k) * D + d] = value;
    }
  }
  return res;
}

function gridList(size: number, stride: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i += stride) out.push(i);
  return out;
}

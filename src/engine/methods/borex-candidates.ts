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
  const rowList: number[] = [];
  for (let r = offset; r < height; r += stride) rowList.push(r);
  const colList: number[] = [];
  for (let c = offset; c < width; c += stride) colList.push(c);
  const S = sizes.length;
  const centres = rowList.length * colList.length;
  const points = new Float64Array(centres * S * 3);
  const pixel = new Int32Array(centres);
  const outer = order === 'column-major' ? colList : rowList;
  const inner = order === 'column-major' ? rowList : colList;
  let p = 0;
  let q = 0;
  for (const a of outer) {
    for (const b of inner) {
      const r = order === 'column-major' ? b : a;
      const c = order === 'column-major' ? a : b;
      pixel[q++] = r * width + c;
      for (let k = 0; k < S; k++) {
        points[p++] = r;
        points[p++] = c;
        points[p++] = sizes[k];
      }
    }
  }
  return { points, count: centres * S, pixel, sizes, rows: rowList.length, cols: colList.length, stride, order };
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

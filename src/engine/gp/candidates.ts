/**
 * BOREx image candidate sets: mask centres on a pixel grid × mask half-widths s, as points
 * z = (row, col, s). Order: row-major over centres, s fastest, i.e. index = (ri·cols + ci)·S + k,
 * the order of the public code's `meshgrid(...).ravel()` (which matters for argmax ties).
 *
 * A stride > 1 keeps every stride-th row and column (a coarser acquisition search); the final map
 * still needs the full grid (stride 1).
 */

export interface ImageCandidates {
  /** count × 3 numbers: (row, col, s). */
  readonly points: Float64Array;
  readonly count: number;
  /** Pixel index row·width + col of each centre (one entry per centre, not per candidate). */
  readonly pixel: Int32Array;
  readonly sizes: readonly number[];
  readonly rows: number;
  readonly cols: number;
  readonly stride: number;
}

export function imageCandidates(
  height: number,
  width: number,
  sizes: readonly number[],
  stride = 1,
  offset = 0,
): ImageCandidates {
  if (!(stride >= 1) || !Number.isInteger(stride)) throw new Error(`stride must be a positive integer, got ${stride}`);
  if (!(offset >= 0) || offset >= stride) throw new Error(`offset must be in [0, stride), got ${offset}`);
  const rowList: number[] = [];
  for (let r = offset; r < height; r += stride) rowList.push(r);
  const colList: number[] = [];
  for (let c = offset; c < width; c += stride) colList.push(c);
  const S = sizes.length;
  const count = rowList.length * colList.length * S;
  const points = new Float64Array(count * 3);
  const pixel = new Int32Array(rowList.length * colList.length);
  let p = 0;
  let q = 0;
  for (const r of rowList) {
    for (const c of colList) {
      pixel[q++] = r * width + c;
      for (let k = 0; k < S; k++) {
        points[p++] = r;
        points[p++] = c;
        points[p++] = sizes[k];
      }
    }
  }
  return { points, count, pixel, sizes, rows: rowList.length, cols: colList.length, stride };
}

/** Prior value per candidate (i0 at the candidate's centre), for μ_total = μ + prior. */
export function candidatePrior(candidates: ImageCandidates, prior: ArrayLike<number>, out?: Float64Array): Float64Array {
  const S = candidates.sizes.length;
  const res = out ?? new Float64Array(candidates.count);
  for (let q = 0; q < candidates.pixel.length; q++) {
    const v = prior[candidates.pixel[q]];
    for (let k = 0; k < S; k++) res[q * S + k] = v;
  }
  return res;
}

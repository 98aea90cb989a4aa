/**
 * Small dense Cholesky routines on row-major Float64Array with an explicit row stride, so that
 * the GP can keep its factor in a buffer with spare capacity and append one row per new
 * observation (O(n²)) instead of refactorising (O(n³)).
 *
 * Only the lower triangle of a factor is meaningful; the strict upper triangle is left untouched.
 */

/**
 * In-place Cholesky A = L·Lᵀ of the leading n×n block of `a` (row stride `stride`), reading the
 * lower triangle and adding `jitter` to the diagonal on the fly. Returns false, leaving `a`
 * partially overwritten, if a pivot is not strictly positive or not finite.
 */
export function choleskyInPlace(a: Float64Array, n: number, stride: number, jitter = 0): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * stride;
    for (let k = 0; k <= i; k++) {
      const rk = k * stride;
      let s = a[ri + k];
      if (k === i) s += jitter;
      for (let j = 0; j < k; j++) s -= a[ri + j] * a[rk + j];
      if (k === i) {
        // `!(s > 0)` also catches NaN.
        if (!(s > 0) || !Number.isFinite(s)) return false;
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + k] = s / a[rk + k];
      }
    }
  }
  return true;
}

/**
 * Factorises the n×n lower triangle of `source` (stride `srcStride`) into `out` (stride
 * `outStride`). On failure retries with a growing diagonal jitter, starting at
 * `initialJitter` (or 1e-10 × the mean diagonal) and multiplying by 10 up to `maxTries` times.
 * Returns the jitter that worked (0 when none was needed). Throws only if even the largest jitter
 * fails, which for a finite symmetric PSD input cannot happen.
 */
export function choleskyWithJitter(
  source: Float64Array,
  srcStride: number,
  n: number,
  out: Float64Array,
  outStride: number,
  initialJitter = 0,
  maxTries = 12,
): number {
  const copy = (): void => {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k <= i; k++) out[i * outStride + k] = source[i * srcStride + k];
    }
  };
  copy();
  if (initialJitter === 0 && choleskyInPlace(out, n, outStride, 0)) return 0;
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += Math.abs(source[i * srcStride + i]);
  meanDiag = n > 0 ? meanDiag / n : 1;
  if (!(meanDiag > 0) || !Number.isFinite(meanDiag)) meanDiag = 1;
  let jitter = initialJitter > 0 ? initialJitter : 1e-10 * meanDiag;
  for (let t = 0; t < maxTries; t++, jitter *= 10) {
    copy();
    if (choleskyInPlace(out, n, outStride, jitter)) return jitter;
  }
  throw new Error(`Cholesky failed even with jitter ${jitter / 10}: matrix is not positive definite`);
}

/**
 * Appends row n to the factor L (n×n, stride `stride`, capacity ≥ n+1 rows) of a matrix grown by
 * one row/column: `b[i] = A[n][i]` for i < n and `c = A[n][n]`. Solves L·l = b and sets
 * L[n][n] = √(c − l·l). O(n²). Returns false (row n left garbage) if the new pivot is not
 * positive, e.g. for a duplicate point with no noise; the caller then refactorises with jitter.
 */
export function choleskyAppendRow(
  l: Float64Array,
  stride: number,
  n: number,
  b: ArrayLike<number>,
  c: number,
): boolean {
  const rn = n * stride;
  for (let i = 0; i < n; i++) {
    const ri = i * stride;
    let s = b[i];
    for (let j = 0; j < i; j++) s -= l[ri + j] * l[rn + j];
    l[rn + i] = s / l[ri + i];
  }
  // Same operation order as row n of choleskyInPlace, so appending equals refactorising exactly.
  let p = c;
  for (let j = 0; j < n; j++) p -= l[rn + j] * l[rn + j];
  if (!(p > 0) || !Number.isFinite(p)) return false;
  l[rn + n] = Math.sqrt(p);
  return true;
}

/** Solves L·x = b (forward substitution). `out` may alias `b`. */
export function solveLower(
  l: Float64Array,
  stride: number,
  n: number,
  b: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * stride;
    let s = b[i];
    for (let j = 0; j < i; j++) s -= l[ri + j] * out[j];
    out[i] = s / l[ri + i];
  }
  return out;
}

/** Solves Lᵀ·x = b (back substitution with the transpose). `out` may alias `b`. */
export function solveLowerTransposed(
  l: Float64Array,
  stride: number,
  n: number,
  b: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= l[j * stride + i] * out[j];
    out[i] = s / l[i * stride + i];
  }
  return out;
}

/**
 * Inverse of A = L·Lᵀ into `out` (n×n, stride n, both triangles written). O(n³); used for the
 * trace term of the log-marginal-likelihood gradient. `work` needs n entries.
 */
export function choleskyInverse(
  l: Float64Array,
  stride: number,
  n: number,
  out: Float64Array,
  work: Float64Array,
): Float64Array {
  // Column c of A⁻¹ solves L·Lᵀ·x = e_c. Solving L·w = e_c can start at row c (w_i = 0 for
  // i < c), and only entries i ≥ c of the result are needed thanks to symmetry.
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < c; i++) work[i] = 0;
    for (let i = c; i < n; i++) {
      const ri = i * stride;
      let s = i === c ? 1 : 0;
      for (let j = c; j < i; j++) s -= l[ri + j] * work[j];
      work[i] = s / l[ri + i];
    }
    for (let i = n - 1; i >= c; i--) {
      let s = work[i];
      for (let j = i + 1; j < n; j++) s -= l[j * stride + i] * work[j];
      work[i] = s / l[i * stride + i];
    }
    for (let i = c; i < n; i++) {
      out[i * n + c] = work[i];
      out[c * n + i] = work[i];
    }
  }
  return out;
}

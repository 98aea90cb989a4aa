/**
 * Anisotropic Matérn ν = 3/2 kernel (the one the public BOREx code uses through sklearn's
 * `Matern(nu=1.5)`):
 *
 *   k(z, z') = σ_f² · (1 + √3·d) · exp(−√3·d),   d² = Σ_j ((z_j − z'_j) / ℓ_j)².
 *
 * exp is the inlinable `expNeg` (a few ulp from Math.exp), used by every kernel evaluation in
 * the module so that all paths compute bit-identical kernel values.
 *
 * Points are rows of a row-major Float64Array (`dims` numbers per point). Hot loops work on
 * coordinates already divided by ℓ ("scaled" points, see `scalePoints`), so that a kernel value
 * costs d subtractions, one sqrt and one exp.
 */

import { expNeg } from './fast-exp.ts';

export const SQRT3 = Math.sqrt(3);

/** Matérn 3/2 correlation as a function of the scaled distance d ≥ 0 (value 1 at d = 0). */
export function matern32(d: number): number {
  const r = SQRT3 * d;
  return (1 + r) * expNeg(r);
}

/** out[i·dims + j] = points[i·dims + j] / ℓ_j. `out` may alias `points`. */
export function scalePoints(
  points: Float64Array,
  count: number,
  dims: number,
  lengthScale: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  for (let j = 0; j < dims; j++) {
    const inv = 1 / lengthScale[j];
    for (let i = 0, o = j; i < count; i++, o += dims) out[o] = points[o] * inv;
  }
  return out;
}

/** k(a, b) for single points given as arrays with offsets (unscaled coordinates). */
export function maternValue(
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  dims: number,
  lengthScale: ArrayLike<number>,
  signalVariance = 1,
): number {
  let d2 = 0;
  for (let j = 0; j < dims; j++) {
    const t = (a[aOffset + j] - b[bOffset + j]) / lengthScale[j];
    d2 += t * t;
  }
  return signalVariance * matern32(Math.sqrt(d2));
}

/**
 * Dense kernel matrix K[i·n + j] = k(x_i, x_j) for n points (unscaled), plus `diagonal` added on
 * the diagonal (noise variance, jitter). Symmetric; both triangles are written.
 */
export function maternMatrix(
  points: Float64Array,
  n: number,
  dims: number,
  lengthScale: ArrayLike<number>,
  signalVariance: number,
  diagonal: number,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < n; i++) {
    out[i * n + i] = signalVariance + diagonal;
    for (let k = 0; k < i; k++) {
      const v = maternValue(points, i * dims, points, k * dims, dims, lengthScale, signalVariance);
      out[i * n + k] = v;
      out[k * n + i] = v;
    }
  }
  return out;
}

/**
 * Derivatives of the kernel matrix with respect to θ_j = log ℓ_j (sklearn's parameterisation):
 *
 *   ∂k/∂log ℓ_j = σ_f² · 3 · ((z_j − z'_j)/ℓ_j)² · exp(−√3·d).
 *
 * (From dk/dd = −3·σ_f²·d·exp(−√3 d) and ∂d/∂log ℓ_j = −((z_j − z'_j)/ℓ_j)² / d; the d cancels,
 * so the formula is finite at d = 0, where it is 0.) Written to out[j][i·n + k], symmetric; the
 * diagonal is 0 because the noise and σ_f² do not depend on ℓ.
 */
export function maternMatrixGradients(
  points: Float64Array,
  n: number,
  dims: number,
  lengthScale: ArrayLike<number>,
  signalVariance: number,
  out: Float64Array[],
): Float64Array[] {
  const t = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dims; j++) out[j][i * n + i] = 0;
    for (let k = 0; k < i; k++) {
      let d2 = 0;
      for (let j = 0; j < dims; j++) {
        const u = (points[i * dims + j] - points[k * dims + j]) / lengthScale[j];
        t[j] = u * u;
        d2 += t[j];
      }
      const e = 3 * signalVariance * expNeg(SQRT3 * Math.sqrt(d2));
      for (let j = 0; j < dims; j++) {
        const g = e * t[j];
        out[j][i * n + k] = g;
        out[j][k * n + i] = g;
      }
    }
  }
  return out;
}

/**
 * out[i] = σ_f²·matern32(|z − x_i|) for the n scaled points `xs` (row-major) and one scaled point
 * z = zs[zOffset .. zOffset+dims). The inner loop of every prediction; dims = 3 (images) is
 * unrolled because it is by far the most common case.
 */
export function maternRowScaled(
  zs: ArrayLike<number>,
  zOffset: number,
  xs: Float64Array,
  n: number,
  dims: number,
  signalVariance: number,
  out: Float64Array,
): void {
  if (dims === 3) {
    const z0 = zs[zOffset];
    const z1 = zs[zOffset + 1];
    const z2 = zs[zOffset + 2];
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      const a = z0 - xs[o];
      const b = z1 - xs[o + 1];
      const c = z2 - xs[o + 2];
      const r = SQRT3 * Math.sqrt(a * a + b * b + c * c);
      out[i] = signalVariance * ((1 + r) * expNeg(r));
    }
    return;
  }
  for (let i = 0, o = 0; i < n; i++, o += dims) {
    let d2 = 0;
    for (let j = 0; j < dims; j++) {
      const a = zs[zOffset + j] - xs[o + j];
      d2 += a * a;
    }
    const r = SQRT3 * Math.sqrt(d2);
    out[i] = signalVariance * ((1 + r) * expNeg(r));
  }
}

/**
 * Standard normal CDF and survival function, accurate to a few ulps relative over the whole
 * double range, including far tails (Φ(-37) ≈ 5.7e-300) where `1 - Φ(z)` style code returns 0.
 *
 * Written here rather than taken from npm: `@stdlib/stats-base-dists-normal-cdf` agrees with
 * SciPy's `ndtr` just as well (checked on the Wilcoxon fixtures), but the repo takes no new
 * dependency for ~60 lines; src/engine/image/blur.ts has an erfc good only to 1.2e-7, too coarse
 * for p-values.
 *
 * Method (textbook identities, checked against mpmath in test/unit/stats/normal.test.ts):
 *  - |z| < √2: Φ(z) = 1/2 + φ(z)·Σ_{k≥0} z^(2k+1) / (1·3·5···(2k+1)), a series of positive terms;
 *  - z ≤ -√2: Φ(z) = φ(t)·M(t) with t = -z and M the Mills ratio, by its continued fraction
 *    M(t) = 1/(t + 1/(t + 2/(t + 3/(t + …)))) evaluated with the modified Lentz method;
 *  - z ≥ √2: Φ(z) = 1 - Φ(-z).
 * φ(t) = exp(-t²/2)/√(2π) is computed with t split into a 24-bit head and an exact tail so that
 * the rounding of t² does not cost t²·ε of relative accuracy in the tail.
 */

const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SERIES_LIMIT = Math.SQRT2;
const LENTZ_TINY = 1e-300;
const LENTZ_EPS = 1e-16;
const LENTZ_MAX_TERMS = 5000;

/** Standard normal density φ(t) with exp(-t²/2) evaluated without the t²·ε rounding loss. */
function normalPdf(t: number): number {
  const a = Math.abs(t);
  const hi = Math.fround(a); // ≤ 24 significant bits, so hi*hi is exact in a double
  const lo = a - hi; // exact
  return INV_SQRT_2PI * Math.exp(-0.5 * hi * hi) * Math.exp(-lo * (hi + 0.5 * lo));
}

/** Φ(t) - 1/2 for |t| < √2 by the positive-term series. */
function centralSeries(t: number): number {
  const t2 = t * t;
  let term = t;
  let sum = t;
  for (let k = 1; k < 200; k++) {
    term *= t2 / (2 * k + 1);
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
  }
  return normalPdf(t) * sum;
}

/** Mills ratio (1 - Φ(t))/φ(t) for t ≥ √2 by its continued fraction (modified Lentz). */
function millsRatio(t: number): number {
  // M = 1/(t + 1/(t + 2/(t + 3/(t + ...)))): b_j = t, a_1 = 1, a_j = j - 1.
  let f = LENTZ_TINY;
  let c = f;
  let d = 0;
  for (let j = 1; j <= LENTZ_MAX_TERMS; j++) {
    const a = j === 1 ? 1 : j - 1;
    d = t + a * d;
    if (d === 0) d = LENTZ_TINY;
    c = t + a / c;
    if (c === 0) c = LENTZ_TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < LENTZ_EPS) return f;
  }
  throw new Error(`normal tail: continued fraction did not converge for t = ${t}`);
}

/** Lower tail Φ(-t) for t ≥ 0. */
function lowerTail(t: number): number {
  if (t < SERIES_LIMIT) return 0.5 - centralSeries(t);
  if (t > 40) return 0; // Φ(-40) ≈ 3.7e-350 underflows
  return normalPdf(t) * millsRatio(t);
}

/** Standard normal cumulative distribution function Φ(z) = P(Z ≤ z). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === -Infinity) return 0;
  if (z === Infinity) return 1;
  if (Math.abs(z) < SERIES_LIMIT) return 0.5 + centralSeries(z);
  return z < 0 ? lowerTail(-z) : 1 - lowerTail(z);
}

/** Standard normal survival function 1 - Φ(z) = P(Z > z), without cancellation for large z. */
export function normalSf(z: number): number {
  return normalCdf(-z);
}

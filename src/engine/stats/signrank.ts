/**
 * Exact null distribution of the Wilcoxon signed-rank statistic R+ (the sum of the ranks 1..n that
 * carry a positive sign, each sign ±1 with probability 1/2, no ties).
 *
 * counts[r] is the number of the 2^n sign patterns whose R+ equals r, for r = 0 .. n(n+1)/2, built
 * by adding one rank at a time: counts_k[r] = counts_{k-1}[r] + counts_{k-1}[r - k]. The counts are
 * integers below 2^53 for n ≤ 50 (the largest is about 2^45.6 at n = 50), so they, their partial
 * sums and the tail probabilities sum/2^n are exact in doubles; this is the same distribution that
 * SciPy 1.10's `_get_wilcoxon_distr` builds, and the p-values agree to the last bit.
 */

/** Largest n for which every count, and every partial sum of counts, is an exact double. */
export const SIGNRANK_EXACT_MAX_N = 50;

const cache = new Map<number, Float64Array>();

/** counts[r] = #{sign patterns of ranks 1..n with R+ = r}; length n(n+1)/2 + 1. Do not mutate. */
export function signedRankCounts(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 0 || n > SIGNRANK_EXACT_MAX_N) {
    throw new RangeError(`signedRankCounts: n must be an integer in [0, ${SIGNRANK_EXACT_MAX_N}], got ${n}`);
  }
  const hit = cache.get(n);
  if (hit) return hit;
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) {
    const top = (k * (k + 1)) / 2;
    for (let r = top; r >= k; r--) counts[r] += counts[r - k];
  }
  cache.set(n, counts);
  return counts;
}

/** P(R+ ≤ r) under H0 for n untied nonzero differences (r is truncated to an integer, as SciPy does). */
export function signedRankCdf(r: number, n: number): number {
  const counts = signedRankCounts(n);
  const hi = Math.min(Math.trunc(r), counts.length - 1);
  let sum = 0;
  for (let i = 0; i <= hi; i++) sum += counts[i];
  return sum / 2 ** n;
}

/** P(R+ ≥ r) under H0 for n untied nonzero differences (r is truncated to an integer, as SciPy does). */
export function signedRankSf(r: number, n: number): number {
  const counts = signedRankCounts(n);
  let sum = 0;
  for (let i = Math.max(Math.trunc(r), 0); i < counts.length; i++) sum += counts[i];
  return sum / 2 ** n;
}

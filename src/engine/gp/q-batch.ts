/**
 * q-batch acquisition for BOREx: q query points per GP round, chosen before any of them is
 * observed, by the kriging believer (Ginsbourger et al. 2010). After each choice z the GP is told
 * the fantasy y = μ(z), its own posterior mean there, by the ordinary rank-1 Cholesky extension
 * (GaussianProcess.addObservation, O(n²)), and the next point is chosen on that GP.
 *
 * Why the believer suits BOREx's UCB: a fantasy y = μ(z) leaves the posterior mean unchanged
 * everywhere (μ'(x) = μ(x) + k'(x, z)·(y − μ(z))/σ'² and y − μ(z) = 0) while σ shrinks around z, so
 * the round's next UCB maximum moves away from the points already chosen, by exactly the
 * information they will bring — the GP-BUCB rule of Desautels, Krause & Burdick (JMLR 2014),
 * whose regret bound holds for batches. It needs no new hyper-parameter (local penalisation needs a
 * Lipschitz constant), and it reuses the incremental candidate posterior: a fantasy appends a row
 * of V like a real observation, and replacing the fantasies by the real values keeps L (the points
 * do not move) so the candidate means are re-summed, not rebuilt.
 *
 * The points themselves carry the observation's jitter (drawn when the point is chosen, in the
 * same order as with q = 1), so the real observation replaces the fantasy's value at the very same
 * point: GaussianProcess.setTargets.
 */
import type { GaussianProcess } from './gaussian-process.ts';

const one = new Float64Array(1);

/** Adds the fantasy observation (z, μ(z)) to `gp` and returns μ(z). */
export function addFantasy(gp: GaussianProcess, z: Float64Array): number {
  gp.predictMean(z, 1, one);
  const y = one[0];
  gp.addObservation(z, y);
  return y;
}

/** The rounds of `iterations` observations taken q at a time: sizes q, …, q, and the remainder last. */
export function roundSizes(iterations: number, q: number): number[] {
  if (!(Number.isInteger(q) && q >= 1)) throw new Error(`q must be a positive integer, got ${q}`);
  const out: number[] = [];
  for (let t = 0; t < iterations; t += q) out.push(Math.min(q, iterations - t));
  return out;
}

import type { DeletionCheckChoice } from '../../shared/requests.ts';
import type { DeletionCheck } from '../../shared/results.ts';
import { deletionScores } from '../metrics/insertion-deletion.ts';
import { rank01 } from './borex-aggregate.ts';
import type { ExplainTarget } from './target.ts';

/**
 * BOREx's deletion check (issue 15 item 6, `BorexParams.check`, batch `+check`): the refinement
 * is kept only where the model agrees that deleting its top pixels hurts the class at least as
 * much as deleting the prior's.
 *
 * Why: the GP refines squares, and its map can be right about where the object is yet worse than
 * the prior at the question the deletion metric asks (docs/results/borex-seeds.md: the circle
 * scene, a few VOC items that lose 0.05 on every seed) — while a good prior and the refinement
 * disagree only on a minority of items. So the run's last model images ask that question
 * directly, of both maps, at a few fractions, and the better map is returned.
 *
 * The alternative is not the prior itself by default but its head over the refinement
 * (priorHead): the prior's top share (CHECK_HEAD, 1/16) first, then every other pixel in the
 * refined map's order. Deletion is decided by the first few per cent of pixels, insertion and F
 * by the rest of the order, so the head keeps the refinement's insertion and F where the prior's
 * deletion is the better (measured on the 20-item protocol, docs/results/borex-seeds.md: the
 * prior itself as the alternative kept 43 % of BOREx's insertion gain, its head 94 %). Share 1
 * is the prior itself (batch `+check-prior`).
 *
 * The fractions are geometric because a photo's deletion curve falls within its first few per
 * cent of pixels; the scores are weighted as a trapezoid over [0, 1] would weight them (the
 * common end points, the full image and the full baseline, are the same for both maps and
 * cancel), so the comparison estimates the difference of the two deletion AUCs.
 */
export const CHECK_FRACTIONS: readonly number[] = [1 / 128, 1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2];

/** The prior's share that heads the alternative map (BorexParams.check's default). */
export const CHECK_HEAD = 1 / 16;

/** A named choice (CLI --deletion-check, the app's request) as BorexParams.check: head 1/16, prior 1, off 0. */
export function checkShare(choice: DeletionCheckChoice): number {
  return { head: CHECK_HEAD, prior: 1, off: 0 }[choice];
}

/** Model images the check classifies: each fraction for each of the two maps, in one call. */
export const CHECK_IMAGES = 2 * CHECK_FRACTIONS.length;

/** Trapezoid weights of CHECK_FRACTIONS over [0, 1]: w_k = (f_{k+1} − f_{k−1}) / 2, f_{−1} = 0, f_K = 1. */
export function checkWeights(fractions: readonly number[] = CHECK_FRACTIONS): Float64Array {
  const w = new Float64Array(fractions.length);
  for (let k = 0; k < fractions.length; k++) w[k] = ((k + 1 < fractions.length ? fractions[k + 1] : 1) - (k > 0 ? fractions[k - 1] : 0)) / 2;
  return w;
}

/**
 * The prior's top `share` of the pixels first, in the prior's order, then every other pixel in
 * the map's order, as normalised ranks (rank01: the prior's head in (1, 2], the rest in (0, 1]);
 * share 1 is the prior's own order.
 */
export function priorHead(map: Float32Array, prior: Float32Array, share: number): Float32Array {
  const r = rank01(map);
  const p = rank01(prior);
  const cut = 1 - Math.ceil(share * map.length) / map.length;
  return Float32Array.from(r, (v, i) => (p[i] > cut ? 1 + p[i] : v));
}

/**
 * Scores the refined map and the alternative (the prior's head of `share`, or the prior itself
 * at share 1) with one model call, and keeps the refined map unless the alternative's deletion is
 * strictly lower.
 */
export async function deletionCheck(target: ExplainTarget, refined: Float32Array, prior: Float32Array, share = CHECK_HEAD): Promise<{ map: Float32Array; outcome: DeletionCheck }> {
  if (!(share > 0 && share <= 1)) throw new Error(`deletionCheck: the prior's share must be in (0, 1], got ${share}`);
  const alternative = share === 1 ? Float32Array.from(prior) : priorHead(refined, prior, share);
  const scores = await deletionScores(target, [refined, alternative], CHECK_FRACTIONS);
  const w = checkWeights();
  const K = CHECK_FRACTIONS.length;
  let r = 0;
  let p = 0;
  for (let k = 0; k < K; k++) {
    r += w[k] * scores[k];
    p += w[k] * scores[K + k];
  }
  const kept = p < r ? 'prior' : 'refined';
  return { map: kept === 'prior' ? alternative : refined, outcome: { kept, refined: r, prior: p } };
}

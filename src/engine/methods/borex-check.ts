import type { DeletionCheckChoice } from '../../shared/requests.ts';
import type { DeletionCheck } from '../../shared/results.ts';
import { rankPixels } from '../tensor/rank.ts';
import { elementCount, spatialDims } from '../tensor/dims.ts';
import { rank01 } from './borex-aggregate.ts';
import type { ExplainTarget } from './target.ts';

/**
 * BOREx's deletion check (issue 15 item 6, `BorexParams.check`, batch `+check…`): the refinement
 * is kept only where the model agrees that deleting its top pixels hurts the class at least as
 * much as deleting the prior's.
 *
 * Why: the GP refines squares, and its map can be right about where the object is yet worse than
 * the prior at the question the deletion metric asks (docs/results/borex-seeds.md: the circle
 * scene, a few VOC items that lose 0.05 on every seed) — while a good prior and the refinement
 * disagree only on a minority of items. So the run's last model images ask that question
 * directly, of both maps, at a few fractions, and the better map is returned.
 *
 * The alternatives (BorexParams.check): `head` (the default choice of `+check`), the prior's head
 * over the refinement (priorHead: the prior's top CHECK_HEAD = 1/16 first, then every other pixel
 * in the refined map's order); `prior`, the prior itself; `both`, either (the prior by a margin).
 * Deletion on a photo is decided by the first few per cent of pixels, insertion and F by the rest
 * of the order, so the head keeps the refinement's insertion and F where the prior deletes better
 * (20-item protocol simulated on its maps, docs/results/borex-seeds.md: the head kept 95 % of BOREx's insertion gain over
 * the prior, the prior itself 38 %); on scenes whose deletion depends on the whole order (the
 * demo's shapes) only the prior's own order deletes as well as the prior, hence `both`.
 *
 * The fractions are geometric because a photo's deletion curve falls within its first few per
 * cent of pixels; the scores are weighted as a trapezoid over [0, 1] would weight them (the
 * common end points, the full image and the full baseline, are the same for both maps and
 * cancel), so the comparison estimates the difference of the two deletion AUCs.
 */
export const CHECK_FRACTIONS: readonly number[] = [1 / 128, 1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2];

/** The prior's share that heads the `head` alternative. */
export const CHECK_HEAD = 1 / 16;

/**
 * `both`: the prior replaces the better of the refined map and the head only where its score is
 * lower than theirs by this share (the prior costs insertion and F on photos where the head
 * deletes as well: docs/results/borex-seeds.md, "the deletion check").
 */
export const CHECK_PRIOR_MARGIN = 0.2;

/** Model images each check classifies: R and its alternative at every fraction; `both` adds the head's fractions past CHECK_HEAD. */
export function checkImages(choice: DeletionCheckChoice): number {
  const K = CHECK_FRACTIONS.length;
  if (choice === 'off') return 0;
  return choice === 'both' ? 2 * K + CHECK_FRACTIONS.filter((f) => f > CHECK_HEAD).length : 2 * K;
}

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

const WEIGHTS = checkWeights();

/** Σ_k w_k · scores[offset + k] over the check's fractions. */
function weighted(scores: ArrayLike<number>, offset: number): number {
  let sum = 0;
  for (let k = 0; k < WEIGHTS.length; k++) sum += WEIGHTS[k] * scores[offset + k];
  return sum;
}

/**
 * Scores the refined map R and the alternatives of `choice` (head: the prior's head over R; prior:
 * the prior itself; both: the two) and returns the one kept:
 * - head, prior: the alternative where its weighted deletion is strictly lower than R's, else R;
 * - both: the lower of R and the head (R on ties), replaced by the prior where the prior's is
 *   lower than that by more than CHECK_PRIOR_MARGIN of it.
 * The head's images up to CHECK_HEAD are the prior's own (the same pixels go first), so `both`
 * classifies R and the prior at every fraction and the head at the fractions past CHECK_HEAD.
 */
export async function deletionCheck(target: ExplainTarget, refined: Float32Array, prior: Float32Array, choice: Exclude<DeletionCheckChoice, 'off'> = 'head'): Promise<{ map: Float32Array; outcome: DeletionCheck }> {
  const K = CHECK_FRACTIONS.length;
  const head = choice === 'prior' ? undefined : priorHead(refined, prior, CHECK_HEAD);
  if (choice === 'head') {
    const scores = await deletionScores(target, [refined, head!], CHECK_FRACTIONS);
    const [r, h] = [weighted(scores, 0), weighted(scores, K)];
    return h < r ? { map: head!, outcome: { kept: 'head', refined: r, head: h } } : { map: refined, outcome: { kept: 'refined', refined: r, head: h } };
  }
  const late = CHECK_FRACTIONS.filter((f) => f > CHECK_HEAD);
  const scores = await deletionScores(target, [refined, prior], CHECK_FRACTIONS, choice === 'both' ? { map: head!, fractions: late } : undefined);
  const [r, p] = [weighted(scores, 0), weighted(scores, K)];
  if (choice === 'prior') return p < r ? { map: Float32Array.from(prior), outcome: { kept: 'prior', refined: r, prior: p } } : { map: refined, outcome: { kept: 'refined', refined: r, prior: p } };
  // The head's scores: the prior's up to CHECK_HEAD, then its own.
  const headScores = [...Array.from(scores.subarray(K, K + K - late.length)), ...Array.from(scores.subarray(2 * K))];
  const h = weighted(headScores, 0);
  const best = h < r ? { map: head!, kept: 'head' as const, score: h } : { map: refined, kept: 'refined' as const, score: r };
  const outcome = { refined: r, head: h, prior: p };
  if (p < (1 - CHECK_PRIOR_MARGIN) * best.score) return { map: Float32Array.from(prior), outcome: { kept: 'prior', ...outcome } };
  return { map: best.map, outcome: { kept: best.kept, ...outcome } };
}

/**
 * Points of the deletion curve without the curve: for each map and each fraction f, M(x with its
 * map's top ⌈f·pixels⌉ replaced by the baseline, ·, l), [map][fraction], then `extra`'s at its own
 * fractions; all in one model call. (Here rather than in metrics/: the engine's folders import
 * each other one way, and metrics/ already imports methods/target.ts.)
 */
export async function deletionScores(target: ExplainTarget, maps: ArrayLike<number>[], fractions: readonly number[], extra?: { map: ArrayLike<number>; fractions: readonly number[] }): Promise<Float64Array> {
  const { classifier, label, x, baseline } = target;
  const channels = target.dims[0];
  const plane = elementCount(spatialDims(target.dims));
  const per = channels * plane;
  const jobs = maps.map((map) => ({ map, fractions }));
  if (extra) jobs.push(extra);
  const images = new Float32Array(jobs.reduce((n, j) => n + j.fractions.length, 0) * per);
  let n = 0;
  for (const job of jobs) {
    const order = rankPixels(job.map);
    const canvas = Float32Array.from(x);
    let changed = 0;
    // Fractions in increasing order, so each image adds pixels to the last.
    for (let k = 0; k < job.fractions.length; k++) {
      const f = job.fractions[k];
      if (k > 0 && !(f >= job.fractions[k - 1])) throw new Error(`deletionScores: the fractions must increase, got ${job.fractions.join(', ')}`);
      const wanted = Math.min(plane, Math.ceil(f * plane));
      for (; changed < wanted; changed++) {
        const p = order[changed];
        for (let c = 0; c < channels; c++) canvas[c * plane + p] = baseline[c * plane + p];
      }
      images.set(canvas, n++ * per);
    }
  }
  const probs = await classifier.classify(images, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = probs[i * classifier.numClasses + label];
  return out;
}

import { throwIfCancelled, usageError } from '../errors.ts';
import { maskedScorerFor } from '../model/masked-scorer.ts';
import { ProgressReporter, type JobControl } from '../progress.ts';
import { Random } from '../random.ts';
import { RiseMaskGenerator } from './rise-masks.ts';
import type { ExplainTarget } from './target.ts';
import { imageDims } from '../tensor/dims.ts';

export interface RiseParams {
  /** Number of masks N. */
  masks: number;
  /** Grid size s. */
  gridSize: number;
  /** Keep probability p1. */
  keepProbability: number;
  seed: number;
  /** Masks per model call; default: the classifier's batch size. */
  batchSize?: number;
}

export type RisePresetName = 'paper-prior' | 'default' | 'quality';

export const RISE_PRESETS: Record<RisePresetName, Omit<RiseParams, 'seed'>> = {
  /** The RISE prior that the public BOREx code refines. */
  'paper-prior': { masks: 100, gridSize: 8, keepProbability: 0.3 },
  default: { masks: 4000, gridSize: 7, keepProbability: 0.5 },
  /** The RISE authors' setting for ResNet-50. */
  quality: { masks: 6000, gridSize: 8, keepProbability: 0.1 },
};

/**
 * RISE:     S(λ) = 1/(N·p1) · Σ_n M(x⊙m_n, l) · m_n(λ)
 * PN-RISE:  S(λ) = 1/N · Σ_n (m_n(λ) − p1)/(p1·(1−p1)) · M(x⊙m_n, l)   (signed)
 */
export async function rise(target: ExplainTarget, params: RiseParams, signed: boolean, control: JobControl = {}): Promise<Float32Array> {
  validate(params);
  const { classifier, x, baseline, label } = target;
  const { height: H, width: W } = imageDims(target.dims);
  const plane = H * W;
  const batch = Math.max(1, params.batchSize ?? classifier.batchSize);
  const p1 = params.keepProbability;
  const generator = new RiseMaskGenerator(H, W, params.gridSize, p1);
  const random = new Random(params.seed);
  const masks = generator.allocate(batch);
  const scorer = await maskedScorerFor(classifier, { x, baseline, label });
  const saliency = new Float64Array(plane);
  let scoreSum = 0;
  const progress = new ProgressReporter(signed ? 'pn-rise' : 'rise', params.masks, control.onProgress);

  for (let start = 0; start < params.masks; start += batch) {
    throwIfCancelled(control.signal);
    masks.count = Math.min(batch, params.masks - start);
    for (let b = 0; b < masks.count; b++) generator.draw(random, masks, b);
    const { scores, weighted } = await scorer.score(masks);
    for (const score of scores) scoreSum += score;
    for (let i = 0; i < plane; i++) saliency[i] += weighted[i];
    progress.report(start + masks.count);
  }

  const out = new Float32Array(plane);
  const N = params.masks;
  if (signed) {
    // Σ (m − p1)·M = Σ m·M − p1·Σ M
    const k = 1 / (N * p1 * (1 - p1));
    for (let i = 0; i < plane; i++) out[i] = (saliency[i] - p1 * scoreSum) * k;
  } else {
    const k = 1 / (N * p1);
    for (let i = 0; i < plane; i++) out[i] = saliency[i] * k;
  }
  return out;
}

function validate(p: RiseParams): void {
  if (!(Number.isInteger(p.masks) && p.masks > 0)) throw usageError(`RISE: the number of masks must be a positive integer, got ${p.masks}`);
  if (!(Number.isInteger(p.gridSize) && p.gridSize >= 2)) throw usageError(`RISE: the grid size must be an integer ≥ 2, got ${p.gridSize}`);
  if (!(p.keepProbability > 0 && p.keepProbability < 1)) throw usageError(`RISE: the keep probability must be in (0, 1), got ${p.keepProbability}`);
}

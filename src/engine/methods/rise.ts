import { throwIfCancelled, usageError } from '../errors.ts';
import { maskedScorerFor } from '../model/masked-scorer.ts';
import { ProgressReporter, type JobControl } from '../progress.ts';
import { Random } from '../random.ts';
import { RiseClipMaskGenerator, RiseMaskGenerator } from './rise-masks.ts';
import type { ExplainTarget } from './target.ts';
import { elementCount, imageDims, spatialDims, type Dims } from '../tensor/dims.ts';

export interface RiseParams {
  /** Number of masks N. */
  masks: number;
  /** Grid size s. */
  gridSize: number;
  /**
   * Clips only: the temporal grid s_t (the grid is s_t×s×s). Default ceil(T/2): a cell of about two
   * frames, as fine in time as the motion of a 16-frame clip needs while each cell still spans
   * more than one frame (so trilinear upsampling blends neighbours, as bilinear does in space).
   */
  temporalGrid?: number;
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
  const plane = elementCount(spatialDims(target.dims));
  const batch = Math.max(1, params.batchSize ?? classifier.batchSize);
  const p1 = params.keepProbability;
  const generator = maskGenerator(target.dims, params);
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

/** 2-D masks for an image [C,H,W], 3-D for a clip [C,T,H,W] (the mask draw of images is unchanged). */
function maskGenerator(dims: Dims, p: RiseParams): RiseMaskGenerator | RiseClipMaskGenerator {
  if (dims.length !== 4) {
    const { height, width } = imageDims(dims);
    return new RiseMaskGenerator(height, width, p.gridSize, p.keepProbability);
  }
  const [, T, H, W] = dims;
  const st = p.temporalGrid ?? defaultTemporalGrid(T);
  if (!(Number.isInteger(st) && st >= 1 && st <= T)) throw usageError(`RISE: the temporal grid must be an integer in 1..${T} (the clip's frames), got ${st}`);
  return new RiseClipMaskGenerator(T, H, W, p.gridSize, st, p.keepProbability);
}

/** s_t when the config does not give one: ceil(T/2) (see RiseParams.temporalGrid). */
export function defaultTemporalGrid(frames: number): number {
  return Math.ceil(frames / 2);
}

function validate(p: RiseParams): void {
  if (!(Number.isInteger(p.masks) && p.masks > 0)) throw usageError(`RISE: the number of masks must be a positive integer, got ${p.masks}`);
  if (!(Number.isInteger(p.gridSize) && p.gridSize >= 2)) throw usageError(`RISE: the grid size must be an integer ≥ 2, got ${p.gridSize}`);
  if (!(p.keepProbability > 0 && p.keepProbability < 1)) throw usageError(`RISE: the keep probability must be in (0, 1), got ${p.keepProbability}`);
}

import { throwIfCancelled } from '../errors.ts';
import { blurFrames } from '../image/blur.ts';
import { ProgressReporter, type JobControl } from '../progress.ts';
import type { ExplainTarget } from '../methods/target.ts';
import { rankPixels } from '../tensor/rank.ts';
import { elementCount, spatialDims, type Dims } from '../tensor/dims.ts';

export interface CurveResult {
  auc: number;
  /** Confidence after each step: curve[i] with i·step pixels inserted/deleted (last: all). */
  curve: number[];
}

export interface InsertionDeletionOptions {
  /** Pixels (voxels) per step; default: defaultStep (an image's width; a clip's T·H·W / 224). */
  step?: number;
  /** Insertion starts from the RISE blur (default) or from the occlusion baseline (public BOREx code). */
  insertionStart?: 'blur' | 'baseline';
}

/** Steps the curves take by default on a clip: as many as an image of 224² has. */
export const CLIP_STEPS = 224;

/**
 * Pixels per step by default: an image's width (224 steps at 224², as the RISE code), a clip's
 * ceil(T·H·W / 224) voxels, so a clip's curve has 224 steps too (the last step may be shorter).
 */
export function defaultStep(dims: Dims): number {
  const spatial = spatialDims(dims);
  return spatial.length === 2 ? spatial[1] : Math.ceil(elementCount(spatial) / CLIP_STEPS);
}

/** Trapezoidal AUC over n intervals of equal width: (Σ y_i − y_0/2 − y_n/2) / n. */
export function curveAuc(curve: ArrayLike<number>): number {
  const n = curve.length - 1;
  if (n <= 0) return curve.length === 1 ? curve[0] : 0;
  let sum = 0;
  for (let i = 0; i < curve.length; i++) sum += curve[i];
  return (sum - curve[0] / 2 - curve[n] / 2) / n;
}

/**
 * RISE's causal metrics. Deletion: from x, replace the top-ranked pixels by the baseline, `step`
 * more per step. Insertion: from a blurred x, restore the top-ranked pixels. Scored with M(·, l).
 * Rank-generic: a clip's T·H·W voxels are ranked together and its blur is per frame.
 */
export async function insertionDeletion(
  target: ExplainTarget,
  map: ArrayLike<number>,
  options: InsertionDeletionOptions = {},
  control: JobControl = {},
): Promise<{ insertion: CurveResult; deletion: CurveResult }> {
  const { x, baseline } = target;
  const step = options.step ?? defaultStep(target.dims);
  const start = options.insertionStart === 'baseline' ? baseline : blurFrames(x, target.dims);
  const order = rankPixels(map);
  const progress = new ProgressReporter('insertion/deletion', 2, control.onProgress);
  const deletion = await perturbationCurve(target, order, step, x, baseline, control);
  progress.report(1);
  const insertion = await perturbationCurve(target, order, step, start, x, control);
  progress.report(2);
  return { insertion, deletion };
}

/** Starts from `from` and copies `to`'s values into the top-ranked pixels, `step` more each time. */
async function perturbationCurve(
  target: ExplainTarget,
  order: Uint32Array,
  step: number,
  from: Float32Array,
  to: Float32Array,
  control: JobControl,
): Promise<CurveResult> {
  const { classifier, label } = target;
  const channels = target.dims[0];
  const plane = elementCount(spatialDims(target.dims));
  const per = channels * plane;
  const steps = Math.ceil(plane / step);
  const batch = Math.max(1, classifier.batchSize);
  const canvas = Float32Array.from(from);
  const images = new Float32Array(batch * per);
  const curve: number[] = [];
  let changed = 0;
  for (let first = 0; first <= steps; first += batch) {
    throwIfCancelled(control.signal);
    const n = Math.min(batch, steps + 1 - first);
    for (let b = 0; b < n; b++) {
      const wanted = Math.min((first + b) * step, plane);
      for (; changed < wanted; changed++) {
        const p = order[changed];
        for (let c = 0; c < channels; c++) canvas[c * plane + p] = to[c * plane + p];
      }
      images.set(canvas, b * per);
    }
    const probs = await classifier.classify(images.subarray(0, n * per), n);
    for (let b = 0; b < n; b++) curve.push(probs[b * classifier.numClasses + label]);
  }
  return { auc: curveAuc(curve), curve };
}

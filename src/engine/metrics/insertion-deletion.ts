import { throwIfCancelled } from '../errors.ts';
import { blurPlanar, riseKernel1d } from '../image/blur.ts';
import { ProgressReporter, type JobControl } from '../progress.ts';
import type { ExplainTarget } from '../methods/target.ts';
import { rankPixels } from './rank.ts';
import { imageDims } from '../tensor/dims.ts';

export interface CurveResult {
  auc: number;
  /** Confidence after each step: curve[i] with i·step pixels inserted/deleted (last: all). */
  curve: number[];
}

export interface InsertionDeletionOptions {
  /** Pixels per step; default: the image width (224 steps at 224²). */
  step?: number;
  /** Insertion starts from the RISE blur (default) or from the occlusion baseline (public BOREx code). */
  insertionStart?: 'blur' | 'baseline';
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
 */
export async function insertionDeletion(
  target: ExplainTarget,
  map: ArrayLike<number>,
  options: InsertionDeletionOptions = {},
  control: JobControl = {},
): Promise<{ insertion: CurveResult; deletion: CurveResult }> {
  const { x, baseline } = target;
  const { height: H, width: W } = imageDims(target.dims);
  const step = options.step ?? W;
  const start = options.insertionStart === 'baseline' ? baseline : blurPlanar(x, 3, H, W, riseKernel1d());
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
  const { height: H, width: W } = imageDims(target.dims);
  const plane = H * W;
  const steps = Math.ceil(plane / step);
  const batch = Math.max(1, classifier.batchSize);
  const canvas = Float32Array.from(from);
  const images = new Float32Array(batch * 3 * plane);
  const curve: number[] = [];
  let changed = 0;
  for (let first = 0; first <= steps; first += batch) {
    throwIfCancelled(control.signal);
    const n = Math.min(batch, steps + 1 - first);
    for (let b = 0; b < n; b++) {
      const wanted = Math.min((first + b) * step, plane);
      for (; changed < wanted; changed++) {
        const p = order[changed];
        canvas[p] = to[p];
        canvas[plane + p] = to[plane + p];
        canvas[2 * plane + p] = to[2 * plane + p];
      }
      images.set(canvas, b * 3 * plane);
    }
    const probs = await classifier.classify(images.subarray(0, n * 3 * plane), n);
    for (let b = 0; b < n; b++) curve.push(probs[b * classifier.numClasses + label]);
  }
  return { auc: curveAuc(curve), curve };
}

import type { CamSession } from './graph/index.ts';
import type { MaskedImage, MaskedScorer } from './masked-scoring.ts';
import type { ModelSpec } from './spec.ts';

/**
 * What every explanation method needs from a model: class probabilities for a batch of
 * preprocessed images. Implemented by OnnxClassifier for real models and by small synthetic
 * classifiers in tests (whose right answer is known exactly).
 */
export interface Classifier {
  readonly name: string;
  readonly spec: ModelSpec;
  readonly labels: readonly string[];
  readonly numClasses: number;
  /** A good batch size for this model on this machine (masks per model call). */
  readonly batchSize: number;
  /**
   * Probabilities M(x, ·) for `count` inputs packed one after another in `images`, each of
   * `inputDims(spec)` channels first (planar CHW for images; normalised, RGB order of the spec);
   * returns count × numClasses, row-major.
   */
  classify(images: Float32Array, count: number): Promise<Float32Array>;
  /** Model calls made so far (one per image classified), for accounting in results. */
  readonly calls: number;
  /** Milliseconds spent in the model so far. */
  readonly busyMs: number;
  /** White-box access for Grad-CAM: present for ONNX models (refuses heads that are not GAP + linear). */
  camSession?(): Promise<CamSession>;
  /** Scores masked copies of an image faster than classify() can (RISE); absent: the generic scorer. */
  maskedScorer?(image: MaskedImage): Promise<MaskedScorer>;
  dispose?(): Promise<void>;
}

export function softmaxRows(logits: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[r * cols + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(logits[r * cols + c] - max);
      out[r * cols + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) out[r * cols + c] /= sum;
  }
  return out;
}

/** Indices of the k largest probabilities of row 0, highest first (ties: lower index first). */
export function topK(probabilities: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: probabilities.length }, (_, i) => i);
  idx.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return idx.slice(0, k);
}

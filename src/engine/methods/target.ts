import type { InputGeometry } from '../image/preprocess.ts';
import type { Classifier } from '../model/classifier.ts';

/** What every method explains: one preprocessed image, one class, one occlusion baseline. */
export interface ExplainTarget {
  classifier: Classifier;
  /** The image, planar CHW in the model's normalised space. */
  x: Float32Array;
  height: number;
  width: number;
  /** Occlusion baseline b (same shape as x). */
  baseline: Float32Array;
  label: number;
  /** Where the input came from in the photo (needed to place imported maps). */
  geometry?: InputGeometry;
}

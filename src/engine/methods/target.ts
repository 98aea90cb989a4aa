import type { InputGeometry } from '../image/preprocess.ts';
import type { Classifier } from '../model/classifier.ts';
import type { Dims } from '../tensor/dims.ts';

/**
 * What every method explains: one preprocessed input, one class, one occlusion baseline. The
 * input's shape is data (`dims`, channels first: [C,H,W] for an image, [C,T,H,W] for a clip), so
 * a method says which ranks it handles instead of the type fixing one (docs/architecture.md).
 */
export interface ExplainTarget {
  classifier: Classifier;
  /** Dims of x and of the baseline, channels first. */
  dims: Dims;
  /** The input, planar channels first, in the model's normalised space. */
  x: Float32Array;
  /** Occlusion baseline b (same dims as x). */
  baseline: Float32Array;
  label: number;
  /** Where the input came from in the photo (needed to place imported maps). */
  geometry?: InputGeometry;
}

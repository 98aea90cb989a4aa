import { BASELINE_CHOICES, type BaselineChoice } from '../../shared/requests.ts';
import { usageError } from '../errors.ts';
import type { ModelSpec } from '../model/spec.ts';
import { elementCount, type Dims } from '../tensor/dims.ts';
import { blurFrames } from './blur.ts';

/**
 * The occlusion baseline b in x ⊙ m = m·x + (1−m)·b.
 * - mean: the normalisation mean, i.e. all zeros after normalisation (RISE and BOREx code; default)
 * - black: RGB 0 normalised (0 in either value range, [0,1] or [0,255])
 * - blur: a blurred copy of x (the RISE insertion kernel)
 * - temporal-mean (clips): each pixel's mean over the clip's frames, i.e. its static background.
 *   Occluding with it removes what moves and leaves what stands still unchanged; a flat colour
 *   instead makes every occluder that starts or stops between frames a change in time of its own,
 *   which a motion model reads as motion (measured with motion-v1: hiding the moving object in
 *   grey raised its class 0.94 → 0.97; with the temporal mean it fell to 0.35).
 */
export type BaselineKind = BaselineChoice;
export const BASELINE_KINDS: readonly BaselineKind[] = BASELINE_CHOICES;

/**
 * A baseline of `dims` for input x: [3,H,W], or [3,T,H,W] for a clip, whose colour is the same in
 * every frame and whose blur is the image blur applied to each frame (a frame is one H×W plane of
 * the planar tensor, so a clip is blurred as 3·T planes).
 */
export function makeBaseline(kind: BaselineKind, x: Float32Array, dims: Dims, spec: ModelSpec): Float32Array {
  if (dims.length !== 3 && dims.length !== 4) throw new Error(`expected an input [C,H,W] or [C,T,H,W], got dims [${dims.join(',')}]`);
  const plane = elementCount(dims) / 3; // one channel: H·W, or T·H·W
  switch (kind) {
    case 'mean':
      return new Float32Array(elementCount(dims));
    case 'black': {
      const out = new Float32Array(elementCount(dims));
      const order = spec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
      for (let c = 0; c < 3; c++) out.fill(-spec.mean[order[c]] / spec.std[order[c]], c * plane, (c + 1) * plane);
      return out;
    }
    case 'blur':
      return blurFrames(x, dims);
    case 'temporal-mean':
      if (dims.length !== 4) throw usageError('the temporal-mean baseline is for clips (it averages over frames); a photo has one frame');
      return temporalMean(x, dims);
  }
}

/** Each channel's pixel averaged over the T frames, repeated in every frame (x is [C,T,H,W]). */
function temporalMean(x: Float32Array, dims: Dims): Float32Array {
  const [C, T, H, W] = dims;
  const plane = H * W;
  const out = new Float32Array(x.length);
  const sum = new Float64Array(plane);
  for (let c = 0; c < C; c++) {
    sum.fill(0);
    for (let t = 0; t < T; t++) {
      const at = (c * T + t) * plane;
      for (let i = 0; i < plane; i++) sum[i] += x[at + i];
    }
    for (let t = 0; t < T; t++) {
      const at = (c * T + t) * plane;
      for (let i = 0; i < plane; i++) out[at + i] = sum[i] / T;
    }
  }
  return out;
}

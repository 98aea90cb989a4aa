import type { ModelSpec } from '../model/spec.ts';
import { elementCount, type Dims } from '../tensor/dims.ts';
import { blurFrames } from './blur.ts';

/**
 * The occlusion baseline b in x ⊙ m = m·x + (1−m)·b.
 * - mean: the normalisation mean, i.e. all zeros after normalisation (RISE and BOREx code; default)
 * - black: RGB 0 normalised (0 in either value range, [0,1] or [0,255])
 * - blur: a blurred copy of x (the RISE insertion kernel)
 */
export type BaselineKind = 'mean' | 'black' | 'blur';
export const BASELINE_KINDS: readonly BaselineKind[] = ['mean', 'black', 'blur'];

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
  }
}

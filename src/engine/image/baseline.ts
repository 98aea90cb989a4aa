import type { ModelSpec } from '../model/spec.ts';
import { elementCount, imageDims, type Dims } from '../tensor/dims.ts';
import { blurPlanar, riseKernel1d } from './blur.ts';

/**
 * The occlusion baseline b in x ⊙ m = m·x + (1−m)·b.
 * - mean: the normalisation mean, i.e. all zeros after normalisation (RISE and BOREx code; default)
 * - black: RGB 0 normalised
 * - blur: a blurred copy of x (the RISE insertion kernel)
 */
export type BaselineKind = 'mean' | 'black' | 'blur';
export const BASELINE_KINDS: readonly BaselineKind[] = ['mean', 'black', 'blur'];

/** A baseline of `dims` ([3,H,W]: the blur and the colour are image operations) for input x. */
export function makeBaseline(kind: BaselineKind, x: Float32Array, dims: Dims, spec: ModelSpec): Float32Array {
  const { height, width } = imageDims(dims);
  const plane = height * width;
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
      return blurPlanar(x, 3, height, width, riseKernel1d());
  }
}

import type { ModelSpec } from '../model/spec.ts';
import { blurPlanar, riseKernel1d } from './blur.ts';

/**
 * The occlusion baseline b in x ⊙ m = m·x + (1−m)·b.
 * - mean: the normalisation mean, i.e. all zeros after normalisation (RISE and BOREx code; default)
 * - black: RGB 0 normalised
 * - blur: a blurred copy of x (the RISE insertion kernel)
 */
export type BaselineKind = 'mean' | 'black' | 'blur';
export const BASELINE_KINDS: readonly BaselineKind[] = ['mean', 'black', 'blur'];

export function makeBaseline(kind: BaselineKind, x: Float32Array, height: number, width: number, spec: ModelSpec): Float32Array {
  const plane = height * width;
  switch (kind) {
    case 'mean':
      return new Float32Array(3 * plane);
    case 'black': {
      const out = new Float32Array(3 * plane);
      const order = spec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
      for (let c = 0; c < 3; c++) out.fill(-spec.mean[order[c]] / spec.std[order[c]], c * plane, (c + 1) * plane);
      return out;
    }
    case 'blur':
      return blurPlanar(x, 3, height, width, riseKernel1d());
  }
}

/** Writes m·x + (1−m)·b for one soft mask m (H×W) into `out` (CHW). */
export function applyMask(x: Float32Array, baseline: Float32Array, mask: ArrayLike<number>, out: Float32Array, outOffset = 0): void {
  const plane = mask.length;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    for (let i = 0; i < plane; i++) {
      const b = baseline[base + i];
      out[outOffset + base + i] = b + mask[i] * (x[base + i] - b);
    }
  }
}

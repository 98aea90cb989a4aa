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

/**
 * Writes m·x + (1−m)·b = b + m·(x − b) for one soft mask (H×W, read from `masks` at `maskOffset`)
 * into `out` at `outOffset` (CHW). `difference` is x − b, computed once per image by the caller.
 * Monomorphic on Float32Array with explicit offsets: this runs once per RISE mask.
 */
export function applyMask(baseline: Float32Array, difference: Float32Array, masks: Float32Array, maskOffset: number, out: Float32Array, outOffset: number): void {
  const plane = (baseline.length / 3) | 0;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    const o = outOffset + base;
    for (let i = 0; i < plane; i++) out[o + i] = baseline[base + i] + masks[maskOffset + i] * difference[base + i];
  }
}

/** x − b, for applyMask. */
export function maskDifference(x: Float32Array, baseline: Float32Array): Float32Array {
  const d = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) d[i] = x[i] - baseline[i];
  return d;
}

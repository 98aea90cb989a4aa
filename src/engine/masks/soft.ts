/**
 * Soft masks applied to an input: x ⊙ m = m·x + (1−m)·b = b + m·(x − b), one mask shared by every
 * channel. Used by RISE's generic scorer (model/masked-scorer.ts) and the ONNX masked graph's
 * feeds (model/onnx-masked-scorer.ts).
 */

/**
 * Writes b + m·(x − b) for one soft mask (H×W, read from `masks` at `maskOffset`) into `out` at
 * `outOffset` (CHW). `difference` is x − b, computed once per image by the caller.
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

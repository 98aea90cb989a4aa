/** Planar CHW images (the engine's layout) to interleaved NHWC, for models that take NHWC. */
export function toNhwc(chw: Float32Array, n: number, h: number, w: number, scratch: Float32Array | undefined): Float32Array {
  const plane = h * w;
  const out = scratch && scratch.length >= n * 3 * plane ? scratch.subarray(0, n * 3 * plane) : new Float32Array(n * 3 * plane);
  for (let b = 0; b < n; b++) {
    const base = b * 3 * plane;
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) out[base + i * 3 + c] = chw[base + c * plane + i];
    }
  }
  return out;
}

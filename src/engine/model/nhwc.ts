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

/**
 * Planar clips [n][C,T,H,W] (the engine's layout) to a clip model's layout: NCTHW is the same
 * bytes; NTCHW moves time in front of channels, NTHWC also interleaves the channels. Written into
 * `scratch` when it is large enough (one buffer reused per batch).
 */
export function toClipLayout(cthw: Float32Array, n: number, layout: 'NCTHW' | 'NTCHW' | 'NTHWC', t: number, h: number, w: number, scratch: Float32Array | undefined): Float32Array {
  if (layout === 'NCTHW') return cthw;
  const plane = h * w;
  const per = 3 * t * plane;
  const out = scratch && scratch.length >= n * per ? scratch.subarray(0, n * per) : new Float32Array(n * per);
  for (let b = 0; b < n; b++) {
    const base = b * per;
    for (let c = 0; c < 3; c++) {
      for (let f = 0; f < t; f++) {
        const src = base + (c * t + f) * plane;
        if (layout === 'NTCHW') {
          out.set(cthw.subarray(src, src + plane), base + (f * 3 + c) * plane);
        } else {
          const dst = base + f * plane * 3 + c;
          for (let i = 0; i < plane; i++) out[dst + i * 3] = cthw[src + i];
        }
      }
    }
  }
  return out;
}

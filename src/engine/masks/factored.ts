/**
 * A batch of soft masks in factored form: mask_b = rows_b · grid_b · cols_b, an H×s, s×s and
 * s×W matrix each (row-major, packed one mask after another). Bilinear upsampling of a grid, with
 * any shift, is exactly such a product, and in this form a mask is ~2 % of its pixels' size: cheap
 * to hand to onnxruntime, which then builds the masked images itself (graph/masked-input.ts).
 */
export interface FactoredMasks {
  count: number;
  height: number;
  width: number;
  gridSize: number;
  rows: Float32Array;
  grid: Float32Array;
  cols: Float32Array;
  /** Clips only: the time factor, mask_b[t] = Σ_k time_b[t,k] · rows_b · grid_b[k] · cols_b. */
  time?: ClipTimeFactor;
}

/**
 * The third factor of a clip mask (trilinear upsampling is separable too): T×s_t weights per mask
 * (`frames`, packed), and a grid of s_t×s×s cells instead of s×s.
 */
export interface ClipTimeFactor {
  depth: number;
  gridSize: number;
  frames: Float32Array;
}

/** Values in one expanded mask: H·W, or T·H·W for a clip. */
export function maskSize(m: FactoredMasks): number {
  return (m.time?.depth ?? 1) * m.height * m.width;
}

/** A batch of clip masks [T,H,W] on an s_t×s×s grid (see ClipTimeFactor). */
export function allocateClipFactoredMasks(capacity: number, depth: number, height: number, width: number, gridSize: number, temporalGridSize: number): FactoredMasks {
  return {
    count: 0,
    height,
    width,
    gridSize,
    rows: new Float32Array(capacity * height * gridSize),
    grid: new Float32Array(capacity * temporalGridSize * gridSize * gridSize),
    cols: new Float32Array(capacity * gridSize * width),
    time: { depth, gridSize: temporalGridSize, frames: new Float32Array(capacity * depth * temporalGridSize) },
  };
}

export function allocateFactoredMasks(capacity: number, height: number, width: number, gridSize: number): FactoredMasks {
  return {
    count: 0,
    height,
    width,
    gridSize,
    rows: new Float32Array(capacity * height * gridSize),
    grid: new Float32Array(capacity * gridSize * gridSize),
    cols: new Float32Array(capacity * gridSize * width),
  };
}

/** Scratch expandMask needs for masks of this shape (reuse it across masks). */
export function expandScratchSize(m: FactoredMasks): number {
  return m.gridSize * m.width + (m.time ? m.time.gridSize * m.height * m.width : 0);
}

/** Writes mask b of `masks`, H·W (a clip's: T·H·W), into `out` at `offset`. Rows of `rows` have few non-zeros: skipped. */
export function expandMask(masks: FactoredMasks, b: number, out: Float32Array, offset = 0, scratch?: Float32Array): void {
  if (masks.time) expandClipMask(masks, masks.time, b, out, offset, scratch);
  else expandPlane(masks, b, b * masks.gridSize * masks.gridSize, out, offset, scratch);
}

/**
 * A clip mask: each of the s_t grid slices expanded as an image mask (rows · grid_k · cols), then
 * every frame the time-weighted sum of the (at most two) slices it falls between.
 */
function expandClipMask(masks: FactoredMasks, time: ClipTimeFactor, b: number, out: Float32Array, offset: number, scratch: Float32Array | undefined): void {
  const { height: H, width: W, gridSize: s } = masks;
  const { depth: T, gridSize: st, frames } = time;
  const plane = H * W;
  const need = st * plane + s * W;
  const buffer = scratch && scratch.length >= need ? scratch : new Float32Array(need);
  const slices = buffer.subarray(0, st * plane);
  const rowScratch = buffer.subarray(st * plane, need);
  for (let k = 0; k < st; k++) expandPlane(masks, b, (b * st + k) * s * s, slices, k * plane, rowScratch);
  const f0 = b * T * st;
  for (let t = 0; t < T; t++) {
    const o = offset + t * plane;
    out.fill(0, o, o + plane);
    for (let k = 0; k < st; k++) {
      const f = frames[f0 + t * st + k];
      if (f === 0) continue;
      const from = k * plane;
      for (let i = 0; i < plane; i++) out[o + i] += f * slices[from + i];
    }
  }
}

/** rows_b · G · cols_b (H·W) for the s×s grid G at `g0` in masks.grid. */
function expandPlane(masks: FactoredMasks, b: number, g0: number, out: Float32Array, offset: number, scratch: Float32Array | undefined): void {
  const { height: H, width: W, gridSize: s, rows, grid, cols } = masks;
  // t = grid_b · cols_b  (s×W)
  const t = scratch && scratch.length >= s * W ? scratch : new Float32Array(s * W);
  t.fill(0, 0, s * W);
  const c0 = b * s * W;
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < s; j++) {
      const g = grid[g0 + i * s + j];
      if (g === 0) continue;
      for (let x = 0; x < W; x++) t[i * W + x] += g * cols[c0 + j * W + x];
    }
  }
  const r0 = b * H * s;
  for (let y = 0; y < H; y++) {
    const o = offset + y * W;
    out.fill(0, o, o + W);
    for (let i = 0; i < s; i++) {
      const r = rows[r0 + y * s + i];
      if (r === 0) continue;
      for (let x = 0; x < W; x++) out[o + x] += r * t[i * W + x];
    }
  }
}

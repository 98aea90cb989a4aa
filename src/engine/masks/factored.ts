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

/** Writes mask b of `masks`, H·W, into `out` at `offset`. Rows of `rows` have few non-zeros: skipped. */
export function expandMask(masks: FactoredMasks, b: number, out: Float32Array, offset = 0, scratch?: Float32Array): void {
  const { height: H, width: W, gridSize: s, rows, grid, cols } = masks;
  // t = grid_b · cols_b  (s×W)
  const t = scratch && scratch.length >= s * W ? scratch : new Float32Array(s * W);
  t.fill(0, 0, s * W);
  const g0 = b * s * s;
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

import { BOREX_DEFAULTS } from '../../../src/engine/methods/borex.ts';

// The BOREx unit tests' scene. Squares scale with the input (s = 30·H/224 … 75·H/224 px): at 112 px
// they are 15–38 px wide halves, so the region sits away from the border, where the coverage
// aggregate sees all centres.
export const H = 112;
export const W = 112;
export const REGION: [number, number, number, number] = [24, 62, 48, 90];
// The exact search of the public code (candidate stride 1), so the tests do not depend on the speed default.
export const fast = { ...BOREX_DEFAULTS, candidateStride: 1, iterations: 20, seed: 0 };

/** A prior that is confidently wrong: a blob in the bottom-left corner, far from the region. */
export function wrongPrior(): Float32Array {
  const p = new Float32Array(H * W);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) p[r * W + c] = Math.exp(-((r - 85) ** 2 + (c - 25) ** 2) / 200);
  return p;
}

import type { Random } from '../random.ts';

/**
 * RISE's random soft masks: an s×s grid of Bernoulli(p1) cells, bilinearly upsampled (skimage
 * `resize(order=1, mode='reflect')`: half-pixel centres, mirrored edges) to (s+1)·cell pixels,
 * then an H×W window cropped at a uniform random offset in [0, cell)². Masks are written into a
 * caller-owned buffer a batch at a time, so memory does not grow with N.
 */
export class RiseMaskGenerator {
  private readonly cellH: number;
  private readonly cellW: number;
  private readonly grid: Float32Array;
  private readonly rowTmp: Float32Array;
  private readonly rowLerp: Lerp;
  private readonly colLerp: Lerp;

  constructor(
    readonly height: number,
    readonly width: number,
    readonly gridSize: number,
    readonly keepProbability: number,
  ) {
    this.cellH = Math.ceil(height / gridSize);
    this.cellW = Math.ceil(width / gridSize);
    this.grid = new Float32Array(gridSize * gridSize);
    this.rowTmp = new Float32Array(gridSize * width);
    this.rowLerp = upsampleLerp(gridSize, (gridSize + 1) * this.cellH);
    this.colLerp = upsampleLerp(gridSize, (gridSize + 1) * this.cellW);
  }

  /** Fills out[0 .. H·W) with the next mask drawn from `random`. */
  next(random: Random, out: Float32Array, offset = 0): void {
    const { gridSize: s, width: W, height: H, grid, rowTmp, rowLerp, colLerp } = this;
    for (let i = 0; i < s * s; i++) grid[i] = random.next() < this.keepProbability ? 1 : 0;
    const dy = random.int(this.cellH);
    const dx = random.int(this.cellW);
    // Interpolate along columns for every grid row, then along rows.
    for (let gi = 0; gi < s; gi++) {
      for (let x = 0; x < W; x++) {
        const u = x + dx;
        rowTmp[gi * W + x] = grid[gi * s + colLerp.i0[u]] * (1 - colLerp.w[u]) + grid[gi * s + colLerp.i1[u]] * colLerp.w[u];
      }
    }
    for (let y = 0; y < H; y++) {
      const v = y + dy;
      const a = rowLerp.i0[v] * W;
      const b = rowLerp.i1[v] * W;
      const w = rowLerp.w[v];
      const o = offset + y * W;
      for (let x = 0; x < W; x++) out[o + x] = rowTmp[a + x] * (1 - w) + rowTmp[b + x] * w;
    }
  }
}

interface Lerp {
  i0: Int32Array;
  i1: Int32Array;
  w: Float32Array;
}

/** Source indices and weights for upsampling n samples to size `up` with mirrored edges. */
function upsampleLerp(n: number, up: number): Lerp {
  const i0 = new Int32Array(up);
  const i1 = new Int32Array(up);
  const w = new Float32Array(up);
  const scale = n / up;
  for (let u = 0; u < up; u++) {
    let src = (u + 0.5) * scale - 0.5;
    if (src < 0) src = -src; // mirror about the first sample
    if (src > n - 1) src = 2 * (n - 1) - src;
    const lo = Math.min(Math.floor(src), n - 1);
    i0[u] = lo;
    i1[u] = Math.min(lo + 1, n - 1);
    w[u] = src - lo;
  }
  return { i0, i1, w };
}

import { allocateClipFactoredMasks, allocateFactoredMasks, type FactoredMasks } from '../masks/factored.ts';
import type { Random } from '../random.ts';

/**
 * RISE's random soft masks: an s×s grid of Bernoulli(p1) cells, bilinearly upsampled (skimage
 * `resize(order=1, mode='reflect')`: half-pixel centres, mirrored edges) to (s+1)·cell pixels,
 * then an H×W window cropped at a uniform random offset in [0, cell)². Upsampling and cropping
 * are linear in the grid, so a mask is written in factored form, rows · grid · cols (see
 * FactoredMasks), into a caller-owned batch: memory does not grow with N.
 */
export class RiseMaskGenerator {
  readonly cellH: number;
  readonly cellW: number;
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
    this.rowLerp = upsampleLerp(gridSize, (gridSize + 1) * this.cellH);
    this.colLerp = upsampleLerp(gridSize, (gridSize + 1) * this.cellW);
  }

  /** An empty batch of `capacity` masks of this generator's size. */
  allocate(capacity: number): FactoredMasks {
    return allocateFactoredMasks(capacity, this.height, this.width, this.gridSize);
  }

  /** Draws the next mask from `random` into slot b of `masks` (draw order: grid cells, dy, dx). */
  draw(random: Random, masks: FactoredMasks, b: number): void {
    const s = this.gridSize;
    const grid = masks.grid.subarray(b * s * s, (b + 1) * s * s);
    for (let i = 0; i < s * s; i++) grid[i] = random.next() < this.keepProbability ? 1 : 0;
    const dy = random.int(this.cellH);
    const dx = random.int(this.cellW);
    this.place(masks, b, dy, dx);
  }

  /**
   * Writes the upsample-and-crop factors of slot b for the shift (dy, dx), the grid being already
   * in place: rows[y, i] is the weight of grid row i in mask row y, cols[j, x] that of grid
   * column j in mask column x.
   */
  place(masks: FactoredMasks, b: number, dy: number, dx: number): void {
    const { gridSize: s, width: W, height: H, rowLerp, colLerp } = this;
    const rows = masks.rows.subarray(b * H * s, (b + 1) * H * s).fill(0);
    for (let y = 0; y < H; y++) {
      const v = y + dy;
      rows[y * s + rowLerp.i0[v]] += 1 - rowLerp.w[v];
      rows[y * s + rowLerp.i1[v]] += rowLerp.w[v];
    }
    const cols = masks.cols.subarray(b * s * W, (b + 1) * s * W).fill(0);
    for (let x = 0; x < W; x++) {
      const u = x + dx;
      cols[colLerp.i0[u] * W + x] += 1 - colLerp.w[u];
      cols[colLerp.i1[u] * W + x] += colLerp.w[u];
    }
  }
}

/**
 * 3-D RISE's masks for clips [T,H,W]: an s_t×s×s grid of Bernoulli(p1) cells, trilinearly
 * upsampled (the same half-pixel, mirrored-edge interpolation on each axis) to
 * (s_t+1)·cellT × (s+1)·cellH × (s+1)·cellW, cropped at a uniform random offset on all three axes.
 * Trilinear is separable, so a mask is frames · (rows · grid_k · cols), the image factors plus a
 * T×s_t time factor (masks/factored.ts). Draw order: grid cells (time slowest), dt, dy, dx.
 */
export class RiseClipMaskGenerator {
  readonly cellT: number;
  private readonly spatial: RiseMaskGenerator;
  private readonly timeLerp: Lerp;

  constructor(
    readonly frames: number,
    readonly height: number,
    readonly width: number,
    readonly gridSize: number,
    readonly temporalGridSize: number,
    readonly keepProbability: number,
  ) {
    this.spatial = new RiseMaskGenerator(height, width, gridSize, keepProbability);
    this.cellT = Math.ceil(frames / temporalGridSize);
    this.timeLerp = upsampleLerp(temporalGridSize, (temporalGridSize + 1) * this.cellT);
  }

  allocate(capacity: number): FactoredMasks {
    return allocateClipFactoredMasks(capacity, this.frames, this.height, this.width, this.gridSize, this.temporalGridSize);
  }

  draw(random: Random, masks: FactoredMasks, b: number): void {
    const cells = this.temporalGridSize * this.gridSize * this.gridSize;
    const grid = masks.grid.subarray(b * cells, (b + 1) * cells);
    for (let i = 0; i < cells; i++) grid[i] = random.next() < this.keepProbability ? 1 : 0;
    const dt = random.int(this.cellT);
    const dy = random.int(this.spatial.cellH);
    const dx = random.int(this.spatial.cellW);
    this.spatial.place(masks, b, dy, dx);
    this.placeTime(masks, b, dt);
  }

  /** frames[t, k]: the weight of grid slice k in frame t for the time shift dt. */
  placeTime(masks: FactoredMasks, b: number, dt: number): void {
    const { frames: T, temporalGridSize: st, timeLerp } = this;
    const frames = (masks.time as NonNullable<FactoredMasks['time']>).frames.subarray(b * T * st, (b + 1) * T * st).fill(0);
    for (let t = 0; t < T; t++) {
      const v = t + dt;
      frames[t * st + timeLerp.i0[v]] += 1 - timeLerp.w[v];
      frames[t * st + timeLerp.i1[v]] += timeLerp.w[v];
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
  if (n === 1) return { i0, i1, w }; // one cell (a temporal grid of 1): every sample is that cell
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

/**
 * The pure parts of the annotated video export: which sampled frame's map a video frame shows,
 * the clip-global value range, and a map at the model's input resolution carried back onto the
 * video frame through the inverse of the preprocessing, as blend-table entries (blend.ts).
 */
import type { InputGeometry } from '../image/preprocess.ts';
import { DIM_ENTRY, HATCH_ENTRY, type SeenRect } from './blend.ts';
import { mapRange } from './colormap.ts';

/**
 * One value range for the whole clip (all T frames), so colours mean the same value in every
 * frame and the export does not flicker; symmetric ±max|v| for signed maps.
 */
export function clipRange(saliency: Float32Array, symmetric: boolean): [number, number] {
  return mapRange(saliency, symmetric);
}

/** Colour-map level 0..255 of `v` in the range [lo, hi] (clamped; the image overlay's rounding). */
export function levelOf(v: number, lo: number, hi: number): number {
  const t = (v - lo) / (hi - lo);
  return Math.round((t < 0 ? 0 : t > 1 ? 1 : t) * 255);
}

/**
 * For every video frame, the slot (0..T−1) of the sampled frame whose map it shows: the NEAREST
 * sampled frame in presentation time (ties go to the earlier one). Nearest, not interpolated: a
 * frame shows a map the model actually produced, and each map is resampled once per clip.
 * `frameIndices` must be ascending (the order the model's clip was built in).
 */
export function nearestSampled(pts: Float64Array, frameIndices: readonly number[]): Int32Array {
  const slot = new Int32Array(pts.length);
  let t = 0;
  for (let k = 0; k < pts.length; k++) {
    while (t + 1 < frameIndices.length && pts[frameIndices[t + 1]] - pts[k] < pts[k] - pts[frameIndices[t]]) t++;
    slot[k] = t;
  }
  return slot;
}

/** Column of the timeline bar (width px) at which video frame k of n sits. */
export function timelineX(k: number, n: number, width: number): number {
  return n <= 1 ? 0 : Math.round((k * (width - 1)) / (n - 1));
}

/** Where one output axis samples the model's input: the two neighbours, the weight, and whether the model saw it. */
interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  f: Float64Array;
  seen: Uint8Array;
}

/** Bilinear taps along one axis, half-pixel centres: the same arithmetic as image/preprocess.ts mapToPhoto. */
function axisTaps(photo: number, resized: number, crop: number, size: number): AxisTaps {
  const taps: AxisTaps = { i0: new Int32Array(photo), i1: new Int32Array(photo), f: new Float64Array(photo), seen: new Uint8Array(photo) };
  const scale = resized / photo;
  for (let p = 0; p < photo; p++) {
    const r = (p + 0.5) * scale - 0.5 - crop;
    if (r < -0.5 || r > size - 0.5) continue;
    const v = Math.min(Math.max(r, 0), size - 1);
    const i0 = Math.floor(v);
    taps.i0[p] = i0;
    taps.i1[p] = Math.min(i0 + 1, size - 1);
    taps.f[p] = v - i0;
    taps.seen[p] = 1;
  }
  return taps;
}

/**
 * Carries maps at the model's input resolution (geometry.width × height) onto the video frame
 * (photoWidth × photoHeight): the taps are computed once per clip, then each sampled frame's map
 * becomes one Uint16 entry per video pixel, written into a caller-owned buffer.
 */
export class VideoMapResampler {
  readonly width: number;
  readonly height: number;
  private readonly cols: AxisTaps;
  private readonly rows: AxisTaps;

  constructor(private readonly g: InputGeometry) {
    this.width = g.photoWidth;
    this.height = g.photoHeight;
    this.cols = axisTaps(g.photoWidth, g.resizedWidth, g.cropLeft, g.width);
    this.rows = axisTaps(g.photoHeight, g.resizedHeight, g.cropTop, g.height);
  }

  /** True when part of the frame lies outside the model's window (it will be hatched). */
  get hasUnseen(): boolean {
    return this.cols.seen.includes(0) || this.rows.seen.includes(0);
  }

  /** The video pixels the model saw: one rectangle (the seen columns and rows are each one run). */
  get seenRect(): SeenRect {
    const run = (seen: Uint8Array): [number, number] => {
      const a = seen.indexOf(1);
      return a < 0 ? [0, 0] : [a, seen.lastIndexOf(1) + 1];
    };
    const [x0, x1] = run(this.cols.seen);
    const [y0, y1] = run(this.rows.seen);
    return x1 > x0 && y1 > y0 ? { x0, x1, y0, y1 } : { x0: 0, x1: 0, y0: 0, y1: 0 };
  }

  /**
   * `map` is one frame (geometry.height × width floats, e.g. a subarray of the [T,H,W] saliency);
   * `out` gets width × height entries: the colour-map level of the resampled value in [lo, hi], or
   * HATCH/DIM where the model never saw the pixel.
   */
  entries(map: Float32Array, lo: number, hi: number, out: Uint16Array): Uint16Array {
    const { cols, rows } = this;
    const mw = this.g.width;
    const W = this.width;
    for (let py = 0; py < this.height; py++) {
      const rowSeen = rows.seen[py];
      const r0 = rows.i0[py] * mw;
      const r1 = rows.i1[py] * mw;
      const fy = rows.f[py];
      const base = py * W;
      for (let px = 0; px < W; px++) {
        if (!rowSeen || !cols.seen[px]) {
          out[base + px] = (px + py) % 12 < 2 ? HATCH_ENTRY : DIM_ENTRY;
          continue;
        }
        const x0 = cols.i0[px];
        const x1 = cols.i1[px];
        const fx = cols.f[px];
        const top = map[r0 + x0] * (1 - fx) + map[r0 + x1] * fx;
        const bottom = map[r1 + x0] * (1 - fx) + map[r1 + x1] * fx;
        // fround: the value mapToPhoto would store, so both give the same level.
        out[base + px] = levelOf(Math.fround(top * (1 - fy) + bottom * fy), lo, hi);
      }
    }
    return out;
  }
}

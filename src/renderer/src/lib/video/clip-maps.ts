/**
 * Which map a video frame shows, and what the model saw of it. A clip's model saw T of the video's
 * N frames (its `frames`, ascending); every other frame shows the map of the NEAREST sampled frame in
 * presentation time (the export's rule, engine/render/video-map.ts nearestSampled), drawn dimmed and
 * labelled, and a frame outside every window of a long video shows no map at all (hatched): a frame
 * the model never saw is never drawn as zero saliency.
 */
import { mapRange } from '../../../../shared/colormaps.ts';
import type { FrameTimes } from './frames.ts';

/** What video frame k shows: the clip and slot of its map, whether the model saw that very frame. */
export interface FrameMap {
  clip: number;
  slot: number;
  /** The video frame whose map is shown (= k when `sampled`). */
  source: number;
  sampled: boolean;
}

export interface ClipFrames {
  /** The video frames the model saw, ascending decode-order indices. */
  frames: readonly number[];
}

/**
 * For every video frame, its map (or undefined where no clip covers it). `uniform`: one clip spread
 * over the whole video covers every frame; windows cover [first, last] of their own sampled frames,
 * and where windows overlap the nearer sampled frame wins (the earlier window on a tie).
 */
export function frameMaps(times: FrameTimes, clips: readonly ClipFrames[], uniform: boolean): (FrameMap | undefined)[] {
  const s = times.starts;
  const n = s.length;
  const out: (FrameMap | undefined)[] = new Array(n).fill(undefined);
  const distance: number[] = new Array(n).fill(Infinity);
  clips.forEach((clip, c) => {
    const f = clip.frames;
    if (f.length === 0) return;
    const lo = uniform ? 0 : f[0];
    const hi = uniform ? n - 1 : f[f.length - 1];
    let t = 0;
    for (let k = Math.max(lo, 0); k <= Math.min(hi, n - 1); k++) {
      while (t + 1 < f.length && s[f[t + 1]] - s[k] < s[k] - s[f[t]]) t++;
      const d = Math.abs(s[k] - s[f[t]]);
      if (d < distance[k]) {
        distance[k] = d;
        out[k] = { clip: c, slot: t, source: f[t], sampled: f[t] === k };
      }
    }
  });
  return out;
}

/** Frame `slot` of a [T,H,W] map, as a view (no copy). */
export function mapSlice(map: Float32Array, dims: readonly [number, number, number], slot: number): Float32Array {
  const plane = dims[1] * dims[2];
  return map.subarray(slot * plane, (slot + 1) * plane);
}

/**
 * One colour range for every clip of the video (all T frames of each), so a colour means the same
 * value on every frame and the players do not flicker; symmetric ±max|v| when signed.
 */
export function videoRange(maps: readonly Float32Array[], signed: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of maps) {
    const [a, b] = mapRange(m, false);
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (signed) {
    const a = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-a, a];
  }
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** The frames the model sampled, as a set over the whole video (for the ticks and the "sampled" badge). */
export function sampledFrames(clips: readonly ClipFrames[]): Set<number> {
  return new Set(clips.flatMap((c) => c.frames));
}

/**
 * Frame math of the video view, from the decoder's own frame times (never frame = time × fps:
 * Label Studio's bugs #6493, #4896 come from that). Frames are addressed by their decode-order
 * index k; the browser is asked to seek to the MIDPOINT of frame k's display interval, which
 * Chromium showed right for 100% of frames at any rate (../shared/docs/video.md, pitfall 2),
 * where seeking to the frame's own start showed the previous frame a third of the time.
 */

/** A clip's timeline: frame k is shown from `starts[k]` to `starts[k + 1]` (the last until `end`), in media seconds from 0. */
export interface FrameTimes {
  readonly starts: Float64Array;
  readonly end: number;
}

/**
 * The timeline from the probe's pts (seconds, one per frame) and duration (first frame to the end
 * of the last). Times are taken relative to the first frame, as the browser's media clock starts at 0.
 */
export function frameTimes(pts: readonly number[], duration: number): FrameTimes {
  if (pts.length === 0) throw new Error('a video with no frames has no timeline');
  const t0 = pts[0];
  const starts = Float64Array.from(pts, (t) => t - t0);
  for (let k = 1; k < starts.length; k++) if (!(starts[k] > starts[k - 1])) throw new Error(`frame times must rise: frame ${k} at ${pts[k]} s after ${pts[k - 1]} s`);
  const last = starts[starts.length - 1];
  // A duration that does not reach past the last frame (a bad container field): give it the previous gap.
  const gap = starts.length > 1 ? last - starts[starts.length - 2] : 1 / 25;
  const end = duration > last ? duration : last + gap;
  return { starts, end };
}

export const frameCount = (t: FrameTimes) => t.starts.length;

/** Where to seek to show frame k: the middle of its interval. */
export function seekTime(t: FrameTimes, k: number): number {
  const n = t.starts.length;
  const i = clampFrame(k, n);
  const next = i + 1 < n ? t.starts[i + 1] : t.end;
  return (t.starts[i] + next) / 2;
}

/** The frame shown at media time `time` (the one whose interval holds it); 0 before the start, the last after the end. */
export function frameAt(t: FrameTimes, time: number): number {
  const s = t.starts;
  if (!(time >= s[0])) return 0;
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid] <= time) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The frame a presented frame's `mediaTime` (requestVideoFrameCallback) belongs to: the frame whose
 * start is nearest, since mediaTime is that frame's own pts, give or take the container's rounding.
 */
export function frameOfMediaTime(t: FrameTimes, mediaTime: number): number {
  const k = frameAt(t, mediaTime);
  const s = t.starts;
  return k + 1 < s.length && s[k + 1] - mediaTime < mediaTime - s[k] ? k + 1 : k;
}

export function clampFrame(k: number, n: number): number {
  if (!Number.isFinite(k)) return 0;
  return Math.min(Math.max(Math.round(k), 0), n - 1);
}

/** "m:ss.mmm" (or "h:mm:ss.mmm") for the frame's own start time. */
export function formatTimestamp(seconds: number): string {
  const ms = Math.round(Math.max(seconds, 0) * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = String(ms % 1000).padStart(3, '0');
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}.${rest}`;
}

/** The frame under x on a timeline `width` px wide whose frame k sits at k·(width−1)/(n−1) (the export's own timelineX). */
export function frameAtX(x: number, width: number, n: number): number {
  if (n <= 1 || width <= 1) return 0;
  return clampFrame((x * (n - 1)) / (width - 1), n);
}

export function xOfFrame(k: number, width: number, n: number): number {
  return n <= 1 ? 0 : (k * (width - 1)) / (n - 1);
}

/** The timeline from the API's per-frame pts and durations (OpenedVideo): frame k shows over [pts[k], pts[k] + durations[k]). */
export function frameTimesOf(pts: readonly number[], durations: readonly number[]): FrameTimes {
  const n = pts.length;
  return frameTimes(pts, n ? pts[n - 1] + (durations[n - 1] ?? 0) - pts[0] : 0);
}

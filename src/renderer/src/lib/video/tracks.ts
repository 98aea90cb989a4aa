/**
 * The timeline's data tracks: one per map (prior, refined), the per-frame importance (the mean
 * saliency of each sampled frame, as the engine's result gives it) drawn at the sampled frames only,
 * one line per clip; frames no clip covers are left as gaps (hatched by the track), not zeros.
 */
import { xOfFrame } from './frames.ts';

export interface TrackClip {
  frames: readonly number[];
  importance: readonly number[];
}

/** One polyline per clip: [x, y] in a width × height box, y up (the track's own range). */
export function trackLines(clips: readonly TrackClip[], n: number, width: number, height: number, range = trackRange(clips)): [number, number][][] {
  const [lo, hi] = range;
  const span = hi - lo || 1;
  const pad = 2;
  return clips.map((c) =>
    c.frames.map((k, i) => [xOfFrame(k, width, n), height - pad - ((c.importance[i] - lo) / span) * (height - 2 * pad)] as [number, number]),
  );
}

/** The track's value range over all clips (a flat track gets a span of 1 so it sits on its floor). */
export function trackRange(clips: readonly TrackClip[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of clips) for (const v of c.importance) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** The video frame where a track peaks (its most important sampled frame), or undefined when empty. */
export function peakFrame(clips: readonly TrackClip[]): number | undefined {
  let best: number | undefined;
  let value = -Infinity;
  for (const c of clips) c.frames.forEach((k, i) => {
    if (c.importance[i] > value) {
      value = c.importance[i];
      best = k;
    }
  });
  return best;
}

/** Frame spans [first, last] no clip covers (windowed videos), to hatch on the tracks. */
export function uncoveredSpans(covered: readonly boolean[]): [number, number][] {
  const spans: [number, number][] = [];
  let start = -1;
  covered.forEach((c, k) => {
    if (!c && start < 0) start = k;
    if (c && start >= 0) {
      spans.push([start, k - 1]);
      start = -1;
    }
  });
  if (start >= 0) spans.push([start, covered.length - 1]);
  return spans;
}

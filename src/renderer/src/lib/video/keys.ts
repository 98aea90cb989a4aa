/**
 * The video view's keys, one table (the `?` sheet lists the same rows): the timeline conventions
 * of CVAT, Label Studio and FiftyOne (../shared/docs/video.md).
 */
export type VideoAction =
  | { type: 'play-pause' }
  | { type: 'step'; delta: number }
  | { type: 'first' }
  | { type: 'last' }
  | { type: 'frame-box' }
  | { type: 'speed'; delta: number }
  | { type: 'reset-zoom' };

/** Rows of the shortcut sheet: key, what it does. */
export const VIDEO_SHORTCUTS: readonly [string, string][] = [
  ['Space', 'play / pause'],
  ['→ or .', 'next frame (pauses)'],
  ['← or ,', 'previous frame (pauses)'],
  ['Shift+→ / Shift+←', 'ten frames on / back'],
  ['Home / End', 'first / last frame'],
  ['held arrow', 'steps at the rate the browser decodes'],
  ['G', 'go to a frame number (the frame box)'],
  ['[ / ]', 'slower / faster (0.25–2×)'],
  ['0', 'reset zoom and pan of the players'],
  ['click / drag on the timeline', 'jump / scrub; click a track to seek'],
];

export const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2] as const;

/** The part of a KeyboardEvent the table reads (declared here: the tests' type-check has no DOM). */
export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** The action of a key press, or undefined for a key the video view leaves alone. */
export function videoAction(e: KeyPress): VideoAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  const hop = e.shiftKey ? 10 : 1;
  switch (e.key) {
    case ' ':
    case 'Spacebar':
      return { type: 'play-pause' };
    case 'ArrowRight':
      return { type: 'step', delta: hop };
    case 'ArrowLeft':
      return { type: 'step', delta: -hop };
    case '.':
    case '>':
      return { type: 'step', delta: 1 };
    case ',':
    case '<':
      return { type: 'step', delta: -1 };
    case 'Home':
      return { type: 'first' };
    case 'End':
      return { type: 'last' };
    case 'g':
    case 'G':
      return { type: 'frame-box' };
    case '[':
      return { type: 'speed', delta: -1 };
    case ']':
      return { type: 'speed', delta: 1 };
    case '0':
      return { type: 'reset-zoom' };
    default:
      return undefined;
  }
}

/** The next speed up or down the ladder from `speed` (held at its ends). */
export function nextSpeed(speed: number, delta: number): number {
  let i = SPEEDS.findIndex((s) => s >= speed - 1e-9);
  if (i < 0) i = SPEEDS.length - 1;
  return SPEEDS[Math.min(Math.max(i + delta, 0), SPEEDS.length - 1)];
}

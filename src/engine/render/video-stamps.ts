/**
 * What is drawn over each panel of an annotated video besides the map: the title and label with
 * confidence, the colour bar with its range, the "not seen" legend, the timeline bar with a tick
 * per sampled frame, and the marker shown on sampled frames. Laid out as data (videoLayout) so
 * tests can read the pixels back where they are drawn. All stamps are rendered once per clip.
 */
import { forEachInkPixel, textHeight, textWidth } from './bitmap-font.ts';
import { createStamp, fillRect, paint, type Stamp } from './blend.ts';
import { timelineX } from './video-map.ts';

const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const TICK = [255, 210, 0];
/** Translucent black behind text, so it reads over any frame. */
const SHADE = 160;

export interface VideoLayout {
  /** Font and line scale: 1 px per font pixel up to 399 px high, 2 from 400 (720p: 3). */
  scale: number;
  pad: number;
  lineHeight: number;
  /** The sampled-frame marker: a filled white disc. */
  marker: { cx: number; cy: number; r: number };
  timeline: { y: number; height: number };
  bar: { x: number; y: number; width: number; height: number };
}

/** Where everything sits in a panel of width × height; `titled`: a title line above the label. */
export function videoLayout(width: number, height: number, titled: boolean): VideoLayout {
  const scale = Math.max(1, Math.floor(height / 200));
  const pad = 2 * scale;
  const lineHeight = textHeight(scale) + 2 * pad;
  const lines = titled ? 2 : 1;
  const r = 3 * scale + 1;
  const timelineHeight = 3 * scale + 2;
  const barWidth = 4 * scale + 4;
  const barHeight = Math.max(16, Math.round(height * 0.45));
  return {
    scale,
    pad,
    lineHeight,
    marker: { cx: pad + r + pad, cy: lines * lineHeight + pad + r + pad, r },
    timeline: { y: height - timelineHeight, height: timelineHeight },
    bar: { x: width - barWidth - 3 * pad, y: Math.round((height - barHeight) / 2) - timelineHeight, width: barWidth, height: barHeight },
  };
}

function text(stamp: Stamp, s: string, x: number, y: number, scale: number, rgb = WHITE): void {
  forEachInkPixel(s, x, y, scale, (px, py) => paint(stamp, px, py, rgb));
}

/** One line of white text on a translucent black box at (x, y) of the panel. */
function textLine(s: string, x: number, y: number, L: VideoLayout, maxWidth: number): Stamp {
  let line = s;
  while (line.length > 1 && textWidth(line, L.scale) + 2 * L.pad > maxWidth) line = line.slice(0, -2) + '~';
  const st = createStamp(x, y, textWidth(line, L.scale) + 2 * L.pad, L.lineHeight);
  fillRect(st, 0, 0, st.width, st.height, BLACK, SHADE);
  text(st, line, L.pad, L.pad, L.scale);
  return st;
}

/** The colour bar (top = high), its hi/lo values to its left, on a translucent box. */
function colourBar(colormap: Uint8Array, lo: number, hi: number, L: VideoLayout): Stamp {
  const fmt = (v: number) => (Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toFixed(2));
  const labels = [fmt(hi), fmt(lo)];
  const labelWidth = Math.max(...labels.map((l) => textWidth(l, L.scale)));
  const { bar, pad } = L;
  const x = bar.x - labelWidth - 2 * pad;
  const st = createStamp(x - pad, bar.y - pad, bar.x + bar.width + pad - (x - pad), bar.height + 2 * pad);
  fillRect(st, 0, 0, st.width, st.height, BLACK, SHADE);
  const bx = bar.x - st.x;
  const by = bar.y - st.y;
  for (let y = 0; y < bar.height; y++) {
    const ci = Math.round((1 - y / (bar.height - 1)) * 255) * 3;
    fillRect(st, bx, by + y, bar.width, 1, [colormap[ci], colormap[ci + 1], colormap[ci + 2]]);
  }
  text(st, labels[0], bx - pad - textWidth(labels[0], L.scale), by, L.scale);
  text(st, labels[1], bx - pad - textWidth(labels[1], L.scale), by + bar.height - textHeight(L.scale), L.scale);
  return st;
}

/** The timeline bar across the bottom, with a tick at every sampled frame. */
function timeline(width: number, frameCount: number, sampled: readonly number[], L: VideoLayout): Stamp {
  const st = createStamp(0, L.timeline.y, width, L.timeline.height);
  fillRect(st, 0, 0, width, st.height, BLACK, 200);
  for (const k of sampled) fillRect(st, timelineX(k, frameCount, width), 0, Math.max(1, L.scale), st.height, TICK);
  return st;
}

/** The marker of a sampled frame: a white disc and the word "sampled", on a translucent box. */
function sampledMarker(L: VideoLayout): Stamp {
  const { cx, cy, r } = L.marker;
  const word = 'sampled';
  const x0 = cx - r - L.pad;
  const y0 = cy - r - L.pad;
  const st = createStamp(x0, y0, 2 * r + 3 * L.pad + textWidth(word, L.scale) + L.pad, 2 * r + 2 * L.pad);
  fillRect(st, 0, 0, st.width, st.height, BLACK, SHADE);
  for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) if (x * x + y * y <= r * r) paint(st, cx + x - x0, cy + y - y0, WHITE);
  text(st, word, 2 * r + 2 * L.pad, Math.round((st.height - textHeight(L.scale)) / 2), L.scale);
  return st;
}

export interface PanelStamps {
  /** Drawn on every frame. */
  always: Stamp[];
  /** Drawn on the frames the model sampled. */
  sampled: Stamp;
  /** The playhead: moved to the frame's timeline column before drawing. */
  playhead: Stamp;
}

export interface PanelText {
  title?: string;
  label: { name: string; probability: number };
  lo: number;
  hi: number;
  unseen: boolean;
}

/** The plain video's panel (side by side with a map): its title, the timeline with its ticks and playhead, the sampled marker. */
export function originalStamps(width: number, height: number, frameCount: number, sampled: readonly number[], title: string): PanelStamps {
  const L = videoLayout(width, height, true);
  const playhead = createStamp(0, L.timeline.y - L.scale, Math.max(2, L.scale + 1), L.timeline.height + L.scale);
  fillRect(playhead, 0, 0, playhead.width, playhead.height, WHITE);
  return { always: [textLine(title, 0, 0, L, width), timeline(width, frameCount, sampled, L)], sampled: sampledMarker(L), playhead };
}

export function panelStamps(width: number, height: number, frameCount: number, sampled: readonly number[], colormap: Uint8Array, t: PanelText): PanelStamps {
  const L = videoLayout(width, height, t.title !== undefined);
  const always: Stamp[] = [];
  let y = 0;
  if (t.title !== undefined) {
    always.push(textLine(t.title, 0, y, L, width));
    y += L.lineHeight;
  }
  always.push(textLine(`${t.label.name} ${(t.label.probability * 100).toFixed(1)}%`, 0, y, L, width - (width - L.bar.x) - L.pad));
  always.push(colourBar(colormap, t.lo, t.hi, L));
  if (t.unseen) always.push(textLine('hatched: not seen', 0, L.timeline.y - L.lineHeight, L, width));
  always.push(timeline(width, frameCount, sampled, L));
  const playhead = createStamp(0, L.timeline.y - L.scale, Math.max(2, L.scale + 1), L.timeline.height + L.scale);
  fillRect(playhead, 0, 0, playhead.width, playhead.height, WHITE);
  return { always, sampled: sampledMarker(L), playhead };
}

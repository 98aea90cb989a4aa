/**
 * What is drawn over each panel of an annotated video besides the map: the title and label with
 * confidence, the colour bar with its range, the "not seen" legend, the timeline bar with a tick
 * per sampled frame, and the marker shown on sampled frames. Laid out as data (videoLayout) so
 * tests can read the pixels back where they are drawn. All stamps are rendered once per clip.
 *
 * Tiny videos (narrower than 160 or lower than 120 px, stampsBelow): the smallest font is 5×7, so
 * drawn over a 64×64 picture the text, colour bar and timeline would hide most of it. There the
 * picture keeps every pixel and the same annotations go to a black band under it (bandLayout),
 * one row each: the title, the label with the sampled-frame disc at its right end, a horizontal
 * colour bar with its lo/hi values below it, the "not seen" legend, the timeline. The MP4 is
 * then `stampBandHeight` rows taller than the video.
 */
import { forEachInkPixel, textHeight, textWidth } from './bitmap-font.ts';
import { createStamp, fillRect, paint, type Stamp } from './blend.ts';
import { timelineX } from './video-map.ts';

const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const TICK = [255, 210, 0];
/** Translucent black behind text, so it reads over any frame. */
const SHADE = 160;

/** A colour bar's lo/hi value as drawn. */
const fmtValue = (v: number) => (Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toFixed(2));

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
  const labels = [fmtValue(hi), fmtValue(lo)];
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

/** Under 160×120 the stamps go to a band below the picture (see the top of this file). */
export const BAND_BELOW = { width: 160, height: 120 } as const;

export function stampsBelow(width: number, height: number): boolean {
  return width < BAND_BELOW.width || height < BAND_BELOW.height;
}

/** Rows of the band under a tiny picture, in output-frame y (the band starts at the picture's height). */
export interface BandLayout {
  scale: number;
  pad: number;
  lineHeight: number;
  /** First row of the band (= the picture's height) and its height (even, so the frame stays even). */
  top: number;
  height: number;
  title?: number;
  label: number;
  /** The colour bar: a horizontal gradient (left = low), its values on the line under it. */
  bar: { x: number; y: number; width: number; height: number };
  values: number;
  unseen?: number;
  timeline: { y: number; height: number };
  marker: { cx: number; cy: number; r: number };
}

/** The band's rows for a picture of width × height; `titled`: a title line; `unseen`: the "not seen" legend. */
export function bandLayout(width: number, height: number, titled: boolean, unseen: boolean): BandLayout {
  const scale = 1;
  const pad = 2;
  const lineHeight = textHeight(scale) + 2 * pad;
  const r = 3 * scale + 1;
  let y = height;
  const take = (h: number) => {
    const at = y;
    y += h;
    return at;
  };
  const title = titled ? take(lineHeight) : undefined;
  const label = take(lineHeight);
  const bar = { x: pad, y: take(3 * scale + 2 * pad) + pad, width: Math.max(1, width - 2 * pad), height: 3 * scale };
  const values = take(lineHeight);
  const unseenAt = unseen ? take(lineHeight) : undefined;
  const timelineHeight = 3 * scale + 2;
  const timelineY = take(timelineHeight + scale) + scale; // a row above it for the playhead's top
  const bandHeight = y - height + ((y - height) % 2);
  return {
    scale,
    pad,
    lineHeight,
    top: height,
    height: bandHeight,
    title,
    label,
    bar,
    values,
    unseen: unseenAt,
    timeline: { y: timelineY, height: timelineHeight },
    marker: { cx: width - pad - r - 1, cy: label + (lineHeight >> 1), r },
  };
}

/** Rows added under the picture for the stamps: 0 from 160×120 up (they are drawn over it). */
export function stampBandHeight(width: number, height: number, titled: boolean, unseen: boolean): number {
  return stampsBelow(width, height) ? bandLayout(width, height, titled, unseen).height : 0;
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

/** A solid black rectangle: the band under a tiny picture, redrawn every frame under its stamps. */
function band(width: number, B: BandLayout): Stamp {
  const st = createStamp(0, B.top, width, B.height);
  fillRect(st, 0, 0, width, B.height, BLACK);
  return st;
}

function bandPlayhead(B: BandLayout): Stamp {
  const playhead = createStamp(0, B.timeline.y - B.scale, Math.max(2, B.scale + 1), B.timeline.height + B.scale);
  fillRect(playhead, 0, 0, playhead.width, playhead.height, WHITE);
  return playhead;
}

/** The sampled-frame disc at the right end of the label line of the band. */
function bandMarker(B: BandLayout): Stamp {
  const { cx, cy, r } = B.marker;
  const st = createStamp(cx - r, cy - r, 2 * r + 1, 2 * r + 1);
  for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) if (x * x + y * y <= r * r) paint(st, x + r, y + r, WHITE);
  return st;
}

/** The timeline of the band: the same bar with its ticks, at the band's bottom row. */
function bandTimeline(width: number, frameCount: number, sampled: readonly number[], B: BandLayout): Stamp {
  return timeline(width, frameCount, sampled, { scale: B.scale, timeline: B.timeline } as VideoLayout);
}

/** A line of text in the band (no shade needed: the band is black), cut with "~" to `maxWidth`. */
function bandText(s: string, x: number, y: number, B: BandLayout, maxWidth: number): Stamp {
  return textLine(s, x, y, { scale: B.scale, pad: B.pad, lineHeight: B.lineHeight } as VideoLayout, maxWidth);
}


function bandOriginal(width: number, height: number, frameCount: number, sampled: readonly number[], title: string, unseen: boolean): PanelStamps {
  const B = bandLayout(width, height, true, unseen);
  return { always: [band(width, B), bandText(title, 0, B.title as number, B, width), bandTimeline(width, frameCount, sampled, B)], sampled: bandMarker(B), playhead: bandPlayhead(B) };
}

function bandPanel(width: number, height: number, frameCount: number, sampled: readonly number[], colormap: Uint8Array, t: PanelText): PanelStamps {
  const B = bandLayout(width, height, t.title !== undefined, t.unseen);
  const always: Stamp[] = [band(width, B)];
  if (t.title !== undefined) always.push(bandText(t.title, 0, B.title as number, B, width));
  always.push(bandText(`${t.label.name} ${(t.label.probability * 100).toFixed(1)}%`, 0, B.label, B, width - 2 * B.marker.r - 2 * B.pad - 1));
  const bar = createStamp(B.bar.x, B.bar.y, B.bar.width, B.bar.height);
  for (let x = 0; x < bar.width; x++) {
    const ci = Math.round((bar.width > 1 ? x / (bar.width - 1) : 1) * 255) * 3;
    fillRect(bar, x, 0, 1, bar.height, [colormap[ci], colormap[ci + 1], colormap[ci + 2]]);
  }
  always.push(bar);
  const lo = fmtValue(t.lo);
  const hi = fmtValue(t.hi);
  always.push(bandText(lo, 0, B.values, B, width));
  const hiX = Math.max(textWidth(lo, B.scale) + 3 * B.pad, width - textWidth(hi, B.scale) - 2 * B.pad);
  always.push(bandText(hi, hiX, B.values, B, width - hiX));
  if (t.unseen) always.push(bandText('hatched: not seen', 0, B.unseen as number, B, width));
  always.push(bandTimeline(width, frameCount, sampled, B));
  return { always, sampled: bandMarker(B), playhead: bandPlayhead(B) };
}

/** The plain video's panel (side by side with a map): its title, the timeline with its ticks and playhead, the sampled marker. */
export function originalStamps(width: number, height: number, frameCount: number, sampled: readonly number[], title: string, unseen = false): PanelStamps {
  if (stampsBelow(width, height)) return bandOriginal(width, height, frameCount, sampled, title, unseen);
  const L = videoLayout(width, height, true);
  const playhead = createStamp(0, L.timeline.y - L.scale, Math.max(2, L.scale + 1), L.timeline.height + L.scale);
  fillRect(playhead, 0, 0, playhead.width, playhead.height, WHITE);
  return { always: [textLine(title, 0, 0, L, width), timeline(width, frameCount, sampled, L)], sampled: sampledMarker(L), playhead };
}

export function panelStamps(width: number, height: number, frameCount: number, sampled: readonly number[], colormap: Uint8Array, t: PanelText): PanelStamps {
  if (stampsBelow(width, height)) return bandPanel(width, height, frameCount, sampled, colormap, t);
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

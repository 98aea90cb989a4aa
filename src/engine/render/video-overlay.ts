/**
 * The annotated MP4: the ORIGINAL video at its own (upright) size, frame count, timestamps and SAR,
 * every frame blended with the saliency of the nearest sampled frame (video-map.ts), carried back
 * through the inverse of the preprocessing (outside the model's window hatched as "not seen"),
 * one colour scale for the whole clip, a colour bar, the label and confidence in an embedded
 * bitmap font, a timeline with a tick per sampled frame and a playhead, and a marker on the frames
 * the model sampled; optionally prior | refined side by side (double width). Under 160×120 the
 * picture is left as blended and those annotations go to a black band under it (video-stamps.ts):
 * the MP4 is then taller than the video by stampBandHeight rows.
 *
 * Streams: one decoded frame and two output frames in memory, whatever the video's length. What is
 * constant is prepared once per clip (axis taps, blend table, stamps); each sampled frame's map is
 * resampled once, when the first video frame that shows it arrives (frames come in order and the
 * nearest-sample slot only grows). The encoder writes to a temporary name and renames on success,
 * so a cancelled or failed export leaves no MP4.
 */
import { BorexError, throwIfCancelled, usageError } from '../errors.ts';
import type { InputGeometry } from '../image/preprocess.ts';
import { createVideoWriter, streamFrames, type EncodeResult, type VideoInfo, type VideoWriter } from '../media/video/index.ts';
import { ProgressReporter, type ProgressListener } from '../progress.ts';
import { applyStamp, blendFrame, blendTable, premultiply } from './blend.ts';
import { colormapTable, type ColormapName } from './colormap.ts';
import { clipRange, nearestSampled, timelineX, VideoMapResampler } from './video-map.ts';
import { originalStamps, panelStamps, stampBandHeight, type PanelStamps } from './video-stamps.ts';

export interface AnnotatedVideoOptions {
  /** The video file, as given by the user (named in messages). */
  video: string;
  /** probeVideo(video). */
  info: VideoInfo;
  /** [T, H, W] float32 at the model's input resolution (geometry.height × geometry.width), frame-major. */
  saliency: Float32Array;
  /** The T video frame indices the model sampled, ascending. */
  frameIndices: readonly number[];
  /** The model's window in video (stored) pixels, shared by all frames. */
  geometry: InputGeometry;
  label: { name: string; probability: number };
  colormap?: ColormapName;
  /** Opacity of the map, 0..1; default 0.5. */
  opacity?: number;
  /** Scale symmetric about 0 (signed maps, with the diverging colour map); default false. */
  symmetric?: boolean;
  /**
   * Two panels, each with its title: prior (left) | refined (right), each with its own clip-global
   * scale; or, with `original`, the plain video (left) | the map (right).
   */
  sideBySide?: { prior: Float32Array; titles: [string, string] } | { original: true; titles: [string, string] };
  out: string;
  /** libx264 preset; default veryfast below 1280×720 output pixels, superfast from there (speed target). */
  preset?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

interface Panel {
  /** Undefined: the plain video (no blend). */
  map?: Float32Array;
  lo: number;
  hi: number;
  stamps: PanelStamps;
  /** The current sampled frame's map as blend entries, then premultiplied (blend.ts). */
  entries: Uint16Array;
  pre: Uint8Array;
}

function check(o: AnnotatedVideoOptions): { T: number; plane: number } {
  const { info, geometry: g, frameIndices } = o;
  const T = frameIndices.length;
  const plane = g.width * g.height;
  if (T === 0) throw usageError(`${o.video}: no sampled frames were given for the export`);
  if (g.photoWidth !== info.width || g.photoHeight !== info.height) {
    throw usageError(`${o.video}: the model window was computed for ${g.photoWidth}×${g.photoHeight}, but the video is ${info.width}×${info.height}`);
  }
  for (let t = 0; t < T; t++) {
    const k = frameIndices[t];
    if (!Number.isInteger(k) || k < 0 || k >= info.frameCount || (t > 0 && k <= frameIndices[t - 1])) {
      throw usageError(`${o.video}: sampled frame ${k} (position ${t}) is not an ascending frame index below ${info.frameCount}`);
    }
  }
  const maps: [string, Float32Array][] = [['saliency', o.saliency], ...(o.sideBySide && 'prior' in o.sideBySide ? [['prior', o.sideBySide.prior] as [string, Float32Array]] : [])];
  for (const [name, m] of maps) {
    if (m.length !== T * plane) throw usageError(`${o.video}: the ${name} map has ${m.length} values, expected T×H×W = ${T}×${g.height}×${g.width}`);
    if (!m.every(Number.isFinite)) throw new BorexError('runtime', `${o.video}: the ${name} map has non-finite values`);
  }
  return { T, plane };
}

/** Writes the annotated MP4 to `o.out`; resolves with what the encoder wrote. */
export async function exportAnnotatedVideo(o: AnnotatedVideoOptions): Promise<EncodeResult> {
  throwIfCancelled(o.signal);
  const { T, plane } = check(o);
  const { info, geometry } = o;
  const W = info.width;
  const H = info.height;
  const N = info.frameCount;
  const colormap = colormapTable(o.colormap ?? 'turbo');
  const table = blendTable(colormap, o.opacity ?? 0.5);
  const resampler = new VideoMapResampler(geometry);
  const slotOf = nearestSampled(info.pts, o.frameIndices);
  const isSampled = new Uint8Array(N);
  for (const k of o.frameIndices) isSampled[k] = 1;

  const sources: { map?: Float32Array; title?: string }[] = o.sideBySide
    ? [{ map: 'prior' in o.sideBySide ? o.sideBySide.prior : undefined, title: o.sideBySide.titles[0] }, { map: o.saliency, title: o.sideBySide.titles[1] }]
    : [{ map: o.saliency, title: undefined }];
  const panels: Panel[] = sources.map(({ map, title }) => {
    if (!map) return { lo: 0, hi: 0, stamps: originalStamps(W, H, N, o.frameIndices, title ?? 'original', resampler.hasUnseen), entries: new Uint16Array(0), pre: new Uint8Array(0) };
    const [lo, hi] = clipRange(map, o.symmetric ?? false);
    const stamps = panelStamps(W, H, N, o.frameIndices, colormap, { title, label: o.label, lo, hi, unseen: resampler.hasUnseen });
    return { map, lo, hi, stamps, entries: new Uint16Array(W * H), pre: new Uint8Array(W * H * 3) };
  });
  const seen = resampler.seenRect;
  const outW = W * panels.length;
  // A tiny video keeps its picture: the stamps go to a band of `band` rows under it (video-stamps.ts).
  const band = stampBandHeight(W, H, o.sideBySide !== undefined, resampler.hasUnseen);
  const outH = H + band;
  const frameBytes = outW * outH * 3;
  // Two output frames: one is being piped to the encoder while the next is blended.
  const outputs = [new Uint8Array(frameBytes), new Uint8Array(frameBytes)];
  // Side by side: each panel is blended in the decoded frame's own layout (the word-wise blend
  // needs equal byte alignment), then its rows are copied into the double-width frame.
  const panelBuffer = panels.length > 1 ? new Uint8Array(W * H * 3) : undefined;
  const row = W * 3;

  const writer: VideoWriter = await createVideoWriter(o.out, {
    width: outW,
    height: outH,
    sar: info.sar,
    fps: info.avgFrameRate ?? info.rFrameRate ?? 25,
    timestamps: info.variableFrameRate ? info.pts : undefined,
    totalFrames: N,
    preset: o.preset ?? (outW * H >= 1280 * 720 ? 'superfast' : 'veryfast'),
    signal: o.signal,
  });
  const progress = new ProgressReporter('export', N, o.onProgress);
  const every = Math.max(1, Math.floor(N / 100));
  let slot = -1;
  let pending: Promise<void> = Promise.resolve();
  try {
    for await (const frame of streamFrames(o.video, undefined, { info, reuse: true, signal: o.signal })) {
      const k = frame.index;
      if (slotOf[k] !== slot) {
        slot = slotOf[k];
        for (const p of panels) if (p.map) premultiply(resampler.entries(p.map.subarray(slot * plane, (slot + 1) * plane), p.lo, p.hi, p.entries), table, p.pre);
      }
      const out = outputs[k & 1];
      for (let i = 0; i < panels.length; i++) {
        const p = panels[i];
        const x = i * W;
        if (!p.map) {
          // The plain video: its rows as decoded (only side by side, so always with a second panel).
          for (let y = 0; y < H; y++) out.set(frame.data.subarray(y * row, (y + 1) * row), (y * outW + x) * 3);
        } else if (panelBuffer) {
          blendFrame(frame.data, p.pre, panelBuffer, W, H, seen, table);
          for (let y = 0; y < H; y++) out.set(panelBuffer.subarray(y * row, (y + 1) * row), (y * outW + x) * 3);
        } else {
          blendFrame(frame.data, p.pre, out, W, H, seen, table);
        }
        // (In a band, its first stamp is the band's opaque black: last frame's playhead is gone.)
        for (const s of p.stamps.always) applyStamp(out, outW, outH, s, x);
        if (isSampled[k]) applyStamp(out, outW, outH, p.stamps.sampled, x);
        const head = p.stamps.playhead;
        head.x = Math.min(Math.max(timelineX(k, N, W) - (head.width >> 1), 0), W - head.width);
        applyStamp(out, outW, outH, head, x);
      }
      await pending;
      pending = writer.write(out);
      pending.catch(() => {}); // awaited on the next frame; never an unhandled rejection meanwhile
      if ((k + 1) % every === 0 || k + 1 === N) progress.report(k + 1);
    }
    await pending;
  } catch (err) {
    await pending.catch(() => {});
    await writer.abort();
    throw err;
  }
  return writer.end();
}

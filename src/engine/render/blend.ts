/**
 * Integer alpha blending for video frames. Everything that does not change from frame to frame is
 * turned into tables once per clip, so the per-frame work is one pass of integer multiply-adds,
 * four bytes at a time: no floats, no allocation (a naive per-pixel float blend cost 49 ms a frame
 * at 720p, video.md).
 *
 * A map pixel is first an ENTRY (0–255: colour-map level; HATCH/DIM: the two looks of a pixel the
 * model never saw, as in the image overlay: hatched stripes, the rest dimmed). Once per sampled
 * frame the entries become a PREMULTIPLIED frame `pre` (colour·alpha, rounded), and every video
 * frame is then out = ((src·keep) >> 8) + pre, with keep = 256 − alpha inside the model's window,
 * DIM_KEEP outside, 0 on the stripes. floor(src·keep/256) + round(col·alpha/256) ≤ 255, so bytes
 * never carry into each other and four of them go through one 32-bit multiply (SWAR).
 */

export const HATCH_ENTRY = 256;
export const DIM_ENTRY = 257;
export const BLEND_ENTRIES = 258;

/** Grey of the hatch stripes and the factor unseen pixels are dimmed by (the image overlay's 90 and 0.45). */
export const HATCH_GREY = 90;
export const DIM_KEEP = Math.round(0.45 * 256);

export interface BlendTable {
  /** Weight of the video pixel inside the model's window, 0..256 (= 256 − alpha). */
  keep: number;
  /** Premultiplied colour per entry and channel (entry·3 + c): round(colour·alpha/256); HATCH 90, DIM 0. */
  pre: Uint8Array;
}

/** The blend table for a colour map (256 RGB entries) drawn at `opacity` (0..1). */
export function blendTable(colormap: Uint8Array, opacity: number): BlendTable {
  const alpha = Math.round(Math.min(Math.max(opacity, 0), 1) * 256);
  const pre = new Uint8Array(BLEND_ENTRIES * 3);
  for (let i = 0; i < 768; i++) pre[i] = (colormap[i] * alpha + 128) >> 8;
  pre.fill(HATCH_GREY, HATCH_ENTRY * 3, HATCH_ENTRY * 3 + 3);
  return { keep: 256 - alpha, pre };
}

/** The premultiplied frame (width·height·3 bytes, rgb24 layout) of one sampled frame's entries. */
export function premultiply(entries: Uint16Array, table: BlendTable, out: Uint8Array): Uint8Array {
  const { pre } = table;
  for (let i = 0, o = 0; i < entries.length; i++, o += 3) {
    const e = entries[i] * 3;
    out[o] = pre[e];
    out[o + 1] = pre[e + 1];
    out[o + 2] = pre[e + 2];
  }
  return out;
}

/** The part of the frame the model saw: columns [x0, x1), rows [y0, y1) (empty when x0 ≥ x1). */
export interface SeenRect {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * Bytes [b0, b1) of out = ((src·keep) >> 8) + pre. src, pre and out share one layout (byte offsets
 * agree mod 4), so after a few head bytes the middle runs on Uint32 words: the two 16-bit lanes of
 * (w & 0x00ff00ff)·keep hold bytes 0 and 2 (each ≤ 255·256, no overflow), (w >>> 8 & …)·keep bytes 1, 3.
 */
function scaleAdd(src: Uint8Array, s32: Uint32Array, pre: Uint8Array, p32: Uint32Array, out: Uint8Array, o32: Uint32Array, b0: number, b1: number, keep: number): void {
  let b = b0;
  const head = Math.min(b1, (b0 + 3) & ~3);
  for (; b < head; b++) out[b] = ((src[b] * keep) >> 8) + pre[b];
  const wordEnd = b1 & ~3;
  for (let w = b >> 2, end = wordEnd >> 2; w < end; w++) {
    const v = s32[w];
    const lo = (Math.imul(v & 0x00ff00ff, keep) >>> 8) & 0x00ff00ff;
    const hi = Math.imul((v >>> 8) & 0x00ff00ff, keep) & 0xff00ff00;
    o32[w] = (lo | hi) + p32[w];
  }
  for (b = Math.max(b, wordEnd); b < b1; b++) out[b] = ((src[b] * keep) >> 8) + pre[b];
}

/** Word views of a byte array whose buffer starts at a 4-byte boundary (length rounded down). */
export function words(a: Uint8Array): Uint32Array {
  if (a.byteOffset % 4) throw new Error('blend buffers must start at a 4-byte boundary');
  return new Uint32Array(a.buffer, a.byteOffset, a.length >> 2);
}

/**
 * Blends one rgb24 frame (width × height) into `out` (same size and layout): inside `seen` with
 * the premultiplied map `pre` and table.keep, outside dimmed, with hatch stripes where
 * (x + y) mod 12 < 2 (as the image overlay). `pre` holds 0 outside `seen` (premultiply of DIM).
 */
export function blendFrame(src: Uint8Array, pre: Uint8Array, out: Uint8Array, width: number, height: number, seen: SeenRect, table: BlendTable): void {
  const s32 = words(src);
  const p32 = words(pre);
  const o32 = words(out);
  const row = width * 3;
  const inside = seen.x1 > seen.x0;
  for (let y = 0; y < height; y++) {
    const r = y * row;
    if (inside && y >= seen.y0 && y < seen.y1) {
      scaleAdd(src, s32, pre, p32, out, o32, r, r + seen.x0 * 3, DIM_KEEP);
      scaleAdd(src, s32, pre, p32, out, o32, r + seen.x0 * 3, r + seen.x1 * 3, table.keep);
      scaleAdd(src, s32, pre, p32, out, o32, r + seen.x1 * 3, r + row, DIM_KEEP);
      hatch(out, r, y, 0, seen.x0);
      hatch(out, r, y, seen.x1, width);
    } else {
      scaleAdd(src, s32, pre, p32, out, o32, r, r + row, DIM_KEEP);
      hatch(out, r, y, 0, width);
    }
  }
}

/** Stripe pixels of row y between columns [x0, x1): (x + y) mod 12 ∈ {0, 1}, set to HATCH_GREY. */
function hatch(out: Uint8Array, rowStart: number, y: number, x0: number, x1: number): void {
  for (let x = x0 + ((((-y - x0) % 12) + 12) % 12) - 12; x < x1; x += 12) {
    for (let d = 0; d < 2; d++) {
      const xx = x + d;
      if (xx < x0 || xx >= x1) continue;
      const o = rowStart + xx * 3;
      out[o] = out[o + 1] = out[o + 2] = HATCH_GREY;
    }
  }
}

/** An RGBA patch drawn over frames: colour bars, text, markers. Alpha is 0..256 (256 = opaque). */
export interface Stamp {
  x: number;
  y: number;
  width: number;
  height: number;
  rgb: Uint8Array;
  alpha: Uint16Array;
}

export function createStamp(x: number, y: number, width: number, height: number): Stamp {
  const w = Math.max(0, Math.round(width));
  const h = Math.max(0, Math.round(height));
  return { x: Math.round(x), y: Math.round(y), width: w, height: h, rgb: new Uint8Array(w * h * 3), alpha: new Uint16Array(w * h) };
}

/** Paints one stamp pixel (stamp coordinates; outside is ignored) with colour `rgb` at `alpha` 0..256. */
export function paint(stamp: Stamp, x: number, y: number, rgb: readonly number[], alpha = 256): void {
  if (x < 0 || y < 0 || x >= stamp.width || y >= stamp.height) return;
  const i = y * stamp.width + x;
  stamp.alpha[i] = alpha;
  stamp.rgb[i * 3] = rgb[0];
  stamp.rgb[i * 3 + 1] = rgb[1];
  stamp.rgb[i * 3 + 2] = rgb[2];
}

export function fillRect(stamp: Stamp, x: number, y: number, w: number, h: number, rgb: readonly number[], alpha = 256): void {
  for (let yy = Math.max(0, y); yy < Math.min(stamp.height, y + h); yy++) {
    for (let xx = Math.max(0, x); xx < Math.min(stamp.width, x + w); xx++) paint(stamp, xx, yy, rgb, alpha);
  }
}

/** Draws a stamp over `out` (outWidth × outHeight rgb24), clipped to the frame; alpha 0 pixels are skipped. */
export function applyStamp(out: Uint8Array, outWidth: number, outHeight: number, stamp: Stamp, xOffset = 0): void {
  const x0 = stamp.x + xOffset;
  for (let sy = 0; sy < stamp.height; sy++) {
    const y = stamp.y + sy;
    if (y < 0 || y >= outHeight) continue;
    for (let sx = 0; sx < stamp.width; sx++) {
      const x = x0 + sx;
      const si = sy * stamp.width + sx;
      const a = stamp.alpha[si];
      if (a === 0 || x < 0 || x >= outWidth) continue;
      const o = (y * outWidth + x) * 3;
      const k = 256 - a;
      out[o] = (out[o] * k + stamp.rgb[si * 3] * a + 128) >> 8;
      out[o + 1] = (out[o + 1] * k + stamp.rgb[si * 3 + 1] * a + 128) >> 8;
      out[o + 2] = (out[o + 2] * k + stamp.rgb[si * 3 + 2] * a + 128) >> 8;
    }
  }
}

/** The export's integer blend: exact against a scalar reference, alignment heads and tails included. */
import { describe, expect, it } from 'vitest';
import { applyStamp, blendFrame, blendTable, createStamp, DIM_ENTRY, DIM_KEEP, fillRect, HATCH_ENTRY, HATCH_GREY, premultiply } from '../../../src/engine/render/blend.ts';
import { colormapTable } from '../../../src/engine/render/colormap.ts';

/** A deterministic pseudo-random byte stream (no Math.random: failures reproduce). */
function bytes(n: number, seed: number): Uint8Array {
  const a = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s >>> 24;
  }
  return a;
}

describe('blend table', () => {
  it('opacity 0.5: video weight 128, colours halved with rounding; hatch grey, dim black', () => {
    const cmap = colormapTable('turbo');
    const t = blendTable(cmap, 0.5);
    expect(t.keep).toBe(128);
    expect(Array.from(t.pre.subarray(255 * 3, 256 * 3))).toEqual([0, 1, 2].map((c) => Math.round(cmap[255 * 3 + c] / 2 + 1e-9)));
    expect(Array.from(t.pre.subarray(HATCH_ENTRY * 3, HATCH_ENTRY * 3 + 3))).toEqual([HATCH_GREY, HATCH_GREY, HATCH_GREY]);
    expect(Array.from(t.pre.subarray(DIM_ENTRY * 3, DIM_ENTRY * 3 + 3))).toEqual([0, 0, 0]);
    expect(blendTable(cmap, 1).keep).toBe(0);
    expect(blendTable(cmap, 0).pre.subarray(0, 768).every((v) => v === 0)).toBe(true);
  });
});

describe('blendFrame', () => {
  it.each([
    [37, 11, { x0: 5, x1: 30, y0: 2, y1: 9 }, 0.5],
    [40, 8, { x0: 0, x1: 40, y0: 0, y1: 8 }, 0.7],
    [13, 9, { x0: 0, x1: 0, y0: 0, y1: 0 }, 0.5],
    [21, 6, { x0: 1, x1: 2, y0: 5, y1: 6 }, 0.3],
  ])('%i×%i, seen %o: equals (src·keep >> 8) + pre inside, dimmed and hatched outside', (W, H, seen, opacity) => {
    const cmap = colormapTable('jet');
    const table = blendTable(cmap, opacity);
    const src = bytes(W * H * 3, W * 31 + H);
    const entries = new Uint16Array(W * H);
    const levels = bytes(W * H, 7);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inside = x >= seen.x0 && x < seen.x1 && y >= seen.y0 && y < seen.y1;
        entries[y * W + x] = inside ? levels[y * W + x] : (x + y) % 12 < 2 ? HATCH_ENTRY : DIM_ENTRY;
      }
    }
    const pre = premultiply(entries, table, new Uint8Array(W * H * 3));
    const out = new Uint8Array(W * H * 3).fill(7);
    blendFrame(src, pre, out, W, H, seen, table);
    let checked = 0;
    for (let i = 0; i < W * H; i++) {
      const e = entries[i];
      for (let c = 0; c < 3; c++) {
        const s = src[i * 3 + c];
        const want = e === HATCH_ENTRY ? HATCH_GREY : e === DIM_ENTRY ? (s * DIM_KEEP) >> 8 : ((s * table.keep) >> 8) + table.pre[e * 3 + c];
        if (out[i * 3 + c] !== want) throw new Error(`pixel ${i} channel ${c}: ${out[i * 3 + c]} ≠ ${want}`);
        checked++;
      }
    }
    expect(checked).toBe(W * H * 3);
  });

  it('never carries between bytes: white video under the top colour at every opacity stays ≤ 255 and exact', () => {
    const cmap = colormapTable('turbo');
    for (const opacity of [0, 0.1, 0.5, 0.9, 1]) {
      const table = blendTable(cmap, opacity);
      const src = new Uint8Array(8 * 4 * 3).fill(255);
      const pre = premultiply(new Uint16Array(32).fill(255), table, new Uint8Array(96));
      const out = new Uint8Array(96);
      blendFrame(src, pre, out, 8, 4, { x0: 0, x1: 8, y0: 0, y1: 4 }, table);
      for (let c = 0; c < 3; c++) expect(out[c]).toBe(((255 * table.keep) >> 8) + table.pre[255 * 3 + c]);
      // Opacity is quantised to 1/256 (0.1 → 26/256) and each term rounded: within 1.5 of the float blend.
      expect(Math.abs(out[0] - (255 * (1 - opacity) + cmap[765] * opacity))).toBeLessThanOrEqual(1.5);
    }
  });
});

describe('stamps', () => {
  it('opaque pixels replace, half alpha averages, alpha 0 and the outside are untouched', () => {
    const out = new Uint8Array(4 * 3 * 3).fill(100);
    const st = createStamp(2, 1, 3, 2); // reaches one column past the right edge
    fillRect(st, 0, 0, 1, 1, [10, 20, 30]);
    fillRect(st, 1, 0, 2, 1, [200, 200, 200], 128);
    applyStamp(out, 4, 3, st);
    const px = (x: number, y: number) => Array.from(out.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3));
    expect(px(2, 1)).toEqual([10, 20, 30]);
    expect(px(3, 1)).toEqual([150, 150, 150]);
    expect(px(2, 2)).toEqual([100, 100, 100]);
    expect(px(0, 0)).toEqual([100, 100, 100]);
    expect(out.filter((v) => v !== 100).length).toBe(6);
    applyStamp(out, 4, 3, st, 4); // shifted off the frame: nothing drawn
    expect(out.filter((v) => v !== 100).length).toBe(6);
  });
});

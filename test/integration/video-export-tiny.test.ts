/**
 * The annotated export of a tiny video (64×64): the 5×7 font, colour bar and timeline drawn over
 * it would hide most of the picture, so they go to a black band under it (render/video-stamps.ts).
 * Checked on the pixels: every picture pixel is the blend of the video with its map (the box's top
 * colour inside, the bottom colour outside), none is a stamp; the band holds the label's white
 * text, the colour bar from the bottom colour (left) to the top (right), the sampled-frame disc on
 * exactly the sampled frames and a playhead that walks the timeline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputGeometry } from '../../src/engine/image/preprocess.ts';
import { decodeFrames, encodeVideo, probeVideo, streamFrames, type VideoInfo } from '../../src/engine/media/video/index.ts';
import { colormapTable } from '../../src/engine/render/colormap.ts';
import { exportAnnotatedVideo, type AnnotatedVideoOptions } from '../../src/engine/render/video-overlay.ts';
import { bandLayout, stampBandHeight, stampsBelow } from '../../src/engine/render/video-stamps.ts';
import { removeTempDirs, tempDir } from '../helpers/cli.ts';

const W = 64;
const H = 64;
const N = 16;
const GREY = 128;
const sampled = [1, 6, 9, 14];
// Model input 16×16 stretched over the frame; map 1 in x∈[4,12), y∈[4,8) = video x∈[16,48), y∈[16,32).
const g: InputGeometry = { photoWidth: W, photoHeight: H, resizedWidth: 16, resizedHeight: 16, cropLeft: 0, cropTop: 0, width: 16, height: 16 };
const box = new Float32Array(sampled.length * 16 * 16);
for (let t = 0; t < sampled.length; t++) for (let y = 4; y < 8; y++) for (let x = 4; x < 12; x++) box[(t * 16 + y) * 16 + x] = 1;
const turbo = colormapTable('turbo');
const blendOf = (level: number) => [0, 1, 2].map((c) => GREY * 0.5 + turbo[level * 3 + c] * 0.5);
const near = (got: ArrayLike<number>, want: number[], tol = 14) => Array.from(got).every((v, c) => Math.abs(v - want[c]) <= tol);

let dir: string;
let clip: string;
let info: VideoInfo;
const base = (out: string): AnnotatedVideoOptions => ({ video: clip, info, saliency: box, frameIndices: sampled, geometry: g, label: { name: 'box', probability: 0.5 }, out });

beforeAll(async () => {
  dir = tempDir('borex-video-tiny-');
  clip = path.join(dir, 'tiny.mp4');
  await encodeVideo(clip, Array.from({ length: N }, () => new Uint8Array(W * H * 3).fill(GREY)), { width: W, height: H, fps: 25 });
  info = await probeVideo(clip);
}, 60_000);

afterAll(() => removeTempDirs());

describe('the export of a 64×64 video', () => {
  it('puts the stamps in a band under the picture: every picture pixel is the map blended over the video', async () => {
    expect([stampsBelow(64, 64), stampsBelow(160, 120), stampsBelow(159, 200), stampsBelow(320, 119)]).toEqual([true, false, true, true]);
    const band = stampBandHeight(W, H, false, false);
    expect(band).toBe(36); // label 11 + bar 7 + values 11 + timeline 6, made even
    const out = path.join(dir, 'tiny.annotated.mp4');
    await exportAnnotatedVideo(base(out));
    const back = await probeVideo(out);
    expect([back.width, back.height, back.frameCount]).toEqual([W, H + band, N]);
    const frames = await decodeFrames(out, [0, 1, 9, 15], { info: back });
    const inside = blendOf(255);
    const outside = blendOf(0);
    for (const [n, f] of frames.entries()) {
      const wrong: string[] = [];
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          // One model pixel (4 video pixels) around the box edge is interpolated; the rest is exact.
          const inBox = x >= 18 && x < 46 && y >= 18 && y < 30;
          const outBox = x < 12 || x >= 52 || y < 12 || y >= 36;
          const px = f.subarray((y * W + x) * 3, (y * W + x) * 3 + 3);
          if ((inBox && !near(px, inside)) || (outBox && !near(px, outside))) wrong.push(`(${x},${y})=${Array.from(px)}`);
        }
      expect(wrong.slice(0, 5), `frame ${n}: ${wrong.length} picture pixels are not the blend`).toEqual([]);
    }
    expect(Math.max(...inside.map((v, c) => Math.abs(v - outside[c])))).toBeGreaterThan(40);
  });

  it('the band holds the label, the colour bar low → high, the sampled disc on the sampled frames, the playhead', async () => {
    const out = path.join(dir, 'tiny.band.mp4');
    await exportAnnotatedVideo(base(out));
    const back = await probeVideo(out);
    const B = bandLayout(W, H, false, false);
    const at = (f: Uint8Array, x: number, y: number) => f.subarray((y * W + x) * 3, (y * W + x) * 3 + 3);
    const marked: number[] = [];
    const playhead: number[] = [];
    for await (const fr of streamFrames(out, undefined, { info: back, reuse: true })) {
      const f = fr.data;
      // The label's line has white ink; the bar runs from turbo(0) to turbo(255).
      let ink = 0;
      for (let y = B.label; y < B.label + B.lineHeight; y++) for (let x = 0; x < 30; x++) if (at(f, x, y).every((v) => v > 200)) ink++;
      expect(ink).toBeGreaterThan(20);
      // (A 3-row bar on black: chroma subsampling shifts its colours, so: nearer which end.)
      const barY = B.bar.y + 1;
      const dist = (p: ArrayLike<number>, level: number) => Math.hypot(...[0, 1, 2].map((c) => p[c] - turbo[level * 3 + c]));
      const left = at(f, B.bar.x + 1, barY);
      const right = at(f, B.bar.x + B.bar.width - 2, barY);
      expect([dist(left, 0) < dist(left, 255), dist(right, 255) < dist(right, 0), dist(right, 255) < 40]).toEqual([true, true, true]);
      if (Array.from(at(f, B.marker.cx, B.marker.cy)).every((v) => v > 200)) marked.push(fr.index);
      else expect(Array.from(at(f, B.marker.cx, B.marker.cy)).every((v) => v < 60)).toBe(true);
      const y = B.timeline.y + (B.timeline.height >> 1);
      let best = 0;
      for (let x = 0; x < W; x++) if (f[(y * W + x) * 3 + 2] > f[(y * W + best) * 3 + 2]) best = x;
      playhead.push(best);
    }
    expect(marked).toEqual(sampled);
    expect(playhead[0]).toBeLessThan(3);
    expect(playhead[N - 1]).toBeGreaterThan(W - 4);
    for (let k = 1; k < N; k++) expect(playhead[k]).toBeGreaterThan(playhead[k - 1]);
    fs.rmSync(out);
  });

  it('side by side: both panels share one band (titled), the pictures untouched', async () => {
    const out = path.join(dir, 'tiny.sbs.mp4');
    const prior = box.map((v) => 1 - v);
    await exportAnnotatedVideo({ ...base(out), sideBySide: { prior, titles: ['prior', 'refined'] } });
    const back = await probeVideo(out);
    expect([back.width, back.height]).toEqual([2 * W, H + stampBandHeight(W, H, true, false)]);
    const [f] = await decodeFrames(out, [9], { info: back });
    const at = (x: number, y: number) => f.subarray((y * 2 * W + x) * 3, (y * 2 * W + x) * 3 + 3);
    // Top-left corners were under the title and label before: now the plain blend.
    for (const [x, y] of [[2, 2], [20, 6], [W + 2, 2], [W + 20, 6]]) expect(Array.from(at(x, y)), `(${x},${y})`).toSatisfy((p: number[]) => near(p, blendOf(x < W ? 255 : 0)));
    expect(Array.from(at(30, 24))).toSatisfy((p: number[]) => near(p, blendOf(0)));
    expect(Array.from(at(W + 30, 24))).toSatisfy((p: number[]) => near(p, blendOf(255)));
  });
});

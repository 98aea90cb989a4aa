/**
 * The annotated MP4 and the H.264 proxy, read back through the video layer: frame count, size,
 * duration and SAR of real clips; colours of a known map on a flat grey clip; the sampled-frame
 * marker on exactly the sampled frames; side by side; cancel leaves nothing behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BorexError } from '../../src/engine/errors.ts';
import type { InputGeometry } from '../../src/engine/image/preprocess.ts';
import { decodeFrames, encodeVideo, probeVideo, streamFrames, type VideoInfo } from '../../src/engine/media/video/index.ts';
import { makeProxy } from '../../src/engine/media/video/proxy.ts';
import { colormapTable } from '../../src/engine/render/colormap.ts';
import { exportAnnotatedVideo, type AnnotatedVideoOptions } from '../../src/engine/render/video-overlay.ts';
import { videoLayout } from '../../src/engine/render/video-stamps.ts';
import { asset, assetStatus } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';

const work = tempDir('video-export-');
const turbo = colormapTable('turbo');
const uniform = (n: number, T: number) => Array.from({ length: T }, (_, t) => Math.round(((t + 0.5) * n) / T - 0.5));

/** torchvision Resize(256) + CenterCrop(224) on a W×H frame. */
function cropGeometry(W: number, H: number): InputGeometry {
  const s = 256 / Math.min(W, H);
  const rw = Math.round(W * s);
  const rh = Math.round(H * s);
  return { photoWidth: W, photoHeight: H, resizedWidth: rw, resizedHeight: rh, cropLeft: Math.round((rw - 224) / 2), cropTop: Math.round((rh - 224) / 2), width: 224, height: 224 };
}

const clips = assetStatus('video/mmaction2/demo.mp4', 'video/mmaction2/test.avi');

describe.skipIf(clips.skip).each(['demo.mp4', 'test.avi'])('export of %s', (name) => {
  it('probes to the input frame count, size, SAR and duration (±1 frame), as H.264 the browser plays', async () => {
    const file = asset(`video/mmaction2/${name}`);
    const info = await probeVideo(file);
    const T = 8;
    const saliency = new Float32Array(T * 224 * 224).map((_, i) => (i % 224) / 224 + Math.floor(i / (224 * 224)));
    const out = path.join(work, `${name}.annotated.mp4`);
    const r = await exportAnnotatedVideo({ video: file, info, saliency, frameIndices: uniform(info.frameCount, T), geometry: cropGeometry(info.width, info.height), label: { name: 'arm wrestling', probability: 0.42 }, out });
    const back = await probeVideo(out);
    expect([r.frames, back.frameCount, back.width, back.height, back.codec, back.browserPlayable]).toEqual([info.frameCount, info.frameCount, info.width, info.height, 'h264', true]);
    expect(back.sar).toEqual(info.sar);
    expect(Math.abs(back.duration - info.duration)).toBeLessThanOrEqual(info.frameDurations[0] + 1e-6);
    expect(back.colour).toEqual({ space: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', range: 'tv' });
  });
});

describe('known map on a flat grey clip', () => {
  const W = 160;
  const H = 120;
  const N = 20;
  const GREY = 128;
  const clip = path.join(work, 'grey.mp4');
  const sampled = [2, 7, 11, 17];
  // Model input 32×32, stretched over the whole frame; map 1 in x∈[8,24), y∈[8,16) = video x∈[40,120), y∈[30,60).
  const g: InputGeometry = { photoWidth: W, photoHeight: H, resizedWidth: 32, resizedHeight: 32, cropLeft: 0, cropTop: 0, width: 32, height: 32 };
  const box = new Float32Array(sampled.length * 32 * 32);
  for (let t = 0; t < sampled.length; t++) for (let y = 8; y < 16; y++) for (let x = 8; x < 24; x++) box[(t * 32 + y) * 32 + x] = 1;
  let info: VideoInfo;
  const base = (out: string): AnnotatedVideoOptions => ({ video: clip, info, saliency: box, frameIndices: sampled, geometry: g, label: { name: 'box', probability: 0.5 }, out });
  const rgbAt = (f: Uint8Array, width: number, x: number, y: number) => Array.from(f.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
  const near = (got: number[], want: number[], tol = 12) => got.every((v, c) => Math.abs(v - want[c]) <= tol);
  const blendOf = (level: number) => [0, 1, 2].map((c) => GREY * 0.5 + turbo[level * 3 + c] * 0.5);

  beforeAll(async () => {
    await encodeVideo(clip, Array.from({ length: N }, () => new Uint8Array(W * H * 3).fill(GREY)), { width: W, height: H, fps: 25 });
    info = await probeVideo(clip);
  });

  it('inside the mapped box: the top colour at opacity 0.5; outside: the bottom colour (±12 after H.264)', async () => {
    const out = path.join(work, 'grey.annotated.mp4');
    await exportAnnotatedVideo(base(out));
    const frames = await decodeFrames(out, [0, 9, 19]);
    for (const f of frames) {
      for (const [x, y] of [[80, 45], [50, 35], [110, 55]]) expect(rgbAt(f, W, x, y), `inside (${x},${y})`).toSatisfy((p: number[]) => near(p, blendOf(255)));
      for (const [x, y] of [[90, 90], [20, 80], [140, 100]]) expect(rgbAt(f, W, x, y), `outside (${x},${y})`).toSatisfy((p: number[]) => near(p, blendOf(0)));
    }
    // The two colours really differ, so the checks above can fail.
    expect(Math.max(...blendOf(255).map((v, c) => Math.abs(v - blendOf(0)[c])))).toBeGreaterThan(40);
  });

  it('the sampled-frame marker is on exactly the sampled frames; the playhead walks the timeline', async () => {
    const out = path.join(work, 'grey.marker.mp4');
    await exportAnnotatedVideo(base(out));
    const L = videoLayout(W, H, false);
    const marked: number[] = [];
    const playhead: number[] = [];
    for await (const f of streamFrames(out, undefined, { reuse: true })) {
      const p = rgbAt(f.data, W, L.marker.cx, L.marker.cy);
      if (p.every((v) => v > 230)) marked.push(f.index);
      else expect(p.every((v) => v < 200)).toBe(true);
      // Brightest column of the timeline's middle row = the playhead.
      const y = L.timeline.y + (L.timeline.height >> 1);
      let best = 0;
      for (let x = 0; x < W; x++) if (f.data[(y * W + x) * 3 + 2] > f.data[(y * W + best) * 3 + 2]) best = x;
      playhead.push(best);
    }
    expect(marked).toEqual(sampled);
    expect(playhead[0]).toBeLessThan(3);
    expect(playhead[N - 1]).toBeGreaterThan(W - 4);
    for (let k = 1; k < N; k++) expect(playhead[k]).toBeGreaterThan(playhead[k - 1]);
  });

  it('side by side: double width, prior on the left, refined on the right, each in its own scale', async () => {
    const out = path.join(work, 'grey.sbs.mp4');
    const prior = box.map((v) => 3 * (1 - v)); // the box is low in the prior, its range 0..3
    await exportAnnotatedVideo({ ...base(out), sideBySide: { prior, titles: ['prior', 'refined'] } });
    const back = await probeVideo(out);
    expect([back.width, back.height, back.frameCount]).toEqual([2 * W, H, N]);
    const [f] = await decodeFrames(out, [9]);
    expect(rgbAt(f, 2 * W, 80, 45)).toSatisfy((p: number[]) => near(p, blendOf(0)));
    expect(rgbAt(f, 2 * W, 90, 90)).toSatisfy((p: number[]) => near(p, blendOf(255)));
    expect(rgbAt(f, 2 * W, W + 80, 45)).toSatisfy((p: number[]) => near(p, blendOf(255)));
    expect(rgbAt(f, 2 * W, W + 90, 90)).toSatisfy((p: number[]) => near(p, blendOf(0)));
  });

  it('refuses a map of the wrong size and frame indices that are not ascending, naming the video', async () => {
    const out = path.join(work, 'never.mp4');
    await expect(exportAnnotatedVideo({ ...base(out), saliency: new Float32Array(10) })).rejects.toThrow(/grey\.mp4: the saliency map has 10 values, expected T×H×W = 4×32×32/);
    await expect(exportAnnotatedVideo({ ...base(out), frameIndices: [2, 11, 7, 17] })).rejects.toThrow(/grey\.mp4: sampled frame 7 \(position 2\)/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe.skipIf(clips.skip)('cancel and the proxy', () => {
  const leftovers = (dir: string) => fs.readdirSync(dir);

  it('a cancelled export leaves no MP4 and no temporary file', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'cancel-'));
    const file = asset('video/mmaction2/demo.mp4');
    const info = await probeVideo(file);
    const ac = new AbortController();
    let seen = 0;
    const run = exportAnnotatedVideo({
      video: file, info, saliency: new Float32Array(4 * 224 * 224).fill(0.5), frameIndices: uniform(info.frameCount, 4), geometry: cropGeometry(info.width, info.height),
      label: { name: 'x', probability: 1 }, out: path.join(dir, 'out.mp4'), signal: ac.signal,
      onProgress: (e) => {
        seen = e.done;
        if (e.done >= 30) ac.abort();
      },
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BorexError);
    expect((err as BorexError).kind).toBe('cancelled');
    expect(seen).toBeGreaterThanOrEqual(30);
    expect(seen).toBeLessThan(info.frameCount);
    expect(leftovers(dir)).toEqual([]);
  });

  it('the proxy of test.avi: 164 frames of H.264 the browser plays, same size, SAR and duration', async () => {
    const file = asset('video/mmaction2/test.avi');
    const info = await probeVideo(file);
    expect(info.browserPlayable).toBe(false);
    const out = path.join(work, 'test.proxy.mp4');
    const events: number[] = [];
    const r = await makeProxy(file, info, out, { onProgress: (e) => events.push(e.done) });
    const back = await probeVideo(out);
    expect([r.frames, back.frameCount, back.codec, back.browserPlayable, back.width, back.height]).toEqual([164, 164, 'h264', true, 320, 240]);
    expect(back.sar).toEqual(info.sar);
    expect(Math.abs(back.duration - info.duration)).toBeLessThanOrEqual(info.frameDurations[0] + 1e-6);
    expect(events.at(-1)).toBe(164);
    // Frame content survives: the proxy's frame 100 looks like the source's frame 100 (mean abs difference small).
    const [a] = await decodeFrames(file, [100], { info });
    const [b] = await decodeFrames(out, [100], { info: back });
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
    expect(diff / a.length).toBeLessThan(4);
  });

  it('a cancelled proxy leaves nothing', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'proxy-cancel-'));
    const file = asset('video/mmaction2/test.avi');
    const info = await probeVideo(file);
    const ac = new AbortController();
    const err = await makeProxy(file, info, path.join(dir, 'p.mp4'), { signal: ac.signal, onProgress: (e) => e.done >= 20 && ac.abort() }).catch((e: unknown) => e);
    expect((err as BorexError).kind).toBe('cancelled');
    expect(leftovers(dir)).toEqual([]);
  });
});

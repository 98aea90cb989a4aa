import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../../src/engine/image/preprocess.ts';
import { clipWindows, readClip, uniformFrameIndices, windowFrameIndices } from '../../../src/engine/media/video/clip.ts';
import { decodeFrames, probeVideo, type VideoInfo } from '../../../src/engine/media/video/index.ts';
import { prepareClipInput, prepareVideo } from '../../../src/engine/pipeline/clip-input.ts';
import { itemTarget } from '../../../src/engine/pipeline/item.ts';
import { makeIndexClip, readIndex, WIDTH, HEIGHT } from '../../../tools/video/index-clip.ts';
import { CLIP_SPEC, TubeClassifier } from '../../helpers/synthetic-clip.ts';

describe('frame choice', () => {
  it('uniform: round((i + 0.5)·n/T − 0.5)', () => {
    expect(uniformFrameIndices(16, 16)).toEqual([...Array(16).keys()]);
    expect(uniformFrameIndices(280, 16)).toEqual([8, 26, 43, 61, 78, 96, 113, 131, 148, 166, 183, 201, 218, 236, 253, 271]);
    expect(uniformFrameIndices(10, 4)).toEqual([1, 3, 6, 8]); // 0.75→1, 3.25→3, 5.75→6, 8.25→8
  });

  it('windows of T every S frames, the tail covered by a last window', () => {
    expect(windowFrameIndices(10, 4, 3)).toEqual([[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]);
    expect(windowFrameIndices(11, 4, 3)).toEqual([[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9], [7, 8, 9, 10]]);
    expect(windowFrameIndices(4, 4, 2)).toEqual([[0, 1, 2, 3]]);
  });

  it('refuses a video shorter than T, naming the file', () => {
    const info = { file: '/tmp/x.mp4', frameCount: 12 } as VideoInfo;
    expect(() => clipWindows(info, CLIP_SPEC(16, 8, 8), 'holiday.mp4')).toThrow('holiday.mp4: has 12 frames; the model needs 16');
    expect(clipWindows(info, { ...CLIP_SPEC(4, 8, 8), sampling: { window: 4, stride: 4 } })).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  });
});

describe('clip input from a video', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-clip-'));
  const file = path.join(dir, 'index-25.mp4');
  let info: VideoInfo;
  beforeAll(async () => {
    await makeIndexClip(file, '25', 40);
    info = await probeVideo(file);
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('decodes exactly the sampled frames by index into [3,T,H,W], with their pts', async () => {
    const spec = CLIP_SPEC(8, HEIGHT, WIDTH); // stretch to the stored size, [0,1], mean 0, std 1
    const clip = await readClip(info, spec, uniformFrameIndices(40, 8));
    expect(clip.dims).toEqual([3, 8, HEIGHT, WIDTH]);
    expect(clip.frames).toEqual([2, 7, 12, 17, 22, 27, 32, 37]);
    expect(clip.pts).toEqual(clip.frames.map((k) => k / 25));
    const plane = HEIGHT * WIDTH;
    const rgb = new Uint8Array(plane * 3);
    clip.frames.forEach((k, t) => {
      for (let c = 0; c < 3; c++) for (let i = 0; i < plane; i++) rgb[i * 3 + c] = Math.round(clip.tensor[(c * 8 + t) * plane + i] * 255);
      expect(readIndex(rgb)).toBe(k);
    });
  });

  it('applies valueRange, mean/std and channel order per frame', async () => {
    const frames = [5, 6];
    const plain = await readClip(info, CLIP_SPEC(2, HEIGHT, WIDTH), frames);
    const spec = { ...CLIP_SPEC(2, HEIGHT, WIDTH), valueRange: [0, 255] as [number, number], mean: [10, 20, 30] as [number, number, number], std: [2, 4, 8] as [number, number, number], channelOrder: 'BGR' as const };
    const clip = await readClip(info, spec, frames);
    const plane = HEIGHT * WIDTH;
    for (const [c, src] of [[0, 2], [1, 1], [2, 0]]) {
      for (const i of [0, 1234, plane - 1]) {
        const t = 1;
        const v = plain.tensor[(src * 2 + t) * plane + i];
        expect(clip.tensor[(c * 2 + t) * plane + i]).toBeCloseTo((v * 255 - spec.mean[c]) / spec.std[c], 3);
      }
    }
  });

  it('shorter-side-crop: every frame through the image code, one geometry', async () => {
    const spec = { ...CLIP_SPEC(2, 64, 64), resize: 'shorter-side-crop' as const, cropFraction: 0.875 };
    const clip = await readClip(info, spec, [3, 30]);
    expect(clip.geometry).toEqual({ photoWidth: 128, photoHeight: 96, resizedWidth: 97, resizedHeight: 73, cropLeft: 17, cropTop: 5, width: 64, height: 64 });
    const [native] = await decodeFrames(file, [30], { info });
    const one = await preprocess({ width: WIDTH, height: HEIGHT, data: native }, spec);
    const plane = 64 * 64;
    for (let c = 0; c < 3; c++) expect(clip.tensor.subarray((c * 2 + 1) * plane, (c * 2 + 2) * plane)).toEqual(one.tensor.subarray(c * plane, (c + 1) * plane));
  });

  it('prepares a clip for the item pipeline: classified once, its target [3,T,H,W] with a per-frame baseline', async () => {
    const classifier = new TubeClassifier(4, HEIGHT, WIDTH, { frames: [0, 4], rows: [16, 32], cols: [32, 48] }); // the top-left bit: 0 (black) for k < 32768
    const prepared = await prepareVideo(classifier, file, 'index-25.mp4');
    expect(prepared.windows).toEqual([[5, 15, 25, 35]]); // 4.5 → 5: halves round up (Math.round)
    const clip = await prepareClipInput(classifier, prepared, 0, 'index-25.mp4');
    expect(classifier.calls).toBe(1);
    expect(clip.probabilities[0]).toBe(0);
    const target = itemTarget(classifier, clip.input, 'black', 0);
    expect(target.dims).toEqual([3, 4, HEIGHT, WIDTH]);
    expect(target.baseline.length).toBe(3 * 4 * HEIGHT * WIDTH);
    expect(target.baseline.every((v) => v === 0)).toBe(true); // black with mean 0, std 1
    await expect(prepareVideo(new TubeClassifier(41, 8, 8, { frames: [0, 1], rows: [0, 1], cols: [0, 1] }), file, 'index-25.mp4')).rejects.toThrow('index-25.mp4: has 40 frames; the model needs 41');
  });
});

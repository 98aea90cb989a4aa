/**
 * `borex video` as a user runs it, on a clip made here whose evidence is exact: a synthetic clip
 * model that only looks at a known tube (frames × rows × cols), and an MP4 whose frames are grey
 * with a bright square there. The map must put its mass in the tube, the tube file must score it,
 * and the export must keep the video's frames; every bad input gets its message and exit code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeVideo } from '../../src/engine/media/video/encode.ts';
import { probeVideo } from '../../src/engine/media/video/probe.ts';
import { writeSquareClip, writeTubeModel, type TubeBox } from '../helpers/tube-clip-files.ts';
import { borex, readNpy, tempDir } from '../helpers/cli.ts';
import { stampBandHeight } from '../../src/engine/render/video-stamps.ts';

const T = 8;
const H = 48;
const W = 64;
const N_FRAMES = 24;
/** Uniform sampling of 24 frames into 8: round((i + 0.5)·3 − 0.5). */
const SAMPLED = [1, 4, 7, 10, 13, 16, 19, 22];
/** The tube: sampled positions 2..5 (video frames 7..16), rows 10..30, cols 20..44. */
const TUBE: TubeBox = { t: [2, 6], r: [10, 30], c: [20, 44] };

let dir: string;
let model: string;
let clip: string;
let tube: string;

beforeAll(async () => {
  dir = tempDir();
  model = writeTubeModel(dir, T, H, W, TUBE);
  clip = path.join(dir, 'square.mp4');
  await writeSquareClip(clip, W, H, N_FRAMES, [7, 16], [10, 30], [20, 44]);
  tube = path.join(dir, 'square.tube.json');
  fs.writeFileSync(tube, JSON.stringify(Object.fromEntries([7, 8, 9, 10, 11, 12, 13, 14, 15, 16].map((k) => [k, [[20, 10, 44, 30]]]))));
});

describe('borex video', () => {
  it('explains the clip with RISE-3D: the map is in the tube, the tube scores it, the export keeps every frame', async () => {
    // logit_0 = 50·mean over the clip of the tube's pixels: ~3.7 with the square in view, 0 hidden.
    const out = path.join(dir, 'rise');
    const exported = path.join(dir, 'annotated.mp4');
    const r = borex(['video', clip, '--model', model, '--method', 'rise', '--masks', '300', '--grid', '4', '--tube', tube, '--out', out, '--export', exported, '--json']);
    expect(r.stderr.split('\n').filter((l) => l.includes('"error"'))).toEqual([]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.clips).toHaveLength(1);
    const c = result.clips[0];
    expect(c.frames).toEqual(SAMPLED);
    expect(c.label.name).toBe('tube');
    expect(result.model.input).toMatchObject({ frames: T, height: H, width: W, layout: 'NCTHW' });

    const saliency = readNpy(path.join(out, 'saliency.npy'));
    expect(saliency.shape).toEqual([T, H, W]);
    // RISE maps are E[confidence | voxel kept]: rank them. The tube's share of the top |tube| voxels is far above chance.
    const inTube = (i: number) => {
      const t = Math.floor(i / (H * W));
      const row = Math.floor((i % (H * W)) / W);
      const col = i % W;
      return t >= TUBE.t[0] && t < TUBE.t[1] && row >= TUBE.r[0] && row < TUBE.r[1] && col >= TUBE.c[0] && col < TUBE.c[1];
    };
    const size = (TUBE.t[1] - TUBE.t[0]) * (TUBE.r[1] - TUBE.r[0]) * (TUBE.c[1] - TUBE.c[0]);
    const top = Array.from(saliency.data.keys()).sort((a, b) => saliency.data[b] - saliency.data[a] || a - b).slice(0, size);
    const recall = top.filter(inTube).length / size;
    expect(recall).toBeGreaterThan(4 * (size / (T * H * W)));
    // The frames the model looked at are where the evidence is: the tube's frames weigh most.
    const importance: number[] = c.frameImportance;
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    expect(mean(importance.slice(TUBE.t[0], TUBE.t[1]))).toBeGreaterThan(mean([...importance.slice(0, TUBE.t[0]), ...importance.slice(TUBE.t[1])]));
    expect(importance.indexOf(Math.max(...importance))).toBeGreaterThanOrEqual(TUBE.t[0]);
    expect(importance.indexOf(Math.max(...importance))).toBeLessThan(TUBE.t[1]);
    expect(c.metrics.insertion).toBeGreaterThan(c.metrics.deletion);
    expect(c.metrics.fRp).toBeGreaterThan(0);
    expect(c.groundTruth.voxels).toBe(4 * 20 * 24);

    const probed = await probeVideo(exported);
    // 64×48 is a tiny video: the stamps are in a band under the picture (render/video-stamps.ts).
    expect([probed.frameCount, probed.width, probed.height, probed.codec]).toEqual([N_FRAMES, W, H + stampBandHeight(W, H, false, false), 'h264']);
    expect(fs.readdirSync(out).sort()).toEqual(['result.json', 'saliency.npy']);
  });

  it('refuses bad input with its message and exit code, writing nothing', async () => {
    const shortClip = path.join(dir, 'short.mp4');
    await encodeVideo(shortClip, Array.from({ length: 5 }, () => new Uint8Array(W * H * 3).fill(96)), { width: W, height: H, fps: 25 });
    const out = path.join(dir, 'bad');
    const text = path.join(dir, 'notes.mp4');
    fs.writeFileSync(text, 'not a video');
    const notVideo = borex(['video', text, '--model', model, '--out', out]);
    expect([notVideo.code, notVideo.stderr]).toEqual([3, expect.stringContaining(`${text}: is not a video ffmpeg can read`)]);

    const tooShort = borex(['video', shortClip, '--model', model, '--out', out]);
    expect([tooShort.code, tooShort.stderr]).toEqual([3, expect.stringContaining(`${shortClip}: has 5 frames; the model needs 8`)]);
    const wrongT = borex(['video', clip, '--model', model, '--frames', '30', '--out', out]);
    expect([wrongT.code, wrongT.stderr]).toEqual([2, expect.stringContaining('takes clips of 8 frames (its input fixes T); --frames 30 does not fit')]);

    const imageModel = borex(['video', clip, '--model', 'shapes-v1', '--out', out]);
    expect([imageModel.code, imageModel.stderr]).toEqual([2, expect.stringContaining('is an image model; a video needs a clip model')]);

    const avi = borex(['video', clip, '--model', model, '--export', path.join(dir, 'x.avi'), '--out', out]);
    expect([avi.code, avi.stderr]).toEqual([2, expect.stringContaining('--export writes an MP4')]);

    const badTube = path.join(dir, 'wrong.tube.json');
    fs.writeFileSync(badTube, JSON.stringify({ 3: [[0, 0, 640, 480]] }));
    const tubeOutside = borex(['video', clip, '--model', model, '--tube', badTube, '--masks', '20', '--out', out]);
    expect([tubeOutside.code, tubeOutside.stderr]).toEqual([3, expect.stringContaining(badTube)]);
    expect(fs.existsSync(out)).toBe(false);
  });
});

/**
 * A phone video: frames stored landscape with a display matrix saying how to turn them. The engine
 * decodes them upright (what a player shows), so the model, the maps and the export see the
 * picture the user sees, and the annotated MP4 is written upright with no rotation of its own.
 *
 * The clips are made here: a 320×240 encode with a red block at stored x 20..79, y 100..139, then
 * remuxed by the bundled ffmpeg with `-metadata:s:v:0 rotate=R` (its MP4 muxer writes the display
 * matrix; ffprobe 6.1 reads rotate=90 back as a matrix of +90°, i.e. 270° clockwise to show it).
 * Turned a quarter counter-clockwise, stored (x, y) lands at upright (y, 319 − x): the block at
 * x 100..139, y 240..299 of a 240×320 picture.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClip } from '../../src/engine/media/video/clip.ts';
import { binaryPath, decodeFrames, encodeVideo, probeVideo } from '../../src/engine/media/video/index.ts';
import { colormapTable } from '../../src/engine/render/colormap.ts';
import { exportAnnotatedVideo } from '../../src/engine/render/video-overlay.ts';
import { CLIP_SPEC, weightedClipModel } from '../helpers/synthetic-clip.ts';
import { borex, readNpy, removeTempDirs, tempDir } from '../helpers/cli.ts';
import { ASSETS, assetStatus } from '../helpers/assets.ts';

const SW = 320;
const SH = 240;
const N = 12;
const BLOCK = { x: [20, 80], y: [100, 140] };

let dir: string;
let stored: string;
const rotated: Record<string, string> = {};

function remux(src: string, tag: number, out: string): void {
  const r = spawnSync(binaryPath('ffmpeg'), ['-nostdin', '-v', 'error', '-y', '-i', src, '-c', 'copy', '-metadata:s:v:0', `rotate=${tag}`, out]);
  if (r.status !== 0) throw new Error(`remux failed: ${r.stderr}`);
}

/** ffmpeg's own autorotate (no -noautorotate), frame 0 as rgb24: what a player shows. */
function ffmpegUpright(file: string): Buffer {
  const r = spawnSync(binaryPath('ffmpeg'), ['-nostdin', '-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`decode failed: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  dir = tempDir('borex-video-rotation-');
  const frames: Uint8Array[] = [];
  for (let k = 0; k < N; k++) {
    const f = new Uint8Array(SW * SH * 3).fill(60);
    for (let y = BLOCK.y[0]; y < BLOCK.y[1]; y++)
      for (let x = BLOCK.x[0]; x < BLOCK.x[1]; x++) f.set([230, 20, 20], (y * SW + x) * 3);
    frames.push(f);
  }
  stored = path.join(dir, 'stored.mp4');
  await encodeVideo(stored, frames, { width: SW, height: SH, fps: 25 });
  for (const tag of [90, 180, 270]) {
    rotated[tag] = path.join(dir, `rotate${tag}.mp4`);
    remux(stored, tag, rotated[tag]);
  }
}, 60_000);

afterAll(() => removeTempDirs());

/** Bounding box [x0, x1) × [y0, y1) of the pixels where `hit` holds. */
function bbox(width: number, height: number, hit: (x: number, y: number) => boolean): number[] {
  let [x0, y0, x1, y1] = [width, height, 0, 0];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (hit(x, y)) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
  return [x0, x1, y0, y1];
}

const red = (d: Uint8Array, width: number) => (x: number, y: number) => d[(y * width + x) * 3] > 150 && d[(y * width + x) * 3 + 1] < 90;

describe('rotated videos are decoded upright', () => {
  it('probe: the upright size, the stored size and the rotation', async () => {
    const expected: Record<string, [number, number, number]> = { '90': [270, 240, 320], '180': [180, 320, 240], '270': [90, 240, 320] };
    for (const [tag, [rotation, width, height]] of Object.entries(expected)) {
      const info = await probeVideo(rotated[tag]);
      expect([info.rotation, info.width, info.height, info.storedWidth, info.storedHeight, info.displayWidth, info.frameCount]).toEqual([rotation, width, height, SW, SH, width, N]);
    }
  });

  it('decoded frames equal ffmpeg\'s own autorotate byte for byte (what a player shows), the block where the turn puts it', async () => {
    const blocks: Record<string, number[]> = {
      '90': [100, 140, 240, 300], // 270° clockwise: (x, y) → (y, 319 − x)
      '180': [240, 300, 100, 140], // (x, y) → (319 − x, 239 − y)
      '270': [100, 140, 20, 80], // 90° clockwise: (x, y) → (239 − y, x)
    };
    for (const [tag, box] of Object.entries(blocks)) {
      const info = await probeVideo(rotated[tag]);
      const [frame] = await decodeFrames(rotated[tag], [0], { info });
      expect(Buffer.from(frame).equals(ffmpegUpright(rotated[tag])), `rotate=${tag}`).toBe(true);
      expect(bbox(info.width, info.height, red(frame, info.width)), `rotate=${tag}`).toEqual(box);
    }
  });

  it('the model gets upright frames: the block at its upright place in the [3,T,H,W] input', async () => {
    const info = await probeVideo(rotated[90]);
    // Stretch to 60 wide × 80 high: a quarter of the upright 240×320 on each side.
    const input = await readClip(info, CLIP_SPEC(2, 80, 60), [0, 6]);
    const plane = 80 * 60;
    const hit = (x: number, y: number) => input.tensor[y * 60 + x] > 0.6 && input.tensor[2 * 2 * plane + y * 60 + x] < 0.35;
    expect(bbox(60, 80, hit)).toEqual([25, 35, 60, 75]);
  });
});

describe('the annotated export of a rotated video', () => {
  it('is written upright (no rotation of its own), its map on the block\'s pixels', async () => {
    const file = rotated[90];
    const info = await probeVideo(file);
    const T = 4;
    const frames = [1, 4, 7, 10];
    const input = await readClip(info, CLIP_SPEC(T, 80, 60), frames);
    // The map is the model input's own red: 1 where the model saw the block, 0 elsewhere.
    const plane = 80 * 60;
    const saliency = new Float32Array(T * plane);
    for (let t = 0; t < T; t++) for (let i = 0; i < plane; i++) saliency[t * plane + i] = input.tensor[t * plane + i] > 0.6 && input.tensor[(2 * T + t) * plane + i] < 0.35 ? 1 : 0;
    const out = path.join(dir, 'export.mp4');
    await exportAnnotatedVideo({ video: file, info, saliency, frameIndices: frames, geometry: input.geometry, label: { name: 'block', probability: 0.9 }, opacity: 1, out });
    const back = await probeVideo(out);
    expect([back.rotation, back.width, back.height, back.frameCount]).toEqual([0, 240, 320, N]);
    // Opacity 1: the map alone. turbo(1) is dark red, turbo(0) dark blue: the hot pixels are the block's.
    const hot = colormapTable('turbo').subarray(255 * 3, 256 * 3);
    const [frame] = await decodeFrames(out, [4], { info: back });
    const isHot = (x: number, y: number) => {
      const i = (y * back.width + x) * 3;
      return Math.abs(frame[i] - hot[0]) < 40 && frame[i + 2] < 40;
    };
    // Left of x 180: the colour bar (hot at its top) sits at the right edge.
    const [x0, x1, y0, y1] = bbox(180, 320, isHot);
    // The block is at x 100..139, y 240..299; the map at the model's 60×80 carries back within a model pixel (4 px).
    for (const [got, want] of [[x0, 100], [x1, 140], [y0, 240], [y1, 300]]) expect(Math.abs(got - want), `bbox ${[x0, x1, y0, y1]}`).toBeLessThanOrEqual(4);
    fs.rmSync(out);
  });
});

describe('borex video on a rotated video', () => {
  it('explains what a player shows: a model reading the upright block finds it there, the tube is in upright pixels, the export is upright', async () => {
    // A clip model whose logit reads only the upright block (model 60×80: x 25..34, y 60..74):
    // red minus green minus blue there, so the red block raises it and the mean grey lowers it.
    const [T, MH, MW] = [4, 80, 60];
    const weights = new Float32Array(3 * T * MH * MW);
    for (let c = 0; c < 3; c++) for (let t = 0; t < T; t++) for (let y = 60; y < 75; y++) for (let x = 25; x < 35; x++) weights[((c * T + t) * MH + y) * MW + x] = c === 0 ? 300 : -300;
    const model = path.join(dir, 'block-model.onnx');
    fs.writeFileSync(model, weightedClipModel('NCTHW', T, MH, MW, weights));
    fs.writeFileSync(path.join(dir, 'block-model.borex.json'), JSON.stringify({ ...CLIP_SPEC(T, MH, MW), output: 'logits', labels: ['block', 'other'] }));
    const tube = path.join(dir, 'block.tube.json');
    fs.writeFileSync(tube, JSON.stringify(Object.fromEntries(Array.from({ length: N }, (_, k) => [k, [[100, 240, 140, 300]]]))));
    const out = path.join(dir, 'cli-out');
    const exported = path.join(dir, 'cli-export.mp4');
    const r = borex(['video', rotated[90], '--model', model, '--method', 'rise', '--masks', '2000', '--grid', '4', '--threads', '1', '--tube', tube, '--out', out, '--export', exported, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect([result.videoInfo.width, result.videoInfo.height, result.videoInfo.rotation]).toEqual([240, 320, 270]);
    expect(result.clips[0].groundTruth.voxels).toBe(T * 15 * 10);
    // RISE-3D's top |block| voxels fall in the block far above chance (150 of 4800 per frame; seed 0:
    // 38 %, 12 × chance). 2000 masks: each frame carries a quarter of the logit, so the map's contrast is small.
    const map = readNpy(path.join(out, 'saliency.npy'));
    expect(map.shape).toEqual([T, MH, MW]);
    const inBlock = (v: number) => {
      const x = v % MW;
      const y = Math.floor(v / MW) % MH;
      return x >= 25 && x < 35 && y >= 60 && y < 75;
    };
    const top = Array.from(map.data.keys()).sort((a, b) => map.data[b] - map.data[a] || a - b).slice(0, T * 150);
    expect(top.filter(inBlock).length / top.length).toBeGreaterThan(4 * (150 / (MH * MW)));
    const back = await probeVideo(exported);
    expect([back.rotation, back.width, back.height, back.frameCount]).toEqual([0, 240, 320, N]);

    // The same box in stored pixels (x 20..79, y 100..139 of 320×240) is a different place upright;
    // a box past the upright width is refused naming the tube.
    const wide = path.join(dir, 'stored.tube.json');
    fs.writeFileSync(wide, JSON.stringify({ 0: [[200, 100, 300, 139]] }));
    const bad = borex(['video', rotated[90], '--model', model, '--method', 'rise', '--masks', '20', '--tube', wide, '--out', path.join(dir, 'bad-out')]);
    expect([bad.code, bad.stderr]).toEqual([3, expect.stringContaining("lies outside the video's 240×320 frame")]);
  }, 120_000);
});

const demo = assetStatus('video/mmaction2/demo.mp4');

describe.skipIf(demo.skip)('a real clip turned: mmaction2 demo.mp4 (340×256, SAR 64:51) tagged rotate=270', () => {
  it('decodes as the exact quarter turn of its stored frames, the SAR inverted, and exports upright at that size and SAR', async () => {
    const src = path.join(ASSETS, 'video/mmaction2/demo.mp4');
    const turned = path.join(dir, 'demo-rotate270.mp4');
    remux(src, 270, turned);
    const [a, b] = [await probeVideo(src), await probeVideo(turned)];
    expect([b.rotation, b.width, b.height, b.storedWidth, b.storedHeight, b.sar, b.displayWidth, b.frameCount]).toEqual([90, 256, 340, 340, 256, { num: 51, den: 64 }, 204, 280]);
    expect([a.rotation, a.width, a.height, a.sar, a.displayWidth]).toEqual([0, 340, 256, { num: 64, den: 51 }, 427]);
    // 90° clockwise: upright (x, y) = stored (y, 255 − x).
    const [stored] = await decodeFrames(src, [100], { info: a });
    const [upright] = await decodeFrames(turned, [100], { info: b });
    let mismatches = 0;
    for (let y = 0; y < 340; y++)
      for (let x = 0; x < 256; x++)
        for (let c = 0; c < 3; c++) if (upright[(y * 256 + x) * 3 + c] !== stored[((255 - x) * 340 + y) * 3 + c]) mismatches++;
    expect(mismatches).toBe(0);
    const out = path.join(dir, 'demo-export.mp4');
    const T = 2;
    const frames = [50, 200];
    const g = { photoWidth: 256, photoHeight: 340, resizedWidth: 32, resizedHeight: 32, cropLeft: 0, cropTop: 0, width: 32, height: 32 };
    await exportAnnotatedVideo({ video: turned, info: b, saliency: new Float32Array(T * 32 * 32).map((_, i) => i % 32), frameIndices: frames, geometry: g, label: { name: 'x', probability: 0.5 }, out });
    const back = await probeVideo(out);
    expect([back.rotation, back.width, back.height, back.sar, back.frameCount]).toEqual([0, 256, 340, { num: 51, den: 64 }, 280]);
    fs.rmSync(out);
  }, 120_000);
});

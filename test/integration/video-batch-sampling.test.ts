/**
 * `borex batch --window T --stride S` / `--frames T` over clips, through the CLI: the windows are
 * the items (key VIDEO#wN) with exactly the frames windowFrameIndices gives, the sampling is
 * recorded in run.json, and a --resume with another sampling is refused like any other setting.
 * The synthetic clip model (test/helpers/synthetic-clip.ts) has T = 8 fixed in its input, so an
 * other T is refused naming the model. Photos with --frames are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemRecord } from '../../src/engine/jobs/run-store.ts';
import { encodeVideo } from '../../src/engine/media/video/encode.ts';
import { CLIP_SPEC, weightedClipModel } from '../helpers/synthetic-clip.ts';
import { ASSETS } from '../helpers/assets.ts';
import { borex, readNpy, removeTempDirs, tempDir } from '../helpers/cli.ts';

const T = 8;
const H = 32;
const W = 48;
const METHOD_ARGS = ['--methods', 'rise', '--masks', '40', '--grid', '4', '--threads', '1', '--no-metrics'];

let dir: string;
let clips: string;
let model: string;

beforeAll(async () => {
  dir = tempDir('borex-video-batch-sampling-');
  const weights = new Float32Array(3 * T * H * W).fill(1);
  model = path.join(dir, 'clip-model.onnx');
  fs.writeFileSync(model, weightedClipModel('NCTHW', T, H, W, weights));
  fs.writeFileSync(path.join(dir, 'clip-model.borex.json'), JSON.stringify({ ...CLIP_SPEC(T, H, W), output: 'logits', labels: ['bright', 'other'] }));
  clips = path.join(dir, 'clips');
  fs.mkdirSync(clips);
  // 24 frames: windows of 8 every 6 start at 0, 6, 12, and one ending at the last frame (16).
  const frames = Array.from({ length: 24 }, (_, k) => new Uint8Array(W * H * 3).fill(40 + 8 * k));
  await encodeVideo(path.join(clips, 'a.mp4'), frames, { width: W, height: H, fps: 25 });
}, 60_000);

afterAll(() => removeTempDirs());

const items = (runDir: string): ItemRecord[] =>
  fs
    .readFileSync(path.join(runDir, 'items.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);

describe('borex batch --window / --frames over clips', () => {
  it('--window 8 --stride 6: one item per window with its frames, recorded in run.json; a resume with another stride is refused', () => {
    const run = path.join(dir, 'run-windows');
    const r = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--window', '8', '--stride', '6', '--out', run]);
    expect(r.code, r.stderr).toBe(0);
    const lines = items(run);
    expect(lines.map((l) => [l.key, l.status, l.frames])).toEqual([
      ['a.mp4#w0', 'ok', range(0, 8)],
      ['a.mp4#w1', 'ok', range(6, 8)],
      ['a.mp4#w2', 'ok', range(12, 8)],
      ['a.mp4#w3', 'ok', range(16, 8)],
    ]);
    for (const l of lines) expect(readNpy(path.join(run, l.methods!.rise.map!)).shape).toEqual([T, H, W]);
    const manifest = JSON.parse(fs.readFileSync(path.join(run, 'run.json'), 'utf8'));
    expect(manifest.spec.sampling).toEqual({ frames: 8, sampling: { window: 8, stride: 6 } });

    // The same settings resume (nothing left to do); another stride, or none, is refused.
    const same = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--window', '8', '--stride', '6', '--out', run, '--resume']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('(1 already finished)');
    const other = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--window', '8', '--stride', '8', '--out', run, '--resume']);
    expect([other.code, other.stderr]).toEqual([2, expect.stringMatching(/sampling/)]);
    const none = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--out', run, '--resume']);
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/sampling/)]);
    expect(items(run)).toEqual(lines);
  });

  it('--frames 8 samples uniformly: one item; --frames 12 does not fit a model whose input fixes T = 8', () => {
    const run = path.join(dir, 'run-frames');
    const r = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--frames', '8', '--out', run]);
    expect(r.code, r.stderr).toBe(0);
    // round((i + 0.5)·24/8 − 0.5) = 3i + 1
    expect(items(run).map((l) => [l.key, l.frames])).toEqual([['a.mp4', [1, 4, 7, 10, 13, 16, 19, 22]]]);
    expect(JSON.parse(fs.readFileSync(path.join(run, 'run.json'), 'utf8')).spec.sampling).toEqual({ frames: 8, sampling: 'uniform' });

    const wrong = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--frames', '12', '--out', path.join(dir, 'run-12')]);
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining('takes clips of 8 frames (its input fixes T); --frames 12 does not fit')]);
    expect(fs.existsSync(path.join(dir, 'run-12'))).toBe(false);
    const lonely = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--window', '8', '--out', path.join(dir, 'run-lonely')]);
    expect([lonely.code, lonely.stderr]).toEqual([2, expect.stringContaining('--window T and --stride S go together')]);
  });

  it('--frames on a folder of photos is a usage error naming it', () => {
    const photos = path.join(dir, 'photos');
    fs.mkdirSync(photos);
    fs.copyFileSync(path.join(ASSETS, 'images/darknet/dog.jpg'), path.join(photos, 'dog.jpg'));
    const r = borex(['batch', photos, ...METHOD_ARGS, '--frames', '8', '--out', path.join(dir, 'run-photos')]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(`--frames, --window and --stride choose the frames of videos: ${photos} holds images`)]);
  });
});

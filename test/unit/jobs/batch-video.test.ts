/**
 * The clip side of the batch runner without the CLI: listing folders and manifests of videos
 * (tube files beside a clip or in a manifest column, one medium per run), the entry hash (a photo
 * run's is unchanged, so old runs still resume), run.json's medium and sampling (a resume with
 * another sampling is refused), and a windowed model's items (one per window, key VIDEO#wN) on a
 * JS tube classifier whose answer is exact.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listBatchInput } from '../../../src/engine/jobs/batch-input.ts';
import { resolveMethods } from '../../../src/engine/jobs/batch-methods.ts';
import { entriesSha256, openRun, runBatch, type BatchSpec } from '../../../src/engine/jobs/batch.ts';
import { readRunItems } from '../../../src/engine/jobs/run-store.ts';
import { encodeVideo } from '../../../src/engine/media/video/encode.ts';
import { TubeClassifier } from '../../helpers/synthetic-clip.ts';
import { readNpy, tempDir } from '../../helpers/cli.ts';

const touch = (file: string, text = 'x') => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};

describe('listing videos for a batch', () => {
  it('lists a folder’s videos in code-point order with the tube beside each (CLIP.tube.json, else CLIP.tube.csv)', () => {
    const dir = tempDir();
    for (const n of ['b.mp4', 'B.mkv', 'a.MOV', 'c.webm', 'notes.txt', 'a.tube.csv', 'a.tube.json', 'c.tube.csv', 'b.mp4.tube.json']) touch(path.join(dir, n));
    const input = listBatchInput(dir);
    expect([input.kind, input.medium]).toEqual(['folder', 'video']);
    expect(input.entries).toEqual([
      { index: 0, image: 'B.mkv', file: path.join(dir, 'B.mkv') },
      { index: 1, image: 'a.MOV', file: path.join(dir, 'a.MOV'), tube: path.join(dir, 'a.tube.json') },
      { index: 2, image: 'b.mp4', file: path.join(dir, 'b.mp4') },
      { index: 3, image: 'c.webm', file: path.join(dir, 'c.webm'), tube: path.join(dir, 'c.tube.csv') },
    ]);
    expect(listBatchInput(path.join(dir, '..', path.basename(dir))).medium).toBe('video');
  });

  it('refuses a folder of photos and videos, naming the folder and both counts', () => {
    const dir = tempDir();
    for (const n of ['a.mp4', 'b.avi', 'c.jpg']) touch(path.join(dir, n));
    expect(() => listBatchInput(dir)).toThrow(expect.objectContaining({ kind: 'bad-input', message: `${dir}: holds both photos (1) and videos (2); a batch runs over one medium: put them in two folders` }));
    expect(() => listBatchInput(tempDir())).toThrow(expect.objectContaining({ kind: 'bad-input', message: expect.stringMatching(/no image files \(.*\) in this folder, and no videos \(\.mp4 .*\.avi\)$/) }));
  });

  it('reads manifests of videos (a video column, or image holding a video) with label and tube relative to the manifest', () => {
    const dir = tempDir();
    touch(path.join(dir, 'm.csv'), 'video,label,tube\nclips/a.mp4,left,tubes/a.json\nb.avi,,\n');
    const csv = listBatchInput(path.join(dir, 'm.csv'));
    expect([csv.kind, csv.medium]).toEqual(['manifest', 'video']);
    expect(csv.entries).toEqual([
      { index: 0, image: 'clips/a.mp4', file: path.join(dir, 'clips/a.mp4'), label: 'left', tube: path.join(dir, 'tubes/a.json') },
      { index: 1, image: 'b.avi', file: path.join(dir, 'b.avi') },
    ]);
    touch(path.join(dir, 'm.jsonl'), '{"image":"a.mp4","label":2,"tube":"a.tube.csv"}\n{"video":"b.webm"}\n');
    const jsonl = listBatchInput(path.join(dir, 'm.jsonl'));
    expect(jsonl.medium).toBe('video');
    expect(jsonl.entries.map((e) => [e.image, e.label, e.tube])).toEqual([
      ['a.mp4', '2', path.join(dir, 'a.tube.csv')],
      ['b.webm', undefined, undefined],
    ]);
    touch(path.join(dir, 'photos.csv'), 'image\na.jpg\n');
    expect(listBatchInput(path.join(dir, 'photos.csv')).medium).toBe('image');
  });

  it('refuses a manifest mixing media, boxes on a video, a tube on a photo, and --boxes with videos', () => {
    const dir = tempDir();
    touch(path.join(dir, 'mixed.jsonl'), '{"image":"a.jpg"}\n{"video":"b.mp4"}\n');
    touch(path.join(dir, 'boxes.jsonl'), '{"video":"b.mp4","boxes":[[0,0,1,1]]}\n');
    touch(path.join(dir, 'tube.jsonl'), '{"image":"a.jpg","tube":"a.json"}\n');
    const file = (f: string) => path.join(dir, f);
    expect(() => listBatchInput(file('mixed.jsonl'))).toThrow(
      expect.objectContaining({ kind: 'bad-input', message: `${file('mixed.jsonl')}: lists both photos and videos (mixed.jsonl entry 1 is a photo, mixed.jsonl entry 2 a video); a batch runs over one medium` }),
    );
    expect(() => listBatchInput(file('boxes.jsonl'))).toThrow(expect.objectContaining({ kind: 'bad-input', message: expect.stringContaining('a video\'s ground truth is a tube file (column "tube")') }));
    expect(() => listBatchInput(file('tube.jsonl'))).toThrow(expect.objectContaining({ kind: 'bad-input', message: expect.stringContaining('"tube" is for videos') }));
    touch(path.join(dir, 'v/a.mp4'));
    expect(() => listBatchInput(path.join(dir, 'v'), { boxes: 'voc' })).toThrow(expect.objectContaining({ kind: 'usage', message: expect.stringContaining('--boxes and --annotations are for photos') }));
  });

  it('hashes a photo input as it always has, and a video input with its tube file names', () => {
    const dir = tempDir();
    touch(path.join(dir, 'p/a.jpg'));
    touch(path.join(dir, 'p/b.png'));
    const photos = listBatchInput(path.join(dir, 'p'));
    const before = crypto.createHash('sha256');
    for (const e of photos.entries) before.update(JSON.stringify([e.image, null, null, null]) + '\n');
    expect(entriesSha256(photos)).toBe(before.digest('hex'));

    touch(path.join(dir, 'v/a.mp4'));
    const bare = entriesSha256(listBatchInput(path.join(dir, 'v')));
    touch(path.join(dir, 'v/a.tube.json'), '{}');
    expect(entriesSha256(listBatchInput(path.join(dir, 'v')))).not.toBe(bare);
  });
});

describe('batch runs of clips', () => {
  const T = 8;
  let clips: string;
  /** Class 0 = the visible fraction of rows 10..30 × cols 20..44 on clip frames 2..5 (of 8). */
  const tubeModel = (sampling?: { window: number; stride: number }) => {
    const c = new TubeClassifier(T, 48, 64, { frames: [2, 6], rows: [10, 30], cols: [20, 44] });
    if (sampling) Object.assign(c, { spec: { ...c.spec, sampling } });
    return c;
  };
  const model = { name: 'tube', path: '/models/tube.onnx', sha256: 'f'.repeat(64) };
  const spec = (): BatchSpec => ({
    input: listBatchInput(clips),
    methods: resolveMethods('rise', { preset: 'paper', seed: 0, rise: { masks: 16, gridSize: 2 }, clip: true }),
    baseline: 'black',
    resizeFilter: 'linear',
    metrics: { enabled: false },
    maps: 'npy',
  });

  beforeAll(async () => {
    clips = path.join(tempDir(), 'clips');
    fs.mkdirSync(clips);
    const frames = Array.from({ length: 20 }, (_, k) => new Uint8Array(64 * 48 * 3).fill(k * 10));
    await encodeVideo(path.join(clips, 'ramp.mp4'), frames, { width: 64, height: 48, fps: 25 });
  }, 30_000);

  it('records the medium and sampling in run.json, and a resume with another sampling is refused', () => {
    const out = path.join(tempDir(), 'run');
    openRun(out, spec(), tubeModel(), model, false).close();
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect([manifest.spec.medium, manifest.spec.sampling]).toEqual(['video', { frames: T, sampling: 'uniform' }]);
    expect(() => openRun(out, spec(), tubeModel({ window: T, stride: 4 }), model, true)).toThrow(expect.objectContaining({ kind: 'usage', message: expect.stringContaining('holds a different run (spec.sampling.sampling: "uniform" ≠ {"window":8,"stride":4})') }));
    expect(() => openRun(out, spec(), tubeModel(), model, true).close()).not.toThrow();
  });

  it('a windowed model gives one item per window (key VIDEO#wN, the tail covered), each with its own frames and [T,H,W] map', async () => {
    const out = path.join(tempDir(), 'windows');
    const classifier = tubeModel({ window: T, stride: 8 });
    const summary = await runBatch(classifier, model, spec(), out, { resume: false });
    expect(summary.items).toEqual({ ok: 3, failed: 0, noItem: 0, methodFailures: 0 });
    const lines = readRunItems(out);
    expect(lines.map((l) => [l.key, l.part, l.parts, l.frames])).toEqual([
      ['ramp.mp4#w0', 0, 3, [0, 1, 2, 3, 4, 5, 6, 7]],
      ['ramp.mp4#w1', 1, 3, [8, 9, 10, 11, 12, 13, 14, 15]],
      ['ramp.mp4#w2', 2, 3, [12, 13, 14, 15, 16, 17, 18, 19]],
    ]);
    expect(lines.map((l) => l.methods!.rise.map)).toEqual(['maps/000000-ramp.w0/rise.npy', 'maps/000000-ramp.w1/rise.npy', 'maps/000000-ramp.w2/rise.npy']);
    // 1 classification per window, then RISE's 16 masks each.
    expect(classifier.calls).toBe(3 * (1 + 16));
    for (const l of lines) expect(readNpy(path.join(out, l.methods!.rise.map!)).shape).toEqual([T, 48, 64]);
  });
});

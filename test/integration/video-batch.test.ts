/**
 * `borex batch` over a folder of clips, as a user runs it, on clips whose evidence is exact: the
 * synthetic ONNX clip model of test/helpers/synthetic-clip.ts looks only at a known tube (sampled
 * positions 2..5, rows 10..30, cols 20..44), and each MP4 made here shows a bright square exactly
 * there on the frames uniform sampling puts at positions 2..5, with its tube file beside it.
 * Checked: the run's lines (one per video, a broken file failed naming it), frames, the tube's
 * voxels, the maps [T,H,W]; a run cancelled after its first clip and resumed by the CLI equals the
 * uninterrupted run byte for byte, and so do two shards merged; a mixed folder and an image model
 * refused; compare's Table 1 row.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listBatchInput } from '../../src/engine/jobs/batch-input.ts';
import { resolveMethods } from '../../src/engine/jobs/batch-methods.ts';
import { runBatch, type BatchSpec } from '../../src/engine/jobs/batch.ts';
import type { ItemRecord } from '../../src/engine/jobs/run-store.ts';
import { loadModel } from '../../src/engine/model/load.ts';
import { writeSquareClip, writeTubeModel, type TubeBox } from '../helpers/tube-clip-files.ts';
import { borex, readNpy, tempDir } from '../helpers/cli.ts';

const T = 8;
const H = 48;
const W = 64;
const TUBE: TubeBox = { t: [2, 6], r: [10, 30], c: [20, 44] };
const TUBE_VOXELS = 4 * 20 * 24;
/**
 * Three clips of 24, 32 and 40 frames: uniform sampling takes round((i + 0.5)·n/8 − 0.5), and the
 * square is on the video frames of sampled positions 2..5 (and those between them).
 */
const CLIPS: { name: string; frames: number; sampled: number[]; square: [number, number]; tube: string }[] = [
  { name: 'a.mp4', frames: 24, sampled: [1, 4, 7, 10, 13, 16, 19, 22], square: [7, 16], tube: 'a.tube.json' },
  { name: 'b.mp4', frames: 32, sampled: [2, 6, 10, 14, 18, 22, 26, 30], square: [10, 22], tube: 'b.tube.csv' },
  { name: 'c.mp4', frames: 40, sampled: [2, 7, 12, 17, 22, 27, 32, 37], square: [12, 27], tube: 'c.tube.json' },
];
const METHOD_ARGS = ['--methods', 'rise,borex:rise', '--masks', '200', '--grid', '4', '--iterations', '8', '--threads', '1'];

let dir: string;
let clips: string;
let model: string;
let run: string;

beforeAll(async () => {
  dir = tempDir('borex-video-batch-');
  model = writeTubeModel(dir, T, H, W, TUBE);

  clips = path.join(dir, 'clips');
  fs.mkdirSync(clips);
  for (const clip of CLIPS) {
    await writeSquareClip(path.join(clips, clip.name), W, H, clip.frames, clip.square, [10, 30], [20, 44]);
    const onFrames = Array.from({ length: clip.square[1] - clip.square[0] + 1 }, (_, i) => clip.square[0] + i);
    fs.writeFileSync(
      path.join(clips, clip.tube),
      clip.tube.endsWith('.csv') ? 'frame,x0,y0,x1,y1\n' + onFrames.map((k) => `${k},20,10,44,30\n`).join('') : JSON.stringify(Object.fromEntries(onFrames.map((k) => [k, [[20, 10, 44, 30]]]))),
    );
  }
  fs.writeFileSync(path.join(clips, 'broken.mp4'), 'not a video');

  run = path.join(dir, 'run');
  const r = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--out', run]);
  if (r.code !== 0) throw new Error(`the batch failed (${r.code}): ${r.stderr}`);
}, 120_000);

const items = (runDir: string): ItemRecord[] =>
  fs
    .readFileSync(path.join(runDir, 'items.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('borex batch over clips', () => {
  it('records one line per video: the broken one failed naming it, the others scored against their tubes with [T,H,W] maps', () => {
    const lines = items(run);
    expect(lines.map((l) => [l.entry, l.key, l.status])).toEqual([
      [0, 'a.mp4', 'ok'],
      [1, 'b.mp4', 'ok'],
      [2, 'broken.mp4', 'failed'],
      [3, 'c.mp4', 'ok'],
    ]);
    expect(lines[2]).toEqual({
      entry: 2,
      part: 0,
      parts: 1,
      key: 'broken.mp4',
      image: 'broken.mp4',
      status: 'failed',
      error: { kind: 'bad-input', message: expect.stringContaining(`${path.join(clips, 'broken.mp4')}: is not a video ffmpeg can read`) },
    });
    const chance = TUBE_VOXELS / (T * H * W);
    for (const [i, clip] of [0, 1, 3].map((e, k) => [e, CLIPS[k]] as const)) {
      const l = lines[i];
      expect(Object.keys(l)).toEqual(['entry', 'part', 'parts', 'key', 'image', 'status', 'label', 'frames', 'groundTruth', 'methods']);
      expect(l.label).toMatchObject({ index: 0, name: 'tube', choice: 'top1' });
      expect(l.frames).toEqual(clip.sampled);
      expect(l.groundTruth).toEqual({ voxels: TUBE_VOXELS });
      expect(Object.keys(l.methods!)).toEqual(['rise', 'borex:rise']);
      for (const id of ['rise', 'borex:rise']) {
        const m = l.methods![id];
        expect(m.status, JSON.stringify(m.error)).toBe('ok');
        expect(Object.keys(m.metrics!).sort()).toEqual(['deletion', 'f1', 'fRp', 'insertion', 'pointingGame', 'pointingGameTolerant']);
        expect(m.metrics!.insertion).toBeGreaterThan(m.metrics!.deletion!);
        expect(m.metrics!.fRp).toBeGreaterThan(0);
        expect(m.curves!.insertion.every((v) => Math.round(v * 1e6) / 1e6 === v)).toBe(true);
        const npy = readNpy(path.join(run, m.map!));
        expect(npy.shape).toEqual([T, H, W]);
        // The model reads only the tube: the top |tube| voxels of RISE-3D fall in it far above chance.
        if (id === 'rise') {
          const inTube = (v: number) => {
            const t = Math.floor(v / (H * W));
            const row = Math.floor((v % (H * W)) / W);
            const col = v % W;
            return t >= TUBE.t[0] && t < TUBE.t[1] && row >= TUBE.r[0] && row < TUBE.r[1] && col >= TUBE.c[0] && col < TUBE.c[1];
          };
          const top = Array.from(npy.data.keys()).sort((a, b) => npy.data[b] - npy.data[a] || a - b).slice(0, TUBE_VOXELS);
          expect(top.filter(inTube).length / TUBE_VOXELS).toBeGreaterThan(4 * chance);
        }
      }
      expect(lines[i].methods!.rise.map).toBe(`maps/${String(i).padStart(6, '0')}-${path.parse(clip.name).name}/rise.npy`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(run, 'run.json'), 'utf8'));
    expect(manifest.spec.medium).toBe('video');
    expect(manifest.spec.sampling).toEqual({ frames: T, sampling: 'uniform' });
    expect(manifest.spec.model.input).toEqual({ height: H, width: W, resize: 'stretch', layout: 'NCTHW', frames: T });
    expect(manifest.spec.methods.find((m: { id: string }) => m.id === 'borex:rise').config.borex.clip).toBeDefined();
  });

  it('a run cancelled after its first clip and resumed by the CLI gives the uninterrupted items.jsonl byte for byte', async () => {
    const cut = path.join(dir, 'cut');
    const { resolved, classifier } = await loadModel(model, {}, { threads: 1 });
    const abort = new AbortController();
    let entries = 0;
    try {
      const spec: BatchSpec = {
        input: listBatchInput(clips),
        methods: resolveMethods('rise,borex:rise', { preset: 'paper', seed: 0, rise: { masks: 200, gridSize: 4 }, borex: { iterations: 8 }, clip: true }),
        baseline: 'mean',
        resizeFilter: 'linear',
        metrics: { enabled: true, insertionStart: 'blur' },
        maps: 'npy',
      };
      const cancelled = runBatch(classifier, { name: resolved.name, path: resolved.file, sha256: resolved.sha256 }, spec, cut, {
        resume: false,
        signal: abort.signal,
        onEntry: () => {
          entries++;
          abort.abort();
        },
      });
      await expect(cancelled).rejects.toMatchObject({ kind: 'cancelled' });
    } finally {
      await classifier.dispose();
    }
    expect(entries).toBe(1);
    expect(items(cut).map((l) => l.key)).toEqual(['a.mp4']);
    const resumed = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--out', cut, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('(1 already finished)');
    expect(fs.readFileSync(path.join(cut, 'items.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(run, 'items.jsonl'), 'utf8'));
    for (const l of items(run)) for (const m of Object.values(l.methods ?? {})) expect(fs.readFileSync(path.join(cut, m.map!)).equals(fs.readFileSync(path.join(run, m.map!)))).toBe(true);
  }, 60_000);

  it('shards of the clips merged give the unsharded items.jsonl byte for byte', () => {
    const shards = [0, 1].map((i) => path.join(dir, `shard${i}`));
    for (const [i, out] of shards.entries()) {
      const r = borex(['batch', clips, '--model', model, ...METHOD_ARGS, '--shard', `${i}/2`, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(items(shards[1]).map((l) => l.key)).toEqual(['b.mp4', 'c.mp4']);
    const merged = path.join(dir, 'merged');
    const m = borex(['merge', merged, ...shards]);
    expect(m.code, m.stderr).toBe(0);
    expect(fs.readFileSync(path.join(merged, 'items.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(run, 'items.jsonl'), 'utf8'));
  }, 60_000);

  it('refuses a folder of photos and videos, and an image model, writing nothing', () => {
    const mixed = path.join(dir, 'mixed');
    fs.mkdirSync(mixed);
    fs.copyFileSync(path.join(clips, 'a.mp4'), path.join(mixed, 'a.mp4'));
    fs.writeFileSync(path.join(mixed, 'photo.png'), 'x');
    const out = path.join(dir, 'refused');
    const m = borex(['batch', mixed, '--model', model, ...METHOD_ARGS, '--out', out]);
    expect([m.code, m.stderr]).toEqual([3, expect.stringContaining(`${mixed}: holds both photos (1) and videos (1); a batch runs over one medium`)]);
    const img = borex(['batch', clips, '--model', 'shapes-v1', ...METHOD_ARGS, '--out', out]);
    expect([img.code, img.stderr]).toEqual([2, expect.stringContaining('shapes-v1 is an image model; a batch of videos needs a clip model')]);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('compare gives the Table 1 row of RISE-3D against its BOREx refinement over the clips', () => {
    const r = borex(['compare', run, '--baseline', 'rise', '--candidate', 'borex:rise', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows: { baseline: string; candidate: string; metric: string; n: number }[] = JSON.parse(r.stdout).rows;
    expect(rows.map((x) => [x.baseline, x.candidate, x.metric, x.n])).toEqual([
      ['rise', 'borex:rise', 'fRp', 3],
      ['rise', 'borex:rise', 'f1', 3],
      ['rise', 'borex:rise', 'insertion', 3],
      ['rise', 'borex:rise', 'deletion', 3],
    ]);
    const table = borex(['compare', run]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('### Table 1: BOREx(RISE) against');
    expect(table.stdout).toContain('3 items explained (1 failed');
    expect(table.stdout).toMatch(/\n\| RISE \(`rise`\) \| F-measure \(F_rp\) ↑ \| 3 \|/);
  });
});

/**
 * Issue 12, the video view's jobs through a real `borex serve` (child process, engine worker) and
 * its WebSocket, with the project's own clip model motion-v1 on a clip made here whose evidence is
 * known: 32 grey frames, a bright 20×20 square moving left 2 px a frame in frames 8–23 only (no
 * object elsewhere). Uniform sampling takes frames 1, 3, …, 31, so clip positions 4–11 hold the
 * motion. Checked: the plan (geometry, sampled frames) before the first model call, RISE-3D's
 * per-frame importance peaking on those positions, the tube's box metrics, BOREx-3D's live prior,
 * partial maps and boxes, a cancel that writes nothing, the annotated MP4 export (frame count and
 * duration equal to the source's, by ffprobe), and a batch of clips opened one by one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeVideo } from '../../src/engine/media/video/encode.ts';
import { decodeFrames } from '../../src/engine/media/video/decode.ts';
import { probeVideo } from '../../src/engine/media/video/probe.ts';
import { encodeNpy } from '../../src/engine/render/npy.ts';
import type { JobEvent, OpenedVideo, VideoExplainDone } from '../../src/shared/api.ts';
import { fromWire } from '../../src/shared/wire.ts';
import { readNpy, tempDir } from '../helpers/cli.ts';
import { startServe, type Serve } from '../fault/child.ts';
import { stampBandHeight } from '../../src/engine/render/video-stamps.ts';

const N = 32;
const S = 64;
const T = 16;
const SAMPLED = Array.from({ length: T }, (_, i) => 2 * i + 1);
/** Clip positions whose frames (9, 11, …, 23) show the moving square. */
const EVIDENCE = [4, 5, 6, 7, 8, 9, 10, 11];
const squareAt = (k: number, direction: 1 | -1) => (direction < 0 ? 36 - (k - 8) * 2 : 8 + (k - 8) * 2);

/** The clip: grey frames; in frames 8–23 a bright square moving 2 px a frame (left: -1, right: +1). */
async function makeClip(file: string, direction: 1 | -1): Promise<void> {
  const frames: Uint8Array[] = [];
  for (let k = 0; k < N; k++) {
    const f = new Uint8Array(S * S * 3).fill(110);
    if (k >= 8 && k < 24) {
      const x0 = squareAt(k, direction);
      for (let y = 22; y < 42; y++) f.fill(235, (y * S + x0) * 3, (y * S + x0 + 20) * 3);
    }
    frames.push(f);
  }
  await encodeVideo(file, frames, { width: S, height: S, fps: 24, crf: 0 });
}

type Progress = Extract<JobEvent, { type: 'progress' }>;

describe('video jobs through borex serve with motion-v1', () => {
  let serve: Serve;
  let ws: WebSocket;
  const events: JobEvent[] = [];
  const dir = tempDir();
  const runsDir = tempDir();
  const left = path.join(dir, 'left.mp4');
  const right = path.join(dir, 'right.mp4');
  let video: OpenedVideo;
  let borexJob: string;
  const progressOf = (jobId: string) => events.filter((e): e is Progress => e.jobId === jobId && e.type === 'progress');
  const ended = async (jobId: string, ms = 240_000) => {
    await expect.poll(() => events.find((e) => e.jobId === jobId && e.type !== 'progress'), { timeout: ms, interval: 100 }).toBeDefined();
    return events.find((e) => e.jobId === jobId && e.type !== 'progress')!;
  };
  const start = async (call: string, body: unknown) => {
    const r = await serve.api(call, body);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return (r.json as { jobId: string }).jobId;
  };
  const download = async (jobId: string, file: string) => {
    const res = await fetch(`http://127.0.0.1:${serve.port}/api/jobs/${jobId}/files/${file}?token=${serve.token}`);
    expect(res.status).toBe(200);
    const out = path.join(dir, `${jobId}-${file}`);
    fs.writeFileSync(out, Buffer.from(await res.arrayBuffer()));
    return out;
  };

  beforeAll(async () => {
    await makeClip(left, -1);
    await makeClip(right, 1);
    serve = await startServe({}, ['--runs', runsDir]);
    ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api/events?token=${serve.token}`, { origin: `http://127.0.0.1:${serve.port}` });
    ws.on('message', (d: Buffer) => events.push(fromWire<JobEvent>(d.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    video = (await serve.upload('videos', 'left.mp4', fs.readFileSync(left))).json as OpenedVideo;
    expect(video).toMatchObject({ name: 'left.mp4', frameCount: N, browserPlayable: true });
  });
  afterAll(async () => {
    ws?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
  });

  it('RISE-3D: the plan first, the importance track peaking where the square moves, the tube scored, the files', async () => {
    const tube = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [8 + i, [[squareAt(8 + i, -1), 22, squareAt(8 + i, -1) + 20, 42]]]));
    const opened = await serve.upload('tubes', 'left.tube.json', Buffer.from(JSON.stringify(tube)));
    expect(opened.status).toBe(200);
    const jobId = await start('explain-video', { videoId: video.id, model: 'motion-v1', method: 'rise', prior: 'none', preset: 'paper', advanced: { masks: 500 }, tubeId: (opened.json as { id: string }).id });
    const done = (await ended(jobId)) as Extract<JobEvent, { type: 'video-done' }>;
    expect(done.type, JSON.stringify(done).slice(0, 300)).toBe('video-done');

    const first = progressOf(jobId)[0];
    expect(first.geometry).toEqual({ photoWidth: S, photoHeight: S, resizedWidth: S, resizedHeight: S, cropLeft: 0, cropTop: 0, width: S, height: S });
    expect(first.video).toEqual({ clips: [{ window: 0, frames: SAMPLED, pts: SAMPLED.map((k) => video.pts[k]) }], dims: [T, S, S] });
    expect(progressOf(jobId).slice(1).every((p) => p.clip === 0)).toBe(true);

    const clip = done.result.clips[0];
    expect(done.result).toMatchObject({ video: 'left.mp4', method: 'rise', sampling: 'uniform', model: { name: 'motion-v1', input: { frames: T, height: S, width: S, layout: 'NCTHW' } } });
    expect(clip.frames).toEqual(SAMPLED);
    expect(clip.label.name).toBe('left');
    expect(done.dims).toEqual([T, S, S]);
    expect(done.maps).toHaveLength(1);
    expect(done.maps[0]).toBeInstanceOf(Float32Array);
    expect(done.maps[0].length).toBe(T * S * S);
    expect(done.priorMaps).toBeUndefined();
    // The frames the model saw the square move in weigh most.
    const imp = clip.frameImportance;
    expect(imp).toHaveLength(T);
    const peak = imp.indexOf(Math.max(...imp));
    expect(EVIDENCE).toContain(peak);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(EVIDENCE.map((i) => imp[i]))).toBeGreaterThan(mean(imp.filter((_, i) => !EVIDENCE.includes(i))));
    // Voxel curves and their AUCs, and the tube's scores.
    expect(clip.curves!.insertion.length).toBeGreaterThan(100);
    expect(clip.metrics!.insertion).toBeGreaterThan(clip.metrics!.deletion!);
    expect(clip.groundTruth).toEqual({ source: 'left.tube.json', voxels: 8 * 20 * 20 });
    expect(clip.metrics!.fRp).toBeGreaterThan(0);
    expect(typeof clip.metrics!.pointingGame).toBe('boolean');
    expect(JSON.stringify(done.result)).not.toContain(serve.workDir);

    expect(done.files.sort()).toEqual(['result.json', 'saliency.npy']);
    // motion-v1's own occlusion baseline when the request names none, as borex video uses it.
    const resultJson = JSON.parse(fs.readFileSync(await download(jobId, 'result.json'), 'utf8'));
    expect(resultJson.config.baseline).toBe('temporal-mean');
    const npy = readNpy(await download(jobId, 'saliency.npy'));
    expect(npy.shape).toEqual([T, S, S]);
    expect(Array.from(npy.data)).toEqual(Array.from(done.maps[0]));
  });

  it('refuses a tube that does not fit the video, naming the tube file (422)', async () => {
    const bad = (await serve.upload('tubes', 'wrong.tube.json', Buffer.from(JSON.stringify({ 99: [[0, 0, 10, 10]] })))).json as { id: string };
    const r = await serve.api('explain-video', { videoId: video.id, model: 'motion-v1', method: 'rise', prior: 'none', preset: 'paper', tubeId: bad.id });
    expect(r.status).toBe(422);
    expect((r.json as { error: { message: string } }).error.message).toMatch(/^wrong\.tube\.json: /);
    const frames = await serve.api('explain-video', { videoId: video.id, model: 'motion-v1', method: 'rise', prior: 'none', preset: 'paper', frames: 8 });
    const failed = await ended((frames.json as { jobId: string }).jobId);
    expect(failed).toMatchObject({ type: 'failed', kind: 'usage', message: 'motion-v1 takes clips of 16 frames (its input fixes T); frames 8 does not fit' });
  });

  it('BOREx-3D live: the prior first, partial maps and boxes of clip 0; a cancel writes nothing', async () => {
    const request = { videoId: video.id, model: 'motion-v1', method: 'borex', prior: 'rise', preset: 'paper', advanced: { masks: 300, iterations: 10 } };
    const cancelled = await start('explain-video', request);
    await expect.poll(() => progressOf(cancelled).some((p) => p.partialMap), { timeout: 240_000, interval: 50 }).toBe(true);
    await serve.api('cancel', { jobId: cancelled });
    expect(await ended(cancelled)).toMatchObject({ type: 'failed', kind: 'cancelled' });
    expect(fs.readdirSync(path.join(serve.workDir, 'jobs', cancelled))).toEqual([]);

    borexJob = await start('explain-video', request);
    const done = (await ended(borexJob)) as Extract<JobEvent, { type: 'video-done' }>;
    expect(done.type).toBe('video-done');
    const live = progressOf(borexJob);
    const priorAt = live.findIndex((p) => p.priorMap);
    const partialAt = live.findIndex((p) => p.partialMap);
    expect(priorAt).toBeGreaterThan(0);
    expect(partialAt).toBeGreaterThan(priorAt);
    expect(live[priorAt].clip).toBe(0);
    expect(live[priorAt].priorMap!.length).toBe(T * S * S);
    expect(Array.from(live[priorAt].priorMap!)).toEqual(Array.from((done as VideoExplainDone).priorMaps![0]));
    const withBoxes = live.filter((p) => p.samples && p.partialMap);
    expect(withBoxes.length).toBeGreaterThan(0);
    for (const p of withBoxes) {
      expect(p.clip).toBe(0);
      expect(p.partialMap!.length).toBe(T * S * S);
      expect(p.samples!.length % 5).toBe(0);
      for (let i = 0; i < p.samples!.length; i += 5) {
        const [row, col, half, firstFrame, count] = p.samples!.slice(i, i + 5);
        expect(row >= 0 && row < S && col >= 0 && col < S && half > 0).toBe(true);
        expect(Number.isInteger(firstFrame) && count >= 1 && firstFrame + count <= T).toBe(true);
      }
    }
    expect(live.filter((p) => p.stage === 'borex').at(-1)!.total).toBe(10);
    expect(done.result.clips[0].prior).toMatchObject({ method: 'rise' });
    expect(done.result.clips[0].borex!.modelCalls).toBe(20);
    expect(done.files.sort()).toEqual(['prior.npy', 'result.json', 'saliency.npy', 'uncertainty.npy']);
    // BOREx-3D's own parameters (durations, frame length scales …), as borex video records them.
    const resultJson = JSON.parse(fs.readFileSync(await download(borexJob, 'result.json'), 'utf8'));
    expect(resultJson.config.borex.clip).toMatchObject({ durations: [2, 4, 8] });
  });

  it('exports annotated MP4s whose frame count and duration (ffprobe) equal the source: single, prior | refined, original | prior', async () => {
    const source = await probeVideo(left);
    for (const [layout, map, width] of [['single', 'refined', S], ['prior-refined', 'refined', 2 * S], ['original-map', 'prior', 2 * S]] as const) {
      const jobId = await start('export-video', { jobId: borexJob, layout, map, opacity: 0.6, colormap: 'jet' });
      const done = await ended(jobId);
      expect(done).toMatchObject({ type: 'export-done', files: ['annotated.mp4'], frames: N });
      expect(progressOf(jobId).at(-1)).toMatchObject({ stage: 'export', done: N, total: N });
      const mp4 = await probeVideo(await download(jobId, 'annotated.mp4'));
      expect(mp4.frameCount).toBe(source.frameCount);
      expect(mp4.duration).toBeCloseTo(source.duration, 6);
      // 64×64 is a tiny video: the stamps are in a band under the picture (render/video-stamps.ts).
      expect(mp4).toMatchObject({ width, height: S + stampBandHeight(S, S, layout !== 'single', false), codec: 'h264' });
      if (layout === 'original-map') {
        // Left: the plain video (the square's pixels as encoded, ~235, no colour); right: blended.
        const [frame] = await decodeFrames(mp4.file, [16], { info: mp4 });
        const [plain] = await decodeFrames(left, [16]);
        const at = (data: Uint8Array, w: number, x: number, y: number) => Array.from(data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
        for (const [x, y] of [[30, 32], [10, 30], [50, 35]]) {
          at(frame, 2 * S, x, y).forEach((v, c) => expect(Math.abs(v - at(plain, S, x, y)[c])).toBeLessThan(8));
        }
        expect(Math.max(...at(frame, 2 * S, S + 10, 30).map((v, c) => Math.abs(v - at(plain, S, 10, 30)[c])))).toBeGreaterThan(20);
      }
    }
    const noPrior = await serve.api('export-video', { jobId: 'nosuchjob' });
    expect(noPrior.status).toBe(404);
  });

  it('refines a prior imported from a T×H×W .npy (openPrior, prior "file")', async () => {
    const prior = new Float32Array(T * S * S);
    for (const t of EVIDENCE) for (let y = 22; y < 42; y++) prior.fill(1, (t * S + y) * S + 10, (t * S + y) * S + 40);
    const up = await serve.upload('priors', 'mine.npy', Buffer.from(encodeNpy(prior, [T, S, S])));
    expect(up.status, JSON.stringify(up.json)).toBe(200);
    const jobId = await start('explain-video', { videoId: video.id, model: 'motion-v1', method: 'borex', prior: 'file', priorFileId: (up.json as { id: string }).id, preset: 'paper', advanced: { iterations: 4 } });
    const done = (await ended(jobId)) as Extract<JobEvent, { type: 'video-done' }>;
    expect(done.type, JSON.stringify(done).slice(0, 300)).toBe('video-done');
    expect(Array.from(done.priorMaps![0])).toEqual(Array.from(prior));
    expect(done.result.clips[0].prior!.frameImportance.map((v) => v > 0)).toEqual(Array.from({ length: T }, (_, i) => EVIDENCE.includes(i)));
    expect(done.result.clips[0].borex!.modelCalls).toBe(8);
    const missing = await serve.api('explain-video', { videoId: video.id, model: 'motion-v1', method: 'borex', prior: 'file', preset: 'paper' });
    expect(missing.status).toBe(400);
  });

  it('windows a long video (window T, stride S): one clip each, every event tagged with its clip, [clips,T,H,W] saved, one merged export', async () => {
    const both = await serve.api('explain-video', { videoId: video.id, model: 'motion-v1', method: 'rise', prior: 'none', preset: 'paper', frames: 16, window: { frames: 16, stride: 8 } });
    expect(both.status).toBe(400);
    const jobId = await start('explain-video', { videoId: video.id, model: 'motion-v1', method: 'rise', prior: 'none', preset: 'paper', window: { frames: 16, stride: 8 }, advanced: { masks: 100 } });
    const done = (await ended(jobId)) as Extract<JobEvent, { type: 'video-done' }>;
    expect(done.type, JSON.stringify(done).slice(0, 300)).toBe('video-done');
    const windows = [0, 8, 16].map((s0) => Array.from({ length: T }, (_, i) => s0 + i));
    expect(progressOf(jobId)[0].video!.clips.map((c) => c.frames)).toEqual(windows);
    expect(done.result.sampling).toEqual({ window: 16, stride: 8 });
    expect(done.result.clips.map((c) => [c.window, c.frames])).toEqual(windows.map((w, i) => [i, w]));
    expect(done.maps).toHaveLength(3);
    expect(new Set(progressOf(jobId).slice(1).map((p) => p.clip))).toEqual(new Set([0, 1, 2]));
    const npy = readNpy(await download(jobId, 'saliency.npy'));
    expect(npy.shape).toEqual([3, T, S, S]);
    const exported = await start('export-video', { jobId });
    expect(await ended(exported)).toMatchObject({ type: 'export-done', frames: N });
  });

  it('batches clips opened one by one: one row per clip, as photo rows', async () => {
    const other = (await serve.upload('videos', 'right.mp4', fs.readFileSync(right))).json as OpenedVideo;
    const r = await serve.api('batch', { videoIds: [video.id, other.id], model: 'motion-v1', methods: ['gradcampp', 'borex:gradcampp'], preset: 'paper', iterations: 4 });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const { jobId } = r.json as { jobId: string };
    const done = await ended(jobId);
    expect(done).toMatchObject({ type: 'batch-done', methods: ['gradcampp', 'borex:gradcampp'], summary: { entries: 2, processed: 2, ok: 2, failed: 0 } });
    // The run is `borex batch` over clips: BOREx-3D's parameters and motion-v1's baseline in run.json.
    const run = JSON.parse(fs.readFileSync(path.join(runsDir, (r.json as { runId: string }).runId, 'run.json'), 'utf8'));
    expect(run.spec.baseline).toBe('temporal-mean');
    expect(run.spec.methods[1].config.borex.clip).toMatchObject({ durations: [2, 4, 8] });
    expect(progressOf(jobId).find((p) => p.entries)!.entries).toEqual(['left.mp4', 'right.mp4']);
    const items = progressOf(jobId).flatMap((p) => p.items ?? []);
    expect(items.map((i) => [i.image, i.status, i.label])).toEqual([
      ['left.mp4', 'ok', 'left'],
      ['right.mp4', 'ok', 'right'],
    ]);
    expect(items.every((i) => ['gradcampp', 'borex:gradcampp'].every((m) => i.methods[m].status === 'ok' && typeof i.methods[m].insertion === 'number'))).toBe(true);
  });
});

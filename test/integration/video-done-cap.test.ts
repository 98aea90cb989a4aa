/**
 * The size bound of the video-done event (src/app/video-done.ts) through a real `borex serve`:
 * with the bound set between one motion-v1 map (16×64² float32 = 262 144 bytes) and two, a RISE-3D
 * job (one map) still carries it inline, and a BOREx-3D job (map + prior) leaves both out, says so
 * (mapsOmitted) and the view's reader (renderer lib/video/fetch-maps.ts) gets them from the job's
 * saliency.npy / prior.npy over HTTP: the prior equal to the one the job sent live, both maps' frame
 * means equal to the result's per-frame importance. The server kept the maps: exporting works.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { frameImportance } from '../../src/engine/jobs/explain-video.ts';
import type { JobEvent, OpenedVideo } from '../../src/shared/api.ts';
import { fromWire } from '../../src/shared/wire.ts';
import { withFetchedMaps } from '../../src/renderer/src/lib/video/fetch-maps.ts';
import { tempDir } from '../helpers/cli.ts';
import { startServe, type Serve } from '../fault/child.ts';
import { squareClip } from '../e2e/video-clips.ts';

const T = 16;
const S = 64;
const ONE_MAP = T * S * S * 4;
const LIMIT = 300_000;

type Done = Extract<JobEvent, { type: 'video-done' }>;
type Progress = Extract<JobEvent, { type: 'progress' }>;

describe('video-done: maps past the bound are fetched from the job files', () => {
  let serve: Serve;
  let ws: WebSocket;
  const events: { event: JobEvent; bytes: number }[] = [];
  const dir = tempDir();
  let video: OpenedVideo;
  const ended = async (jobId: string) => {
    await expect.poll(() => events.find((e) => e.event.jobId === jobId && e.event.type !== 'progress'), { timeout: 240_000, interval: 100 }).toBeDefined();
    return events.find((e) => e.event.jobId === jobId && e.event.type !== 'progress')!;
  };
  const start = async (call: string, body: unknown) => {
    const r = await serve.api(call, body);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return (r.json as { jobId: string }).jobId;
  };
  const fileUrl = (jobId: string) => (file: string) => `http://127.0.0.1:${serve.port}/api/jobs/${jobId}/files/${file}?token=${serve.token}`;

  beforeAll(async () => {
    const clip = await squareClip(path.join(dir, 'left.mp4'), -1);
    serve = await startServe({ BOREX_VIDEO_DONE_INLINE_BYTES: String(LIMIT) }, ['--runs', tempDir()]);
    ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api/events?token=${serve.token}`, { origin: `http://127.0.0.1:${serve.port}` });
    ws.on('message', (d: Buffer) => events.push({ event: fromWire<JobEvent>(d.toString()), bytes: d.length }));
    await new Promise((resolve) => ws.once('open', resolve));
    video = (await serve.upload('videos', 'left.mp4', fs.readFileSync(clip))).json as OpenedVideo;
  });
  afterAll(async () => {
    ws?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
  });

  it('one map under the bound: inline, as before', async () => {
    const jobId = await start('explain-video', { videoId: video.id, model: 'motion-v1', method: 'rise', prior: 'none', preset: 'paper', advanced: { masks: 100 } });
    const { event, bytes } = await ended(jobId);
    const done = event as Done;
    expect(done.type).toBe('video-done');
    expect(done.mapsOmitted).toBeUndefined();
    expect(done.maps).toHaveLength(1);
    expect(done.maps[0].length).toBe(T * S * S);
    expect(bytes).toBeGreaterThan((ONE_MAP * 4) / 3); // base64 of the map
    expect(await withFetchedMaps(done, fileUrl(jobId))).toBe(done); // nothing to fetch
  }, 300_000);

  it('map + prior over the bound: left out, read back from saliency.npy and prior.npy; export still works', async () => {
    const jobId = await start('explain-video', { videoId: video.id, model: 'motion-v1', method: 'borex', prior: 'rise', preset: 'paper', advanced: { masks: 100, iterations: 5 } });
    const { event, bytes } = await ended(jobId);
    const done = event as Done;
    expect(done.type, JSON.stringify(done).slice(0, 300)).toBe('video-done');
    expect(done.mapsOmitted).toEqual({ bytes: 2 * ONE_MAP, limit: LIMIT });
    expect(done.maps).toEqual([]);
    expect('priorMaps' in done).toBe(false);
    expect(bytes).toBeLessThan(ONE_MAP / 2); // the summary and curves only
    // uncertainty.npy (BOREx-3D's σ) is not in the event at any size: the view reads it when asked.
    expect(done.files.sort()).toEqual(['prior.npy', 'result.json', 'saliency.npy', 'uncertainty.npy']);

    const full = await withFetchedMaps(done, fileUrl(jobId));
    expect(full.maps).toHaveLength(1);
    expect(full.priorMaps).toHaveLength(1);
    expect(full.maps[0].length).toBe(T * S * S);
    const livePrior = events.map((e) => e.event).find((e): e is Progress => e.jobId === jobId && e.type === 'progress' && !!e.priorMap)!.priorMap!;
    expect(Array.from(full.priorMaps![0])).toEqual(Array.from(livePrior));
    const clip = done.result.clips[0];
    expect(frameImportance(full.maps[0], T)).toEqual(clip.frameImportance);
    expect(frameImportance(full.priorMaps![0], T)).toEqual(clip.prior!.frameImportance);

    const exportJob = await start('export-video', { jobId, layout: 'prior-refined' });
    expect((await ended(exportJob)).event).toMatchObject({ type: 'export-done', frames: 32 });
  }, 300_000);
});

/**
 * Issue 12, the video view's media through a real `borex serve` (child process, engine worker):
 * a video upload streamed to disk under its own limit (413 over it, declared or chunked), a
 * non-video refused naming the user's file, the probe's reply (frame count, pts per frame,
 * playable or not), GET /api/media/<id> with HTTP Range (206 bytes equal to the file's, 416 past
 * the end), and an AVI — which Chromium cannot play — made playable by a proxy job whose progress,
 * cancel and result (an H.264 MP4 of the same 164 frames) come over the WebSocket.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { probeVideo } from '../../src/engine/media/video/probe.ts';
import type { JobEvent, OpenedVideo } from '../../src/shared/api.ts';
import { fromWire } from '../../src/shared/wire.ts';
import { asset, assetStatus } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';
import { startServe, type Serve } from '../fault/child.ts';

const { skip } = assetStatus('video/mmaction2/demo.mp4', 'video/mmaction2/test.avi');
const LIMIT = 1_000_000;

describe.skipIf(skip)('video media through borex serve', () => {
  let serve: Serve;
  let ws: WebSocket;
  const events: JobEvent[] = [];
  const base = () => `http://127.0.0.1:${serve.port}/api`;
  const auth = () => ({ authorization: `Bearer ${serve.token}` });
  const ended = async (jobId: string, ms = 120_000) => {
    await expect.poll(() => events.find((e) => e.jobId === jobId && e.type !== 'progress'), { timeout: ms, interval: 100 }).toBeDefined();
    return events.find((e) => e.jobId === jobId && e.type !== 'progress')!;
  };
  const get = (p: string, headers: Record<string, string> = {}) => fetch(`${base()}/${p}`, { headers: { ...auth(), ...headers } });

  beforeAll(async () => {
    serve = await startServe({}, ['--max-video-bytes', String(LIMIT)]);
    ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api/events?token=${serve.token}`, { origin: `http://127.0.0.1:${serve.port}` });
    ws.on('message', (d: Buffer) => events.push(fromWire<JobEvent>(d.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
  });
  afterAll(async () => {
    ws?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
  });

  it('opens an MP4: its probe, one pts per decoded frame, playable as is', async () => {
    const r = await serve.upload('videos', 'demo.mp4', fs.readFileSync(asset('video/mmaction2/demo.mp4')));
    expect(r.status).toBe(200);
    const v = r.json as OpenedVideo;
    expect(v).toMatchObject({ kind: 'video', name: 'demo.mp4', codec: 'h264', width: 340, height: 256, displayWidth: 427, sar: { num: 64, den: 51 }, frameCount: 280, browserPlayable: true, mime: 'video/mp4', proxyReady: false });
    expect(v.pts).toHaveLength(280);
    expect(v.durations).toHaveLength(280);
    const probed = await probeVideo(asset('video/mmaction2/demo.mp4'));
    expect(v.pts).toEqual(Array.from(probed.pts));
    // The stored copy is the session's: never a path in the reply.
    expect(JSON.stringify(v)).not.toContain(serve.workDir);
  });

  it('serves it for <video> with HTTP Range: 206 bytes equal to the file, 416 past the end, 404 for a proxy not made', async () => {
    const bytes = fs.readFileSync(asset('video/mmaction2/demo.mp4'));
    const { id } = (await serve.upload('videos', 'demo.mp4', bytes)).json as OpenedVideo;
    const whole = await get(`media/${id}?variant=original`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await get(`media/${id}?variant=original`, { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(part.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);

    const open = await get(`media/${id}`, { range: `bytes=${bytes.length - 10}-` });
    expect(open.status).toBe(206);
    expect(Buffer.from(await open.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const suffix = await get(`media/${id}`, { range: 'bytes=-500' });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(bytes.length - 500))).toBe(true);

    const past = await get(`media/${id}`, { range: `bytes=${bytes.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    const noProxy = await get(`media/${id}?variant=proxy`);
    expect(noProxy.status).toBe(404);
    expect(((await noProxy.json()) as { error: { message: string } }).error.message).toBe('demo.mp4 has no proxy yet: start a makeProxy job for it');
    expect((await get(`media/${id}?variant=../../etc/passwd`)).status).toBe(400);
    expect((await get('media/nosuchid')).status).toBe(404);
    expect((await fetch(`${base()}/media/${id}`)).status).toBe(401);
  });

  it('refuses a non-video by its name (422), also one named .mp4 that is not a video', async () => {
    const txt = await serve.upload('videos', 'notes.txt', Buffer.from('hello'));
    expect(txt.status).toBe(422);
    expect((txt.json as { error: { kind: string; message: string } }).error).toEqual({ kind: 'bad-input', message: 'notes.txt: not a video file (.mp4 .m4v .mov .webm .mkv .avi)' });
    const fake = await serve.upload('videos', 'holiday.mp4', Buffer.from('this is not a video at all, only text'.repeat(20)));
    expect(fake.status).toBe(422);
    const message = (fake.json as { error: { message: string } }).error.message;
    expect(message).toMatch(/^holiday\.mp4: is not a video ffmpeg can read \(holiday\.mp4: Invalid data found/);
    expect(message).not.toContain(serve.workDir);
    // Nothing of the refused uploads is kept in the session.
    expect(fs.readdirSync(path.join(serve.workDir, 'videos')).length).toBe(2);
  });

  it('refuses an upload over --max-video-bytes with 413, declared or streamed (chunked)', async () => {
    const big = Buffer.alloc(LIMIT + 1, 7);
    const declared = await serve.upload('videos', 'big.mp4', big);
    expect(declared.status).toBe(413);
    expect((declared.json as { error: { message: string } }).error.message).toBe('big.mp4: over the 1000000 bytes a video upload may have');
    // Chunked: no Content-Length, so the limit is found while streaming to disk.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: serve.port, method: 'POST', path: '/api/videos?name=big.mp4', headers: { ...auth(), 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(LIMIT / 10, 1));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.message).toBe('big.mp4: over the 1000000 bytes a video upload may have');
    expect(fs.readdirSync(path.join(serve.workDir, 'videos')).length).toBe(2);
  });

  it('explains a real clip (demo.mp4, SAR 64:51) and exports it: a cancel mid-export leaves no file, the export keeps its 280 frames and size', async () => {
    const v = (await serve.upload('videos', 'demo.mp4', fs.readFileSync(asset('video/mmaction2/demo.mp4')))).json as OpenedVideo;
    const explain = (await serve.api('explain-video', { videoId: v.id, model: 'motion-v1', method: 'rise', prior: 'none', preset: 'paper', advanced: { masks: 50 } })).json as { jobId: string };
    const done = await ended(explain.jobId);
    expect(done.type, JSON.stringify(done).slice(0, 300)).toBe('video-done');
    // motion-v1 stretches to 64×64: the geometry maps its window onto the stored 340×256 frames.
    expect((done as Extract<JobEvent, { type: 'video-done' }>).geometry).toMatchObject({ photoWidth: 340, photoHeight: 256, width: 64, height: 64 });

    const first = (await serve.api('export-video', { jobId: explain.jobId })).json as { jobId: string };
    await expect.poll(() => events.some((e) => e.jobId === first.jobId && e.type === 'progress' && e.done > 0), { timeout: 60_000, interval: 10 }).toBe(true);
    await serve.api('cancel', { jobId: first.jobId });
    expect(await ended(first.jobId)).toMatchObject({ type: 'failed', kind: 'cancelled' });
    expect(fs.readdirSync(path.join(serve.workDir, 'jobs', first.jobId))).toEqual([]);
    expect((await get(`jobs/${first.jobId}/files/annotated.mp4`)).status).toBe(404);

    const second = (await serve.api('export-video', { jobId: explain.jobId, layout: 'original-map' })).json as { jobId: string };
    expect(await ended(second.jobId)).toMatchObject({ type: 'export-done', frames: 280 });
    const file = path.join(tempDir(), 'annotated.mp4');
    fs.writeFileSync(file, Buffer.from(await (await get(`jobs/${second.jobId}/files/annotated.mp4`)).arrayBuffer()));
    const mp4 = await probeVideo(file);
    const source = await probeVideo(asset('video/mmaction2/demo.mp4'));
    expect(mp4).toMatchObject({ frameCount: 280, width: 680, height: 256, sar: { num: 64, den: 51 } });
    expect(mp4.duration).toBeCloseTo(source.duration, 2);
  });

  it('plays an AVI through its proxy: progress, a cancel that leaves nothing, then 164 H.264 frames', async () => {
    const avi = (await serve.upload('videos', 'test.avi', fs.readFileSync(asset('video/mmaction2/test.avi')))).json as OpenedVideo;
    expect(avi).toMatchObject({ name: 'test.avi', codec: 'mpeg4', frameCount: 164, browserPlayable: false, mime: 'video/x-msvideo' });

    // Cancelled at its first progress: failed 'cancelled', no proxy file, variant proxy still 404.
    const first = (await serve.api('make-proxy', { videoId: avi.id })).json as { jobId: string };
    await expect.poll(() => events.some((e) => e.jobId === first.jobId && e.type === 'progress'), { timeout: 60_000, interval: 20 }).toBe(true);
    await serve.api('cancel', { jobId: first.jobId });
    expect(await ended(first.jobId)).toMatchObject({ type: 'failed', kind: 'cancelled' });
    expect((await get(`media/${avi.id}?variant=proxy`)).status).toBe(404);
    const videoDir = path.join(serve.workDir, 'videos', fs.readdirSync(path.join(serve.workDir, 'videos')).find((d) => fs.existsSync(path.join(serve.workDir, 'videos', d, 'test.avi')))!);
    expect(fs.readdirSync(videoDir)).toEqual(['test.avi']);

    const { jobId } = (await serve.api('make-proxy', { videoId: avi.id })).json as { jobId: string };
    const done = await ended(jobId);
    expect(done).toMatchObject({ type: 'proxy-done', videoId: avi.id, frames: 164 });
    expect((done as { pts: number[] }).pts).toHaveLength(164);
    const progress = events.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.jobId === jobId && e.type === 'progress');
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.every((p) => p.stage === 'proxy' && p.total === 164)).toBe(true);
    expect(progress.at(-1)!.done).toBe(164);
    expect(progress.some((p) => typeof p.etaMs === 'number')).toBe(true);

    const res = await get(`media/${avi.id}?variant=proxy`, { range: 'bytes=0-' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const file = path.join(tempDir(), 'proxy.mp4');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const proxy = await probeVideo(file);
    expect(proxy).toMatchObject({ codec: 'h264', frameCount: 164, width: avi.width, height: avi.height, browserPlayable: true });
  });
});

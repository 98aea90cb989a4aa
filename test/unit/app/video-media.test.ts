/**
 * The video view's media in the app (issue 12): HTTP Range answered alike by serve and the app://
 * protocol (src/app/media-range.ts), app://studio/api/media/<id> serving a video opened by path
 * with ranges, and a video opened by path in the app (main has re-checked it): its probe and pts,
 * a non-video refused by name, a tube checked against the video naming the tube file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerRange, rangeHeaders } from '../../../src/app/media-range.ts';
import { ApiBackend } from '../../../src/app/backend.ts';
import { encodeVideo } from '../../../src/engine/media/video/encode.ts';
import { engineRequest } from '../../../src/engine/worker/handlers/explain.ts';
import { appProtocolHandler } from '../../../src/main/app-protocol.ts';
import type { ExplainRequest } from '../../../src/shared/api.ts';
import { borex, tempDir } from '../../helpers/cli.ts';
import { FakeHost } from '../api/fake-host.ts';

describe('answerRange', () => {
  it.each([
    [undefined, 100, { status: 200 }],
    ['bytes=0-9', 100, { status: 206, start: 0, end: 9 }],
    ['bytes=90-', 100, { status: 206, start: 90, end: 99 }],
    ['bytes=90-500', 100, { status: 206, start: 90, end: 99 }],
    ['bytes=-10', 100, { status: 206, start: 90, end: 99 }],
    ['bytes=-500', 100, { status: 206, start: 0, end: 99 }],
    ['bytes=100-', 100, { status: 416 }],
    ['bytes=20-10', 100, { status: 416 }],
    ['bytes=-0', 100, { status: 416 }],
    ['bytes=0-1,5-6', 100, { status: 200 }],
    ['items=0-1', 100, { status: 200 }],
    ['bytes=-', 100, { status: 200 }],
  ] as const)('%s of %i bytes → %o', (header, size, expected) => {
    expect(answerRange(header, size)).toEqual(expected);
  });

  it('says the range and the length it sends', () => {
    expect(rangeHeaders({ status: 206, start: 90, end: 99 }, 100)).toEqual({ 'accept-ranges': 'bytes', 'content-range': 'bytes 90-99/100', 'content-length': '10' });
    expect(rangeHeaders({ status: 416 }, 100)).toEqual({ 'accept-ranges': 'bytes', 'content-range': 'bytes */100' });
  });
});

describe('videos in the app (opened by path)', () => {
  const dir = tempDir();
  const clip = path.join(dir, 'My clip.mp4');

  it('opens a video by path, serves it from app:// with ranges, refuses a non-video and a bad tube by name', async () => {
    const frames = Array.from({ length: 6 }, (_, k) => new Uint8Array(16 * 16 * 3).fill(40 * k));
    await encodeVideo(clip, frames, { width: 16, height: 16, fps: 25 });
    const backend = new ApiBackend(new FakeHost(), tempDir(), 'ipc');
    const v = await backend.openVideo({ path: clip });
    expect(v).toMatchObject({ name: 'My clip.mp4', frameCount: 6, codec: 'h264', browserPlayable: true, proxyReady: false });
    expect(v.pts.map((t) => Math.round((t - v.pts[0]) * 25))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(v.durations).toHaveLength(6);

    const handler = appProtocolHandler(dir, backend);
    const bytes = fs.readFileSync(clip);
    const part = handler(new Request(`app://studio/api/media/${v.id}?variant=original`, { headers: { range: 'bytes=4-13' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 4-13/${bytes.length}`);
    expect(part.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(4, 14))).toBe(true);
    const whole = handler(new Request(`app://studio/api/media/${v.id}`));
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    expect(handler(new Request(`app://studio/api/media/${v.id}`, { headers: { range: `bytes=${bytes.length}-` } })).status).toBe(416);
    expect(handler(new Request(`app://studio/api/media/${v.id}?variant=proxy`)).status).toBe(404);
    expect(handler(new Request('app://studio/api/media/nope')).status).toBe(404);

    const notes = path.join(dir, 'notes.mp4');
    fs.writeFileSync(notes, 'not a video');
    await expect(backend.openVideo({ path: notes })).rejects.toThrow(/^.*notes\.mp4: is not a video ffmpeg can read/);
    await expect(backend.openVideo({ path: path.join(dir, 'a.txt') })).rejects.toThrow('a.txt: not a video file (.mp4 .m4v .mov .webm .mkv .avi)');

    const tube = path.join(dir, 'far.tube.csv');
    fs.writeFileSync(tube, 'frame,x0,y0,x1,y1\n7,0,0,4,4\n');
    const t = backend.openTube({ path: tube });
    expect(t.name).toBe('far.tube.csv');
    expect(() => backend.explainVideo({ videoId: v.id, model: 'motion-v1', method: 'rise', prior: 'none', preset: 'paper', tubeId: t.id })).toThrow(/^.*far\.tube\.csv: /);
    expect(() => backend.openTube({ path: path.join(dir, 'boxes.xml') })).toThrow('boxes.xml: a tube file is .json');
  });
});

describe('borex serve --max-video-bytes', () => {
  it('must be a positive integer (usage error, exit 2, before anything starts)', () => {
    const r = borex(['serve', '--max-video-bytes', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-video-bytes must be an integer ≥ 1, got "0"');
  });
});

describe('model listings', () => {
  it('mark the clip models (the Video view lists those, the Explain view the others)', () => {
    const models = new ApiBackend(new FakeHost(), tempDir(), 'http').info().models;
    expect(Object.fromEntries(models.map((m) => [m.name, m.clip]))).toMatchObject({ 'motion-v1': true, 'shapes-v1': false, 'mobilenetv2-12-int8': false });
  });
});

describe("explain's occlusion baseline", () => {
  const request: ExplainRequest = { imageId: 'x', model: 'm', method: 'rise', prior: 'none', preset: 'paper' };
  it("is the request's, else the model spec's own, else mean", () => {
    expect(engineRequest('a.png', request).baseline).toBe('mean');
    expect(engineRequest('a.png', request, undefined, undefined, 'blur').baseline).toBe('blur');
    expect(engineRequest('a.png', { ...request, advanced: { baseline: 'black' } }, undefined, undefined, 'blur').baseline).toBe('black');
  });
});

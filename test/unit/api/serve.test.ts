import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiBackend } from '../../../src/app/backend.ts';
import { listBatchInput } from '../../../src/engine/jobs/batch-input.ts';
import { resolveMethods } from '../../../src/engine/jobs/batch-methods.ts';
import { openRun, type BatchSpec } from '../../../src/engine/jobs/batch.ts';
import type { Classifier } from '../../../src/engine/model/classifier.ts';
import { RESOURCES_DIR } from '../../../src/engine/model/catalogue.ts';
import { resolveModel } from '../../../src/engine/model/model-store.ts';
import { startServer, type RunningServer } from '../../../src/cli/serve/server.ts';
import type { JobEvent } from '../../../src/shared/api.ts';
import { fromWire } from '../../../src/shared/wire.ts';
import { tempDir } from '../../helpers/cli.ts';
import { FakeHost } from './fake-host.ts';

/**
 * A run on disk stopped after its first photo, as Cancel or a crash leaves it, written by the
 * engine's own run store: two sample photos, the bundled model, RISE.
 */
function writeStoppedRun(runDir: string, photos: string): void {
  fs.mkdirSync(photos, { recursive: true });
  for (const f of ['shapes-01-circle.png', 'shapes-02-square.png']) fs.copyFileSync(path.join(RESOURCES_DIR, 'samples', f), path.join(photos, f));
  const input = listBatchInput(photos);
  const model = resolveModel('shapes-v1');
  const spec: BatchSpec = { input, methods: resolveMethods('rise', { preset: 'paper', seed: 0 }), baseline: 'mean', resizeFilter: 'linear', metrics: { enabled: true, insertionStart: 'blur' }, maps: 'none' };
  const store = openRun(runDir, spec, { spec: model.spec } as Classifier, { name: model.name, path: model.file, sha256: model.sha256 }, false);
  store.commitEntry([{ entry: 0, part: 0, parts: 1, key: input.entries[0].image, image: input.entries[0].image, status: 'failed', error: { kind: 'bad-input', message: 'unreadable' } }], []);
  store.close();
}

/** Raw HTTP, so tests can send any Host header (fetch cannot). */
function request(port: number, o: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path, headers: { host: `127.0.0.1:${port}`, ...o.headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

describe('borex serve (fake engine)', () => {
  let server: RunningServer;
  let host: FakeHost;
  let png: Buffer;
  const work = tempDir();
  const root = tempDir();
  const ui = path.join(root, 'ui');
  const auth = () => ({ authorization: `Bearer ${server.token}` });
  const json = (p: string, body: unknown) => request(server.port, { method: 'POST', path: `/api/${p}`, headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    fs.mkdirSync(ui);
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>t</title>');
    fs.writeFileSync(path.join(root, 'outside.txt'), 'secret');
    host = new FakeHost();
    server = await startServer({ backend: new ApiBackend(host, work, 'http'), uiDir: ui, maxUploadBytes: 1 << 20, maxModelBytes: 64 << 10 });
    png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#f00' } }).png().toBuffer();
  });
  afterAll(() => server.close());

  it('prints a loopback URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it.each([
    ['POST', '/api/info'],
    ['POST', '/api/classify'],
    ['POST', '/api/explain'],
    ['POST', '/api/cancel'],
    ['POST', '/api/resume-run'],
    ['POST', '/api/images'],
    ['POST', '/api/models?name=m.onnx'],
    ['POST', '/api/model-files?name=m.borex.json'],
    ['GET', '/api/images/x'],
    ['GET', '/api/jobs/x/files/result.json'],
    ['GET', '/api/nothing-here'],
  ])('refuses %s %s without the token (401)', async (method, p) => {
    expect((await request(server.port, { method, path: p })).status).toBe(401);
    expect((await request(server.port, { method, path: p, headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await request(server.port, { method, path: `${p}?token=${server.token.slice(1)}` })).status).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    expect((await request(server.port, { path: '/', headers: { host: 'evil.example' } })).status).toBe(403);
    expect((await request(server.port, { method: 'POST', path: '/api/info', headers: { ...auth(), host: `evil.example:${server.port}` } })).status).toBe(403);
    expect((await request(server.port, { method: 'POST', path: '/api/info', headers: { ...auth(), origin: 'http://evil.example' } })).status).toBe(403);
    expect((await request(server.port, { method: 'POST', path: '/api/info', headers: { ...auth(), origin: `http://localhost:${server.port}` } })).status).toBe(200);
  });

  it('serves the page with a strict CSP and never files outside the UI directory', async () => {
    const page = await request(server.port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    const escape = await request(server.port, { path: '/..%2f..%2foutside.txt' });
    expect(escape.body).not.toContain('secret');
  });

  it('validates every JSON call (400 with the reason)', async () => {
    const bad = await json('explain', { imageId: 'x', model: 'mobilenetv2-12-int8', method: 'borex', prior: 'rise', preset: 'paper', rogue: 1 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toBe('rogue: unknown field');
    expect((await json('classify', { imageId: 'nope', model: 'mobilenetv2-12-int8' })).status).toBe(404);
    const notJson = await request(server.port, { method: 'POST', path: '/api/cancel', headers: { ...auth(), 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    const wrongType = await request(server.port, { method: 'POST', path: '/api/cancel', headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' });
    expect(wrongType.status).toBe(400);
  });

  it('accepts image uploads, refuses non-images and oversized bodies', async () => {
    const up = await request(server.port, { method: 'POST', path: '/api/images?name=red.png', headers: auth(), body: png });
    expect(up.status).toBe(200);
    expect(JSON.parse(up.body)).toMatchObject({ name: 'red.png', width: 8, height: 6 });
    const notImage = await request(server.port, { method: 'POST', path: '/api/images?name=x.png', headers: auth(), body: 'hello' });
    expect(notImage.status).toBe(422);
    const huge = await request(server.port, { method: 'POST', path: '/api/images?name=big.png', headers: auth(), body: Buffer.alloc((1 << 20) + 10) });
    expect(huge.status).toBe(413);
    const id = JSON.parse(up.body).id as string;
    const back = await request(server.port, { path: `/api/images/${id}?token=${server.token}` });
    expect(back.status).toBe(200);
    const classified = await json('classify', { imageId: id, model: 'mobilenetv2-12-int8' });
    expect(JSON.parse(classified.body).top5[0].name).toBe('one');
    // Prior maps: only map file types, and prior 'file' needs one.
    expect((await request(server.port, { method: 'POST', path: '/api/priors?name=evil.sh', headers: auth(), body: 'x' })).status).toBe(422);
    // A prior is read when it is chosen: garbage is refused naming the user's file (not the stored copy).
    const garbage = await request(server.port, { method: 'POST', path: '/api/priors?name=../../p.npy', headers: auth(), body: 'x' });
    expect(garbage.status).toBe(422);
    expect(JSON.parse(garbage.body).error.message).toMatch(/^p\.npy: not usable as a prior: /);
    const prior = await request(server.port, { method: 'POST', path: '/api/priors?name=../../p.npy', headers: auth(), body: npyFloat32(32, 32, Array.from({ length: 1024 }, (_, i) => i)) });
    expect(JSON.parse(prior.body)).toMatchObject({ name: 'p.npy' });
    const explain = { imageId: id, model: 'mobilenetv2-12-int8', method: 'borex', prior: 'file', preset: 'paper' };
    const noFile = await json('explain', explain);
    expect(noFile.status).toBe(400);
    expect(JSON.parse(noFile.body).error.message).toMatch(/needs priorFileId/);
    expect((await json('explain', { ...explain, priorFileId: JSON.parse(prior.body).id })).status).toBe(200);
  });

  it('uploads a user model with its spec and labels; it is listed, and requests name it user:<id>', async () => {
    const upload = (p: string, body: Buffer | string) => request(server.port, { method: 'POST', path: `/api/${p}`, headers: auth(), body });
    const spec = JSON.parse((await upload('model-files?name=whatever.borex.json', '{"resize": "stretch"}')).body);
    expect(spec).toMatchObject({ kind: 'spec', name: 'whatever.borex.json' });
    const labels = JSON.parse((await upload('model-files?name=names.txt', 'circle\nsquare\n')).body);
    const up = await upload(`models?name=my%20model.onnx&spec=${spec.id}&labels=${labels.id}`, 'onnx bytes');
    expect(up.status).toBe(200);
    const listing = JSON.parse(up.body);
    expect(listing).toMatchObject({ name: expect.stringMatching(/^user:[A-Za-z0-9_-]+$/), available: true, user: { fileName: 'my model.onnx', classes: 2, specSource: 'whatever.borex.json', labels: 'names.txt' } });
    // Stored beside the model under the sidecar name the engine reads; the engine gets the paths.
    const job = host.jobs.at(-1)!;
    expect(job).toMatchObject({ kind: 'open-model', model: { key: listing.name, file: expect.stringMatching(/my model\.onnx$/), labelsFile: expect.stringMatching(/names\.txt$/) } });
    const stored = (job as { model: { file: string } }).model.file;
    expect(fs.readFileSync(stored.replace(/\.onnx$/, '.borex.json'), 'utf8')).toBe('{"resize": "stretch"}');
    expect(JSON.parse((await json('info', {})).body).models.map((m: { name: string }) => m.name)).toContain(listing.name);

    const photo = JSON.parse((await upload('images?name=red.png', png)).body);
    expect(JSON.parse((await json('classify', { imageId: photo.id, model: listing.name })).body).model).toBe(listing.name);
    expect(host.jobs.at(-1)).toMatchObject({ kind: 'classify', model: { key: listing.name, file: stored } });
    // A staged companion is used once.
    expect((await upload(`models?name=again.onnx&spec=${spec.id}`, 'onnx bytes')).status).toBe(400);
  });

  it.each([
    ['models?name=model.bin', 'x', 400, /name: expected a string matching/],
    ['models?name=..%2Fm.onnx', 'x', 400, /name: expected a string matching/],
    ['models?name=m.onnx&labels=nope', 'x', 400, /labels: no uploaded labels file with id nope/],
    ['models?name=m.onnx&extra=1', 'x', 400, /extra: unknown field/],
    ['models?name=m.onnx', '', 422, /m\.onnx: the file is empty/],
    ['models?name=big.onnx', 'B'.repeat((64 << 10) + 1), 413, /big\.onnx: over the 65536 bytes a model upload may have/],
    ['models?name=not-a-model.onnx', 'not a model', 422, /^not-a-model\.onnx: is not an image classifier/],
    ['model-files?name=run.sh', 'x', 422, /run\.sh: a model's companion is its spec/],
    ['model-files?name=names.txt', 'a\0b', 422, /not a text file/],
  ])('refuses a bad model upload %s', async (p, body, status, message) => {
    const res = await request(server.port, { method: 'POST', path: `/api/${p}`, headers: auth(), body });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body).error.message).toMatch(message);
  });

  it('refuses an oversized model sent without a length (checked while it streams in)', async () => {
    const res = await request(server.port, { method: 'POST', path: '/api/models?name=big.onnx', headers: { ...auth(), 'transfer-encoding': 'chunked' }, body: 'B'.repeat((64 << 10) + 1) });
    expect(res.status).toBe(413);
    expect(fs.readdirSync(path.join(work, 'models')).every((d) => fs.readdirSync(path.join(work, 'models', d)).length > 0)).toBe(true); // nothing half-written is kept
  });

  it('refuses requests naming an unknown model', async () => {
    const photo = JSON.parse((await request(server.port, { method: 'POST', path: '/api/images?name=red.png', headers: auth(), body: png })).body);
    for (const model of ['user:unknown', 'resnet-9000']) {
      const res = await json('explain', { imageId: photo.id, model, method: 'rise', prior: 'none', preset: 'paper' });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.message).toMatch(/unknown model/);
    }
    expect((await json('batch', { imageIds: [photo.id], model: 'user:unknown', methods: ['rise'], preset: 'paper' })).status).toBe(400);
  });

  it('resumes a run named by its id only; refuses paths, unknown runs and runs whose inputs are gone', async () => {
    const runs = path.join(work, 'runs');
    writeStoppedRun(path.join(runs, 'stopped'), path.join(root, 'photos-a'));
    const started = await json('resume-run', { runId: 'stopped' });
    expect(started.status).toBe(200);
    expect(JSON.parse(started.body)).toEqual({ jobId: expect.stringMatching(/^[A-Za-z0-9_-]+$/), runId: 'stopped' });
    expect(host.jobs.at(-1)).toEqual({ kind: 'resume', runDir: path.join(runs, 'stopped'), model: { key: 'shapes-v1' } });
    const twice = await json('resume-run', { runId: 'stopped' });
    expect([twice.status, JSON.parse(twice.body).error.message]).toEqual([400, 'run stopped is already running in this session']);
    host.finish(host.jobs.length, { methods: ['rise'], summary: { entries: 2, skipped: 1, processed: 1, ok: 1, failed: 0, noItem: 0, elapsedMs: 1 } });

    const listed = JSON.parse((await json('runs', {})).body).runs as { runId: string; items: number; remaining: number }[];
    expect(listed.find((r) => r.runId === 'stopped')).toMatchObject({ entries: 2, items: 1, remaining: 1 });
    for (const [body, status, message] of [
      [{ runId: '../runs/stopped' }, 400, /^runId: expected a string matching/],
      [{ runId: 'stopped', dir: '/tmp' }, 400, /^dir: unknown field$/],
      [{}, 400, /^runId: expected a string, got undefined$/],
      [{ runId: 'nope' }, 404, new RegExp(`^no run nope in ${runs}$`)],
    ] as const) {
      const res = await json('resume-run', body);
      expect([res.status, JSON.parse(res.body).error.message]).toEqual([status, expect.stringMatching(message)]);
    }

    writeStoppedRun(path.join(runs, 'photo-gone'), path.join(root, 'photos-b'));
    fs.rmSync(path.join(root, 'photos-b', 'shapes-02-square.png'));
    const jobs = host.jobs.length;
    const gone = await json('resume-run', { runId: 'photo-gone' });
    expect(gone.status).toBe(422);
    expect(JSON.parse(gone.body).error).toEqual({ kind: 'bad-input', message: `cannot resume run photo-gone: missing the photos it listed: ${path.join(root, 'photos-b')} lists other photos now (2 then, 1 now)` });
    expect(host.jobs).toHaveLength(jobs);
  });

  it('streams job events over the WebSocket and validates what comes in', async () => {
    expect((await request(server.port, { path: '/api/events', headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'x', 'sec-websocket-version': '13', origin: `http://127.0.0.1:${server.port}` } })).status).toBe(401);
    const refusedOrigin = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { origin: 'http://evil.example' });
    await expect(new Promise((_, reject) => refusedOrigin.on('error', reject))).rejects.toThrow(/403/);

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    const received: unknown[] = [];
    ws.on('message', (d: Buffer) => received.push(fromWire(d.toString())));
    await new Promise((r) => ws.on('open', r));
    const up = JSON.parse((await request(server.port, { method: 'POST', path: '/api/images?name=red.png', headers: auth(), body: png })).body);
    const started = JSON.parse((await json('explain', { imageId: up.id, model: 'mobilenetv2-12-int8', method: 'rise', prior: 'none', preset: 'paper' })).body);
    host.progress(host.jobs.length, { stage: 'rise', done: 1, total: 2, partialMap: new Float32Array([0.5, 1]) });
    ws.send(JSON.stringify({ type: 'shutdown' }));
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'cancel', jobId: started.jobId }));
    await expect.poll(() => received.length).toBeGreaterThanOrEqual(5);
    const progress = received.find((m) => (m as JobEvent).type === 'progress') as Extract<JobEvent, { type: 'progress' }>;
    expect(progress.jobId).toBe(started.jobId);
    expect(Array.from(progress.partialMap!)).toEqual([0.5, 1]);
    const errors = received.filter((m) => (m as { type: string }).type === 'error') as { error: { message: string } }[];
    expect(errors.map((e) => e.error.message)).toEqual([expect.stringMatching(/type: expected one of cancel, ping/), 'not JSON']);
    expect(received).toContainEqual({ type: 'cancel-result', jobId: started.jobId, cancelled: true });
    expect(received).toContainEqual({ type: 'failed', jobId: started.jobId, kind: 'cancelled', message: 'cancelled' });
    ws.close();
  });
});

/** A float32 H×W .npy (format 1.0), as numpy writes it (over 4 KB: the engine's reader fails on smaller ones, a Buffer-pool alignment bug reported separately). */
function npyFloat32(h: number, w: number, values: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${h}, ${w}), }`;
  header = header.padEnd(64 - 10 - 1, ' ') + '\n';
  const prefix = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from([header.length & 0xff, header.length >> 8])]);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(new Float32Array(values).buffer)]);
}

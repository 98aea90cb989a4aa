import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiBackend } from '../../../src/engine/host/backend.ts';
import { startServer, type RunningServer } from '../../../src/cli/serve/server.ts';
import type { JobEvent } from '../../../src/shared/api.ts';
import { fromWire } from '../../../src/shared/wire.ts';
import { tempDir } from '../../helpers/cli.ts';
import { FakeHost } from './fake-host.ts';

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
    server = await startServer({ backend: new ApiBackend(host, work, 'http'), uiDir: ui, maxUploadBytes: 1 << 20 });
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
    ['POST', '/api/images'],
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
    const prior = await request(server.port, { method: 'POST', path: '/api/priors?name=../../p.npy', headers: auth(), body: 'x' });
    expect(JSON.parse(prior.body)).toMatchObject({ name: 'p.npy' });
    const explain = { imageId: id, model: 'mobilenetv2-12-int8', method: 'borex', prior: 'file', preset: 'paper' };
    const noFile = await json('explain', explain);
    expect(noFile.status).toBe(400);
    expect(JSON.parse(noFile.body).error.message).toMatch(/needs priorFileId/);
    expect((await json('explain', { ...explain, priorFileId: JSON.parse(prior.body).id })).status).toBe(200);
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

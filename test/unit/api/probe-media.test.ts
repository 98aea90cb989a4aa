/** probeMedia over HTTP (`borex serve`): an uploaded photo is described; a video is refused by name. */
import http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiBackend } from '../../../src/app/backend.ts';
import { startServer, type RunningServer } from '../../../src/cli/serve/server.ts';
import { tempDir } from '../../helpers/cli.ts';
import { FakeHost } from './fake-host.ts';

function post(server: RunningServer, path: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path, headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.token}` } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('probeMedia over HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ backend: new ApiBackend(new FakeHost(), tempDir(), 'http'), uiDir: tempDir() });
  });
  afterAll(() => server.close());

  it('describes an uploaded photo: kind, name, format, size, MIME type', async () => {
    const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#f00' } }).png().toBuffer();
    const res = await post(server, '/api/probe-media?name=red.png', png);
    expect([res.status, JSON.parse(res.body)]).toEqual([200, { kind: 'image', name: 'red.png', format: 'png', width: 8, height: 6, mime: 'image/png' }]);
  });

  it('answers a video with a clear error naming the file', async () => {
    const res = await post(server, '/api/probe-media?name=clip.mp4', Buffer.from('not really a video'));
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body).error).toEqual({ kind: 'bad-input', message: expect.stringMatching(/^video is not supported yet: clip\.mp4/) });
  });
});

/** probeMedia over HTTP (`borex serve`): an uploaded photo and video are described; a broken video is refused by its name. */
import http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiBackend } from '../../../src/app/backend.ts';
import { startServer, type RunningServer } from '../../../src/cli/serve/server.ts';
import fs from 'node:fs';
import { asset, assetStatus } from '../../helpers/assets.ts';
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

  it('refuses a file that is not a video with a message naming the upload, never the server copy', async () => {
    const res = await post(server, '/api/probe-media?name=clip.mp4', Buffer.from('not really a video'));
    expect(res.status).toBe(422);
    const error = JSON.parse(res.body).error;
    expect(error).toEqual({ kind: 'bad-input', message: expect.stringMatching(/^clip\.mp4: is not a video ffmpeg can read/) });
    expect(error.message).not.toMatch(/upload|probe|\/tmp/);
  });

  it.skipIf(assetStatus('video/mmaction2/demo.mp4').skip)('describes an uploaded video as ffprobe reads it', async () => {
    const res = await post(server, '/api/probe-media?name=demo.mp4', fs.readFileSync(asset('video/mmaction2/demo.mp4')));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'video', name: 'demo.mp4', codec: 'h264', width: 340, height: 256, sar: { num: 64, den: 51 }, displayWidth: 427, frameCount: 280, variableFrameRate: false, browserPlayable: true, mime: 'video/mp4' });
  });
});

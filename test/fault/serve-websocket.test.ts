/**
 * Issue 14, item 2: one bad WebSocket frame from a client that holds the token raised an unhandled
 * 'error' and ended `borex serve` (every job lost, the session folder left in /tmp). Each bad frame
 * is sent by hand on its own upgraded connection to a real `borex serve`; the server must close
 * that connection only, keep answering, and finish the job that was open meanwhile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ROOT } from '../helpers/cli.ts';
import { closedByServer, rawWebSocket, startServe, type Serve } from './child.ts';

/** One client frame: masked unless told otherwise, the length as declared (may differ from the bytes sent). */
function frame(opcode: number, payload: Buffer, o: { mask?: boolean; fin?: boolean; rsv1?: boolean; declared?: number } = {}): Buffer {
  const mask = o.mask ?? true;
  const length = o.declared ?? payload.length;
  const first = ((o.fin ?? true) ? 0x80 : 0) | (o.rsv1 ? 0x40 : 0) | opcode;
  let head: Buffer;
  if (length < 126) head = Buffer.from([first, (mask ? 0x80 : 0) | length]);
  else if (length < 65536) {
    head = Buffer.alloc(4);
    head.writeUInt16BE(length, 2);
    head[0] = first;
    head[1] = (mask ? 0x80 : 0) | 126;
  } else {
    head = Buffer.alloc(10);
    head.writeBigUInt64BE(BigInt(length), 2);
    head[0] = first;
    head[1] = (mask ? 0x80 : 0) | 127;
  }
  if (!mask) return Buffer.concat([head, payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  return Buffer.concat([head, key, Buffer.from(payload.map((b, i) => b ^ key[i % 4]))]);
}

const BAD_FRAMES: [string, Buffer][] = [
  ['a frame over the 64 KB limit', frame(0x2, Buffer.alloc(4096, 1), { declared: 70_000 })],
  ['an unmasked text frame', frame(0x1, Buffer.from('{"type":"ping"}'), { mask: false })],
  ['a reserved opcode (0x3)', frame(0x3, Buffer.from('x'))],
  ['RSV1 set without an extension', frame(0x1, Buffer.from('{}'), { rsv1: true })],
  ['a fragmented ping', frame(0x9, Buffer.from('p'), { fin: false })],
  ['a text frame that is not UTF-8', frame(0x1, Buffer.from([0xff, 0xfe, 0xfd]))],
  ['a continuation with nothing to continue', frame(0x0, Buffer.from('x'))],
];

describe('borex serve survives bad WebSocket frames (issue 14, item 2)', () => {
  let serve: Serve;
  beforeAll(async () => {
    serve = await startServe();
  });
  afterAll(async () => {
    serve.child.kill('SIGKILL');
    await serve.exited;
  });

  it('closes each bad connection, keeps serving and finishes the open job', async () => {
    const events: { type: string; jobId?: string; at: number }[] = [];
    const good = new WebSocket(`ws://127.0.0.1:${serve.port}/api/events?token=${serve.token}`, { origin: `http://127.0.0.1:${serve.port}` });
    good.on('message', (d: Buffer) => events.push({ ...(JSON.parse(d.toString()) as { type: string; jobId?: string }), at: Date.now() }));
    await new Promise((r) => good.once('open', r));

    const png = fs.readFileSync(path.join(ROOT, 'resources/samples/shapes-01-circle.png'));
    const image = await serve.upload('images', 'circle.png', png);
    expect(image.status).toBe(200);
    const started = await serve.api('explain', { imageId: (image.json as { id: string }).id, model: 'shapes-v1', method: 'gradcam', prior: 'none', preset: 'paper' });
    expect(started.status).toBe(200);
    const jobId = (started.json as { jobId: string }).jobId;

    let lastClosed = 0;
    const closed: string[] = [];
    for (const [what, bytes] of BAD_FRAMES) {
      const socket = await rawWebSocket(serve.port, serve.token);
      socket.write(bytes);
      if (await closedByServer(socket)) closed.push(what);
      lastClosed = Date.now();
      socket.destroy();
    }
    // Half-closed: a torn frame header, then the client's FIN.
    const half = await rawWebSocket(serve.port, serve.token);
    half.end(Buffer.from([0x81, 0xfe]));
    expect(await closedByServer(half)).toBe(true);

    expect(closed).toEqual(BAD_FRAMES.map(([what]) => what));
    expect(serve.child.exitCode).toBeNull();
    const info = await serve.api('info');
    expect(info.status).toBe(200);
    expect(good.readyState).toBe(WebSocket.OPEN);

    await expect.poll(() => events.find((e) => e.jobId === jobId && (e.type === 'done' || e.type === 'failed'))?.type, { timeout: 90_000, interval: 100 }).toBe('done');
    // The job was started before the first bad frame; its events kept coming on the good socket.
    const done = events.find((e) => e.jobId === jobId && e.type === 'done')!;
    console.info(`job ${jobId} done ${done.at - lastClosed} ms after the last bad connection closed`);
    good.close();
    expect(serve.stderr()).not.toMatch(/Invalid WebSocket frame|RangeError|Uncaught/);
  });
});

/**
 * Fault suite: a WebSocket fuzz of bounded size and count against a real `borex serve`. 160
 * connections from a seeded generator (the same bytes every run), each upgraded by hand and sent
 * one of: a frame with random header bits, length and payload; a frame declaring more than the
 * 64 KB limit (up to 2^40); an unmasked frame; a reserved opcode; raw garbage; a torn header
 * then the client's FIN (half-closed); several random frames back to back; a well-formed text
 * frame holding random or hostile JSON; a ping. After each, the server must still answer
 * /api/info; a job running and one queued when the fuzz began, and one started after, must finish.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ROOT } from '../helpers/cli.ts';
import { closedByServer, rawWebSocket, jobEvents, serveForTests } from './child.ts';

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, bytes };
}
type Rng = ReturnType<typeof random>;

/** A client frame with every field chosen by the caller (length as declared, payload as given). */
function frame(o: { fin: boolean; rsv: number; opcode: number; mask: boolean; declared: number; payload: Buffer; key?: Buffer }): Buffer {
  const first = (o.fin ? 0x80 : 0) | ((o.rsv & 7) << 4) | (o.opcode & 0xf);
  const m = o.mask ? 0x80 : 0;
  let head: Buffer;
  if (o.declared < 126) head = Buffer.from([first, m | o.declared]);
  else if (o.declared < 65536) head = Buffer.from([first, m | 126, o.declared >> 8, o.declared & 0xff]);
  else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = m | 127;
    head.writeBigUInt64BE(BigInt(o.declared), 2);
  }
  if (!o.mask) return Buffer.concat([head, o.payload]);
  const key = o.key ?? Buffer.from([1, 2, 3, 4]);
  return Buffer.concat([head, key, Buffer.from(o.payload.map((b, i) => b ^ key[i % 4]))]);
}

const masked = (r: Rng, opcode: number, payload: Buffer) => frame({ fin: true, rsv: 0, opcode, mask: true, declared: payload.length, payload, key: r.bytes(4) });

const KINDS = ['random header', 'oversize', 'unmasked', 'reserved opcode', 'garbage', 'half-closed', 'several frames', 'hostile JSON text', 'ping'] as const;
type Kind = (typeof KINDS)[number];

function randomFrame(r: Rng): Buffer {
  const payload = r.bytes(r.int(2048));
  return frame({ fin: r.next() < 0.7, rsv: r.int(8), opcode: r.int(16), mask: r.next() < 0.8, declared: r.next() < 0.8 ? payload.length : r.int(200_000), payload, key: r.bytes(4) });
}

const HOSTILE = ['{"type":"cancel","jobId":"../../etc"}', '{"type":"__proto__"}', '{"type":"cancel","jobId":' + '9'.repeat(400) + '}', '[]', 'null', '{"type":"cancel"', '{"a":'.repeat(2000)];

/** The bytes of one case (and whether the client half-closes after them). */
function makeCase(kind: Kind, r: Rng): { bytes: Buffer; end: boolean } {
  switch (kind) {
    case 'random header':
      return { bytes: randomFrame(r), end: false };
    case 'oversize':
      return { bytes: frame({ fin: true, rsv: 0, opcode: 1 + r.int(2), mask: true, declared: 65_537 + r.int(2 ** 40 - 65_537), payload: r.bytes(1024 + r.int(3072)) }), end: false };
    case 'unmasked':
      return { bytes: frame({ fin: true, rsv: 0, opcode: [1, 2, 8, 9, 10][r.int(5)], mask: false, declared: 10, payload: r.bytes(10) }), end: false };
    case 'reserved opcode':
      return { bytes: masked(r, [3, 4, 5, 6, 7, 11, 12, 13, 14, 15][r.int(10)], r.bytes(r.int(100))), end: false };
    case 'garbage':
      return { bytes: r.bytes(1 + r.int(512)), end: false };
    case 'half-closed': {
      const whole = randomFrame(r);
      return { bytes: whole.subarray(0, 1 + r.int(Math.min(whole.length - 1, 12))), end: true };
    }
    case 'several frames':
      return { bytes: Buffer.concat(Array.from({ length: 2 + r.int(6) }, () => randomFrame(r))), end: false };
    case 'hostile JSON text':
      return { bytes: masked(r, 1, r.next() < 0.5 ? Buffer.from(HOSTILE[r.int(HOSTILE.length)]) : Buffer.from(r.bytes(r.int(200)).toString('latin1'), 'utf8')), end: false };
    case 'ping':
      return { bytes: masked(r, 9, r.bytes(r.int(125))), end: false };
  }
}

describe('WebSocket fuzz of borex serve (fault suite)', () => {
  const live = serveForTests();

  it('160 seeded hostile connections: after each the server answers; no job is lost', async () => {
    const serve = live();
    const { ws: good, events } = await jobEvents(serve);
    const png = fs.readFileSync(path.join(ROOT, 'resources/samples/shapes-01-circle.png'));
    const image = (await serve.upload('images', 'circle.png', png)).json as { id: string };
    const start = async (more: object) => ((await serve.api('explain', { imageId: image.id, model: 'shapes-v1', prior: 'none', preset: 'paper', ...more })).json as { jobId: string }).jobId;
    const running = await start({ method: 'rise', advanced: { masks: 3000 } });
    const queued = await start({ method: 'gradcam' });

    const r = random(14);
    const count = 160;
    const lost: string[] = [];
    const perKind = Object.fromEntries(KINDS.map((k) => [k, 0]));
    let bytesSent = 0;
    for (let i = 0; i < count; i++) {
      const kind = KINDS[i % KINDS.length];
      const { bytes, end } = makeCase(kind, r);
      bytesSent += bytes.length;
      perKind[kind]++;
      const socket = await rawWebSocket(serve.port, serve.token);
      if (end) socket.end(bytes);
      else socket.write(bytes);
      await closedByServer(socket, 250);
      socket.destroy();
      const info = await serve.api('info').catch((err: Error) => ({ status: 0, json: err.message }));
      if (info.status !== 200 || serve.child.exitCode !== null) lost.push(`case ${i} (${kind}): /api/info ${info.status}, exit ${serve.child.exitCode}`);
    }
    const end = (jobId: string) => events.find((e) => e.jobId === jobId && e.type !== 'progress')?.type;
    const after = await start({ method: 'gradcam' });
    await vi.waitFor(() => expect([end(running), end(queued), end(after)]).toEqual(['done', 'done', 'done']), { timeout: 120_000, interval: 100 });
    expect(good.readyState).toBe(WebSocket.OPEN);
    good.close();
    console.info(`FAULT-FIGURES WebSocket fuzz: tried ${count} connections (${JSON.stringify(perKind)}, ${bytesSent} bytes), survived ${count - lost.length}, lost ${lost.length}; jobs running/queued/after: 3 of 3 done`);
    expect(lost).toEqual([]);
    expect(bytesSent).toBeLessThan(2_000_000);
    expect(serve.stderr()).not.toMatch(/RangeError|Uncaught|ERR_/);
  }, 300_000);
});

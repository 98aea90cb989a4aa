/** Helpers of the fault suite: `borex` commands as real child processes, started, waited for, signalled. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import type { JobEvent } from '../../src/shared/api.ts';
import { ROOT } from '../helpers/cli.ts';

export interface Child {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnBorex(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = [], cwd = ROOT): Child {
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin/borex.mjs'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls until `test` holds (or the child ended, or the time is up): the text it waited for, or an error. */
export async function waitFor<T>(c: Child, test: () => T | undefined, what: string, ms = 90_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = test();
    if (v !== undefined) return v;
    if (c.child.exitCode !== null || c.child.signalCode !== null) throw new Error(`ended (${c.child.exitCode ?? c.child.signalCode}) before ${what}; stderr: ${c.stderr()}`);
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; stderr: ${c.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Serve extends Child {
  port: number;
  token: string;
  workDir: string;
  api(call: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  upload(route: string, name: string, bytes: Buffer): Promise<{ status: number; json: unknown }>;
}

/** `borex serve` on a free port, once it listens: its URL, token and session folder. */
export async function startServe(env: NodeJS.ProcessEnv = {}, args: string[] = [], nodeArgs: string[] = []): Promise<Serve> {
  const c = spawnBorex(['serve', '--port', '0', ...args], env, nodeArgs);
  const url = await waitFor(c, () => c.stdout().match(/^(http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))\n/)?.slice(1), 'the URL on stdout');
  const workDir = await waitFor(c, () => c.stderr().match(/session files in (\S+)\n/)?.[1], 'the session folder on stderr');
  const port = Number(url[1]);
  const token = url[2];
  const base = `http://127.0.0.1:${port}/api`;
  const answer = async (res: Response) => ({ status: res.status, json: (await res.json()) as unknown });
  return {
    ...c,
    port,
    token,
    workDir,
    api: async (call, body) => answer(await fetch(`${base}/${call}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) })),
    upload: async (route, name, bytes) => answer(await fetch(`${base}/${route}?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: bytes })),
  };
}

/**
 * One `borex serve` for the enclosing describe block: started before its tests, stopped with
 * SIGINT (and waited for) after them. Call the returned function inside a test to get it.
 */
export function serveForTests(env: NodeJS.ProcessEnv = {}, args: string[] = [], nodeArgs: string[] = []): () => Serve {
  let serve: Serve | undefined;
  beforeAll(async () => {
    serve = await startServe(env, args, nodeArgs);
  }, 120_000);
  afterAll(async () => {
    if (!serve) return;
    serve.child.kill('SIGINT');
    await serve.exited;
  });
  return () => {
    if (!serve) throw new Error('borex serve did not start (see the beforeAll error)');
    return serve;
  };
}

/** A WebSocket on serve's /api/events, once open, and every job event it has received so far. */
export async function jobEvents(serve: Serve): Promise<{ ws: WebSocket; events: JobEvent[] }> {
  const events: JobEvent[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api/events?token=${serve.token}`, { origin: `http://127.0.0.1:${serve.port}` });
  ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString()) as JobEvent));
  await new Promise((r) => ws.once('open', r));
  return { ws, events };
}

/** A raw TCP connection upgraded to a WebSocket on /api/events by hand, so that any bytes can follow. */
export function rawWebSocket(port: number, token: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    socket.once('error', reject);
    socket.on('connect', () => {
      socket.write(
        `GET /api/events?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      socket.removeListener('error', reject);
      socket.on('error', () => {}); // the server may reset it; that is the point
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

/** Resolves once the server has closed this socket (or after `ms`, with false). */
export function closedByServer(socket: net.Socket, ms = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    socket.resume();
    socket.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

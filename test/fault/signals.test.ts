/**
 * Issue 14, item 6: user files left behind. serve's session folder (the user's uploads) must go with
 * the server however it stops — SIGTERM, Ctrl-C, a crash, a failed start — and a failed start is a
 * usage error (exit 2), not a raw errno; `batch` stopped by SIGTERM cancels like Ctrl-C: it stops
 * between model calls, releases run.lock, exits 143, and `--resume` then finishes the run.
 * Every case is a real child process with TMPDIR of its own, so what it leaves is seen.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.ts';
import { spawnBorex, startServe, waitFor } from './child.ts';

const sessionFolders = (tmp: string) => fs.readdirSync(tmp).filter((n) => n.startsWith('borex-serve-'));
const sample = fs.readFileSync(path.join(ROOT, 'resources/samples/shapes-02-square.png'));

describe('serve removes its session folder (issue 14, item 6)', () => {
  it.each([
    ['SIGTERM', 0],
    ['SIGINT', 0],
  ] as const)('on %s, with an upload in it; exit %i', async (sig, code) => {
    const tmp = tempDir('tmp-');
    const serve = await startServe({ TMPDIR: tmp });
    expect(serve.workDir.startsWith(tmp)).toBe(true);
    expect((await serve.upload('images', 'square.png', sample)).status).toBe(200);
    expect(fs.readdirSync(serve.workDir, { recursive: true }).length).toBeGreaterThan(0);
    serve.child.kill(sig);
    expect(await serve.exited).toEqual({ code, signal: null });
    expect(fs.existsSync(serve.workDir)).toBe(false);
    expect(sessionFolders(tmp)).toEqual([]);
  });

  it('on SIGTERM during a batch: the job is cancelled, its run.lock released, the folder removed', async () => {
    const tmp = tempDir('tmp-');
    const runs = tempDir('runs-');
    const serve = await startServe({ TMPDIR: tmp }, ['--runs', runs]);
    const ids: string[] = [];
    for (const f of ['shapes-01-circle.png', 'shapes-02-square.png', 'shapes-03-triangle.png']) {
      const up = await serve.upload('images', f, fs.readFileSync(path.join(ROOT, 'resources/samples', f)));
      ids.push((up.json as { id: string }).id);
    }
    const started = await serve.api('batch', { imageIds: ids, model: 'shapes-v1', methods: ['rise'], preset: 'quality' });
    expect(started.status, JSON.stringify(started.json)).toBe(200);
    const lock = await waitFor(serve, () => fs.readdirSync(runs).map((r) => path.join(runs, r, 'run.lock')).find((l) => fs.existsSync(l)), 'the batch run.lock', 60_000);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(lock)).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(lock), 'run.json'))).toBe(true);
    expect(sessionFolders(tmp)).toEqual([]);
  });

  it('on a crash (an uncaught exception)', async () => {
    const tmp = tempDir('tmp-');
    const crash = path.join(tmp, 'crash.cjs');
    fs.writeFileSync(crash, "process.on('SIGUSR2', () => setImmediate(() => { throw new Error('simulated crash'); }));\n");
    const serve = await startServe({ TMPDIR: tmp }, [], ['--require', crash]);
    expect((await serve.upload('images', 'square.png', sample)).status).toBe(200);
    serve.child.kill('SIGUSR2');
    const ended = await serve.exited;
    expect(serve.stderr()).toMatch(/simulated crash/);
    expect(ended.code).toBe(1);
    expect(sessionFolders(tmp)).toEqual([]);
  });

  it('on a failed start: --port 99999 and a port in use are usage errors (exit 2) naming the port', async () => {
    const tmp = tempDir('tmp-');
    const bad = spawnBorex(['serve', '--port', '99999'], { TMPDIR: tmp });
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toMatch(/--port must be 0 \(any free port\) to 65535, got 99999/);

    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const busy = spawnBorex(['serve', '--port', String(port)], { TMPDIR: tmp });
      expect((await busy.exited).code).toBe(2);
      expect(busy.stderr()).toContain(`--port ${port}: that port is already in use`);
    } finally {
      taken.close();
    }
    expect(sessionFolders(tmp)).toEqual([]);
  });
});

describe('batch stopped by SIGTERM (issue 14, item 6)', () => {
  it('cancels, releases run.lock, exits 143; --resume finishes the run', async () => {
    const dir = tempDir('batch-');
    const input = path.join(dir, 'in');
    fs.mkdirSync(input);
    for (const f of ['shapes-01-circle.png', 'shapes-02-square.png', 'shapes-03-triangle.png']) fs.copyFileSync(path.join(ROOT, 'resources/samples', f), path.join(input, f));
    const out = path.join(dir, 'run');
    const args = ['batch', input, '--model', 'shapes-v1', '--methods', 'rise', '--masks', '800', '--out', out];
    const run = spawnBorex(args);
    await waitFor(run, () => (/^\[1\/3\] /m.test(run.stdout()) ? true : undefined), 'the first image', 180_000);
    expect(fs.existsSync(path.join(out, 'run.lock'))).toBe(true);
    const t0 = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 143, signal: null });
    const stopMs = Date.now() - t0;
    expect(run.stderr()).toMatch(/cancelled/);
    expect(fs.existsSync(path.join(out, 'run.lock'))).toBe(false);
    const leftovers = fs.readdirSync(out, { recursive: true }).map(String).filter((n) => /\.tmp|~$|\.partial/.test(n));
    expect(leftovers).toEqual([]);
    const before = fs.readFileSync(path.join(out, 'items.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThan(3);
    console.info(`batch stopped ${stopMs} ms after SIGTERM with ${before}/3 images done`);

    const resumed = spawnBorex([...args, '--resume']);
    expect((await resumed.exited).code).toBe(0);
    expect(resumed.stdout()).toMatch(/already finished/);
    const lines = fs.readFileSync(path.join(out, 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { status: string });
    expect(lines.map((l) => l.status)).toEqual(['ok', 'ok', 'ok']);
    expect(fs.existsSync(path.join(out, 'run.lock'))).toBe(false);
  });
});

describe('explain stopped by SIGTERM (issue 14, item 6)', () => {
  it('cancels, exits 143 and writes nothing into --out', async () => {
    const out = path.join(tempDir('explain-'), 'out');
    const run = spawnBorex(['explain', 'resources/samples/shapes-01-circle.png', '--model', 'shapes-v1', '--method', 'rise', '--preset', 'quality', '--out', out, '--json']);
    await waitFor(run, () => (/"type":"progress"/.test(run.stderr()) ? true : undefined), 'a progress line', 120_000);
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 143, signal: null });
    expect(run.stderr()).toMatch(/"kind":"cancelled"/);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  });
});

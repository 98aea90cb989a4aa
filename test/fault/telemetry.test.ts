/**
 * Issue 14, item 1: onnxruntime-node records telemetry under ~/.cache/Microsoft/DeveloperTools/
 * and looks up its upload host by DNS (about 9 s after its first session) unless
 * ORT_DISABLE_TELEMETRY=1 is set before that. The CLI must set it itself: the child runs without it,
 * under an empty HOME, and (where strace exists) with every connect/sendto watched; a preload keeps
 * the process alive 12 s after the command ends, long enough for the lookup to have happened.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.ts';
import { startServe } from './child.ts';

const hasStrace = spawnSync('strace', ['-V'], { encoding: 'utf8' }).status === 0;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('no telemetry (issue 14, item 1)', () => {
  it('borex explain writes nothing under HOME and makes no network lookup', () => {
    const home = tempDir('home-');
    const out = path.join(tempDir('out-'), 'run');
    const trace = path.join(tempDir('trace-'), 'strace.txt');
    const linger = path.join(tempDir('linger-'), 'linger.cjs');
    fs.writeFileSync(linger, "process.once('beforeExit', () => setTimeout(() => {}, 12000));\n");
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.ORT_DISABLE_TELEMETRY; // the vitest config sets it for tests; the CLI must not rely on it
    const node = [process.execPath, '--require', linger, path.join(ROOT, 'bin/borex.mjs'),
      'explain', 'resources/samples/shapes-01-circle.png', '--model', 'shapes-v1', '--method', 'gradcam', '--out', out];
    const [cmd, ...args] = hasStrace ? ['strace', '-f', '-qq', '-e', 'trace=connect,sendto,sendmsg', '-e', 'signal=none', '-o', trace, ...node] : node;
    const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
    expect(r.stderr).not.toMatch(/telemetry/i);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(out, 'result.json'))).toBe(true);
    expect(filesUnder(home)).toEqual([]);
    if (hasStrace) {
      const calls = fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean);
      // Any socket towards the network (DNS on port 53, the name service cache, an upload) counts.
      const outbound = calls.filter((l) => /AF_INET6?\b|nscd|htons\(53\)/.test(l));
      expect(outbound).toEqual([]);
    } else {
      console.warn('strace not installed (apt-get install -y strace): DNS lookups not watched, only the telemetry files');
    }
  });

  it('borex serve: a job in its engine worker thread writes nothing under HOME', async () => {
    const home = tempDir('home-');
    const serve = await startServe({ HOME: home, ORT_DISABLE_TELEMETRY: undefined });
    try {
      const png = fs.readFileSync(path.join(ROOT, 'resources/samples/shapes-01-circle.png'));
      const image = await serve.upload('images', 'circle.png', png);
      const classified = await serve.api('classify', { imageId: (image.json as { id: string }).id, model: 'shapes-v1' });
      expect(classified.status, JSON.stringify(classified.json)).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    expect(filesUnder(home)).toEqual([]);
  });
});

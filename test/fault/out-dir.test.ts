/**
 * Issue 14, item 5: `explain --out` into an existing folder overwrote and mixed runs (an old
 * prior.npy beside a new RISE result) while batch/merge refuse, and an unwritable or file --out
 * failed with a raw errno (exit 5) only after all the computing. Now: a non-empty --out is refused
 * (exit 2) unless --force, which removes the files explain writes before writing the new ones (the
 * default folder, borex-out/NAME, is replaced that way without asking); a file or unwritable --out
 * is a usage error naming it, before any model is loaded. Same for `borex video --out`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeVideo } from '../../src/engine/media/video/encode.ts';
import { borex, ROOT, tempDir } from '../helpers/cli.ts';
import { CLIP_SPEC, weightedClipModel } from '../helpers/synthetic-clip.ts';

const SAMPLE = 'resources/samples/shapes-01-circle.png';
const explain = (out: string, ...more: string[]) => borex(['explain', SAMPLE, '--model', 'shapes-v1', '--method', 'gradcam', '--out', out, '--json', ...more]);
const progressLines = (stderr: string) => stderr.split('\n').filter((l) => l.includes('"type":"progress"'));
/** A place this process cannot write: root may write anywhere but /proc; others not in a read-only folder. */
function unwritablePlace(): string {
  if (process.getuid?.() === 0) return '/proc/borex-fault-out';
  const dir = tempDir('ro-');
  fs.chmodSync(dir, 0o555);
  return path.join(dir, 'out');
}

describe('explain --out (issue 14, item 5)', () => {
  it('refuses a non-empty folder before computing (exit 2) and leaves it as it was', () => {
    const out = tempDir('out-');
    fs.writeFileSync(path.join(out, 'prior.npy'), 'an older run');
    const r = explain(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${out} is not empty (prior.npy); explain writes into a new or empty folder`);
    expect(r.stderr).toContain('--force');
    expect(progressLines(r.stderr)).toEqual([]);
    expect(fs.readdirSync(out)).toEqual(['prior.npy']);
  });

  it('writes into a new or an empty folder', () => {
    const empty = tempDir('out-');
    expect(explain(empty).code).toBe(0);
    const fresh = path.join(tempDir('out-'), 'a', 'b');
    expect(explain(fresh).code).toBe(0);
    expect(fs.readdirSync(fresh).sort()).toEqual(['overlay.png', 'result.json', 'saliency.npy']);
  });

  it('with --force replaces an earlier run: its stale prior.npy and prior-overlay.png go, other files stay', () => {
    const out = path.join(tempDir('out-'), 'run');
    const first = borex(['explain', SAMPLE, '--model', 'shapes-v1', '--method', 'borex', '--prior', 'gradcampp', '--iterations', '3', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['overlay.png', 'prior-overlay.png', 'prior.npy', 'result.json', 'saliency.npy', 'uncertainty.npy']);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    expect(explain(out).code).toBe(2);
    const r = explain(out, '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['notes.txt', 'overlay.png', 'result.json', 'saliency.npy']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'))).toMatchObject({ method: 'gradcam' });
  });

  it('the default folder (borex-out/NAME, no --out) is replaced run after run, never mixed', () => {
    const cwd = tempDir('cwd-');
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/borex.mjs'), 'explain', path.join(ROOT, SAMPLE), '--model', 'shapes-v1', ...args], { cwd, encoding: 'utf8' });
    expect(run('--method', 'borex', '--prior', 'gradcampp', '--iterations', '3').status).toBe(0);
    const out = path.join(cwd, 'borex-out', 'shapes-01-circle');
    expect(fs.readdirSync(out)).toContain('prior.npy');
    expect(run('--method', 'gradcam').status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['overlay.png', 'result.json', 'saliency.npy']);
  });

  it('refuses a file, a path under a file, and an unwritable place: exit 2 naming it, before computing', () => {
    const dir = tempDir('out-');
    const file = path.join(dir, 'result.txt');
    fs.writeFileSync(file, 'x');
    const onFile = explain(file);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toContain(`--out ${file}: exists and is not a folder`);
    const under = explain(path.join(file, 'sub'));
    expect(under.code).toBe(2);
    expect(under.stderr).toContain(`--out ${path.join(file, 'sub')}: ${file} is a file, not a folder`);
    const place = unwritablePlace();
    const t0 = Date.now();
    const ro = borex(['explain', SAMPLE, '--model', 'shapes-v1', '--method', 'rise', '--preset', 'quality', '--out', place, '--json']);
    expect(ro.code).toBe(2);
    expect(ro.stderr).toContain(`--out ${place}: cannot write in ${path.dirname(place)}`);
    expect(progressLines(ro.stderr)).toEqual([]);
    console.info(`unwritable --out refused in ${Date.now() - t0} ms (a quality RISE takes tens of seconds)`);
  });
});

describe('video --out (issue 14, item 5)', () => {
  const T = 4;
  const H = 16;
  const W = 16;
  let dir: string;
  let model: string;
  let clip: string;
  beforeAll(async () => {
    dir = tempDir('video-');
    model = path.join(dir, 'clip-model.onnx');
    fs.writeFileSync(model, weightedClipModel('NCTHW', T, H, W, new Float32Array(3 * T * H * W).fill(0.01)));
    fs.writeFileSync(path.join(dir, 'clip-model.borex.json'), JSON.stringify({ ...CLIP_SPEC(T, H, W), output: 'logits', labels: ['a', 'b'] }));
    const frames = Array.from({ length: 8 }, (_, k) => new Uint8Array(W * H * 3).map((_, i) => (i * 7 + k * 31) % 256));
    clip = path.join(dir, 'noise.mp4');
    await encodeVideo(clip, frames, { width: W, height: H, fps: 25 });
  });
  const video = (out: string, ...more: string[]) => borex(['video', clip, '--model', model, '--method', 'rise', '--masks', '20', '--grid', '2', '--out', out, '--json', ...more]);

  it('refuses a non-empty folder, a file and an unwritable place before computing; --force replaces the results', () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'prior.npy'), 'an older run');
    const refused = video(out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--out ${out} is not empty (prior.npy); video writes into a new or empty folder`);
    expect(progressLines(refused.stderr)).toEqual([]);

    const file = path.join(dir, 'file.txt');
    fs.writeFileSync(file, 'x');
    expect(video(file).stderr).toContain(`--out ${file}: exists and is not a folder`);
    const place = unwritablePlace();
    const ro = video(place);
    expect(ro.code).toBe(2);
    expect(ro.stderr).toContain(`--out ${place}: cannot write in`);

    const forced = video(out, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['result.json', 'saliency.npy']);
  });
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { borex, ROOT, tempDir } from '../helpers/cli.ts';
import { REGION_MODEL, runFiles, writeImages } from '../unit/jobs/fixtures.ts';

/**
 * The crash-safety contract of `borex batch`, with real child processes: a run killed with
 * SIGKILL at arbitrary moments and resumed gives exactly the items.jsonl (and maps) of an
 * uninterrupted run. Uses the tiny ONNX fixture model, so it needs no shared assets.
 */
const IMAGES = 16;
const ARGS = ['--model', REGION_MODEL, '--methods', 'rise,borex:rise,bo', '--iterations', '8', '--threads', '1'];
let dir: string;

beforeAll(async () => {
  dir = tempDir('borex-batch-kill-');
  await writeImages(path.join(dir, 'imgs'), IMAGES, { corrupt: 'img07-broken.jpg' });
});

const lineCount = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
};

/** Starts `borex batch` and SIGKILLs it once items.jsonl has at least `after` lines; resolves with the lines at kill time. */
function runAndKill(out: string, after: number, extra: string[] = []): Promise<{ linesAtKill: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/borex.mjs'), 'batch', path.join(dir, 'imgs'), ...ARGS, '--out', out, ...extra], { cwd: ROOT, stdio: 'ignore' });
    const items = path.join(out, 'items.jsonl');
    let linesAtKill = -1;
    const timer = setInterval(() => {
      const n = lineCount(items);
      if (n >= after && linesAtKill < 0) {
        linesAtKill = n;
        child.kill('SIGKILL');
      }
    }, 3);
    child.on('exit', (_code, signal) => {
      clearInterval(timer);
      if (linesAtKill < 0) reject(new Error(`the batch finished before it could be killed (after ${after} lines): make the run slower`));
      else resolve({ linesAtKill, signal });
    });
  });
}

describe('borex batch survives kill -9', () => {
  it('a run killed twice and resumed equals an uninterrupted run, byte for byte', async () => {
    const ref = path.join(dir, 'ref');
    const whole = borex(['batch', path.join(dir, 'imgs'), ...ARGS, '--out', ref]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(lineCount(path.join(ref, 'items.jsonl'))).toBe(IMAGES + 1);

    const cut = path.join(dir, 'cut');
    const first = await runAndKill(cut, 2);
    expect(first.signal).toBe('SIGKILL');
    expect(first.linesAtKill).toBeLessThan(IMAGES + 1);
    expect(fs.existsSync(path.join(cut, 'run.lock'))).toBe(true); // left behind by the dead process

    const second = await runAndKill(cut, first.linesAtKill + 3, ['--resume']);
    expect(second.signal).toBe('SIGKILL');
    expect(second.linesAtKill).toBeLessThan(IMAGES + 1);

    const last = borex(['batch', path.join(dir, 'imgs'), ...ARGS, '--out', cut, '--resume', '--json']);
    expect(last.code, last.stderr).toBe(0);
    const summary = JSON.parse(last.stdout);
    expect(summary.skipped + summary.processed).toBe(IMAGES + 1);
    expect(summary.skipped).toBeGreaterThanOrEqual(first.linesAtKill);

    expect(fs.readFileSync(path.join(cut, 'items.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(ref, 'items.jsonl'), 'utf8'));
    expect(runFiles(cut)).toEqual(runFiles(ref));
    const failed = fs.readFileSync(path.join(cut, 'items.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"status":"failed"'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain('img07-broken.jpg');
  });

  it('stops on Ctrl-C (SIGINT) with exit code 130, releasing the run, and resumes to the same result', async () => {
    const out = path.join(dir, 'sigint');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/borex.mjs'), 'batch', path.join(dir, 'imgs'), ...ARGS, '--out', out], { cwd: ROOT, stdio: 'ignore' });
      const timer = setInterval(() => {
        if (lineCount(path.join(out, 'items.jsonl')) >= 1) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 3);
      child.on('exit', (c) => {
        clearInterval(timer);
        resolve(c);
      });
    });
    expect(code).toBe(130);
    expect(fs.existsSync(path.join(out, 'run.lock'))).toBe(false);
    expect(lineCount(path.join(out, 'items.jsonl'))).toBeLessThan(IMAGES + 1);
    const r = borex(['batch', path.join(dir, 'imgs'), ...ARGS, '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'items.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'ref', 'items.jsonl'), 'utf8'));
  });

  it('keeps the CLI contract: usage errors exit 2, bad inputs 3; compare and merge on the runs', () => {
    expect(borex(['batch', path.join(dir, 'imgs'), '--model', REGION_MODEL]).code).toBe(2); // no --methods
    expect(borex(['batch', path.join(dir, 'imgs'), '--model', REGION_MODEL, '--methods', 'borex:wat']).code).toBe(2);
    expect(borex(['batch', path.join(dir, 'imgs'), '--model', REGION_MODEL, '--methods', 'rise', '--shard', '2/2']).code).toBe(2);
    expect(borex(['batch', path.join(dir, 'nowhere'), '--model', REGION_MODEL, '--methods', 'rise']).code).toBe(3);
    // An existing run without --resume.
    expect(borex(['batch', path.join(dir, 'imgs'), ...ARGS, '--out', path.join(dir, 'ref')]).code).toBe(2);
    expect(borex(['compare', path.join(dir, 'imgs')]).code).toBe(3);
    expect(borex(['merge', path.join(dir, 'merged'), path.join(dir, 'ref')]).code).toBe(2); // not a shard run

    const out = path.join(dir, 'report');
    const c = borex(['compare', path.join(dir, 'ref'), '--out', out]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain('### Table 1');
    expect(c.stdout).toMatch(/### Table 1: BOREx\(RISE\) against[\s\S]*\| RISE \(`rise`\) \| F-measure/);
    const one = borex(['compare', path.join(dir, 'ref'), '--baseline', 'rise', '--candidate', 'borex:rise', '--format', 'csv', '--metrics', 'insertion,deletion']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.trim().split('\n')).toHaveLength(3);
    for (const f of ['compare.md', 'compare.csv', 'compare.json', 'report.html']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src=|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });
});

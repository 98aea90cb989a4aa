/**
 * Fault suite: a full disk under the run store. Every write the store makes (run.json, each map's
 * temp file, each appended items.jsonl / timing.jsonl line) is failed in turn with ENOSPC after
 * writing half its bytes, as a filling disk does: the batch must fail with the errno, leave no
 * temp file and no torn line, and `--resume` on a disk with room must finish the run to exactly
 * the items.jsonl and maps of a run that never failed. Then the same for real on a tiny tmpfs
 * when this machine can mount one (root in CI's container; skipped, and said so, where not).
 *
 * Without the fixes (writeFileAtomic removing its temp file; appends cut back on failure) the
 * cases that fail a map's temp write or an items line part way are lost.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listBatchInput } from '../../src/engine/jobs/batch-input.ts';
import { resolveMethods } from '../../src/engine/jobs/batch-methods.ts';
import { runBatch, type BatchSpec } from '../../src/engine/jobs/batch.ts';
import { loadModel, type LoadedModel } from '../../src/engine/model/load.ts';
import { borex, ROOT, tempDir } from '../helpers/cli.ts';

const samples = path.join(ROOT, 'resources/samples');
let model: LoadedModel;
let input: string;

beforeAll(async () => {
  model = await loadModel('shapes-v1', {}, { threads: 1 });
  input = path.join(tempDir('disk-full-'), 'photos');
  fs.mkdirSync(input);
  for (const f of ['shapes-01-circle.png', 'shapes-02-square.png', 'shapes-03-triangle.png']) fs.copyFileSync(path.join(samples, f), path.join(input, f));
});
afterAll(async () => model?.classifier.dispose());

const info = () => ({ name: model.resolved.name, path: model.resolved.file, sha256: model.resolved.sha256 });
const spec = (): BatchSpec => ({
  input: listBatchInput(input),
  // Two map methods, no metrics: the store's writes are what is tested, kept quick on 2 cores.
  methods: resolveMethods('gradcam,gradcampp', { preset: 'paper', seed: 0 }),
  baseline: 'mean',
  resizeFilter: 'linear',
  metrics: { enabled: false, insertionStart: 'blur' },
  maps: 'npy',
});

/** Every file of a run directory (relative) with its bytes, timing.jsonl and run.json left out (dates, pids). */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!['timing.jsonl', 'run.json'].includes(e.name)) out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

/**
 * Fails the `failAt`-th write into `dir` (1-based) and every one after it (the disk stays full):
 * writeFileSync writes half its data then throws; writeSync writes half then throws. Counts writes.
 */
function fillDiskAfter(dir: string, failAt: number) {
  const real = { openSync: fs.openSync, writeSync: fs.writeSync, writeFileSync: fs.writeFileSync };
  const fds = new Set<number>();
  let writes = 0;
  const inDir = (p: unknown) => typeof p === 'string' && path.resolve(p).startsWith(dir + path.sep);
  vi.spyOn(fs, 'openSync').mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
    const fd = (real.openSync as (...a: unknown[]) => number)(p, ...rest);
    if (inDir(p)) fds.add(fd);
    return fd;
  }) as typeof fs.openSync);
  vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: NodeJS.ArrayBufferView | string, ...rest: unknown[]) => {
    if (!fds.has(fd) || ++writes < failAt) return (real.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const offset = typeof rest[0] === 'number' ? rest[0] : 0;
    const length = typeof rest[1] === 'number' ? rest[1] : bytes.length - offset;
    real.writeSync(fd, bytes, offset, Math.floor(length / 2));
    throw enospc();
  }) as typeof fs.writeSync);
  vi.spyOn(fs, 'writeFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (!inDir(p) || ++writes < failAt) return (real.writeFileSync as (...a: unknown[]) => void)(p, data, ...rest);
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    real.writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length / 2)));
    throw enospc();
  }) as typeof fs.writeFileSync);
  return { writes: () => writes };
}

/** What a full disk may leave: no temp file, no torn line, every line JSON. Returns the problems. */
function damage(dir: string): string[] {
  const problems: string[] = [];
  if (!fs.existsSync(dir)) return problems;
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  for (const f of walk(dir)) {
    if (/\.tmp$/.test(f)) problems.push(`temp file left: ${path.relative(dir, f)}`);
    if (/\.jsonl$/.test(f)) {
      const text = fs.readFileSync(f, 'utf8');
      if (text && !text.endsWith('\n')) problems.push(`torn last line in ${path.basename(f)}`);
      for (const line of text.split('\n').filter(Boolean)) {
        try {
          JSON.parse(line);
        } catch {
          problems.push(`a line of ${path.basename(f)} is not JSON`);
        }
      }
    }
    if (f.endsWith('run.lock')) problems.push('run.lock left');
  }
  return problems;
}

describe('disk full under the run store (fault suite)', () => {
  it('each write failing with ENOSPC in turn: refused with the errno, nothing half-written, resumable to the run that never failed', async () => {
    const root = tempDir('disk-full-runs-');
    const fresh = path.join(root, 'fresh');
    const counter = fillDiskAfter(fresh, Number.POSITIVE_INFINITY);
    await runBatch(model.classifier, info(), spec(), fresh, { resume: false });
    const total = counter.writes();
    vi.restoreAllMocks();
    const expected = contents(fresh);
    expect(total).toBeGreaterThanOrEqual(1 + 3 * 3); // run.json, then per photo: 2 maps and an items line (and a timing line)

    const lost: string[] = [];
    for (let k = 1; k <= total; k++) {
      const out = path.join(root, `full-at-${k}`);
      fillDiskAfter(out, k);
      let failure: unknown;
      try {
        await runBatch(model.classifier, info(), spec(), out, { resume: false });
      } catch (err) {
        failure = err;
      } finally {
        vi.restoreAllMocks();
      }
      const problems = damage(out);
      if (!(failure instanceof Error) || !/ENOSPC/.test(failure.message)) problems.push(`did not fail with ENOSPC: ${String(failure)}`);
      await runBatch(model.classifier, info(), spec(), out, { resume: true });
      if (JSON.stringify(contents(out)) !== JSON.stringify(expected)) problems.push('the resumed run differs from the run that never failed');
      if (problems.length) lost.push(`write ${k}: ${problems.join('; ')}`);
    }
    console.info(`FAULT-FIGURES disk-full (injected ENOSPC): tried ${total}, survived ${total - lost.length}, lost ${lost.length}`);
    expect(lost).toEqual([]);
  }, 300_000);

  it('for real: a batch into a 160 KB tmpfs fails with ENOSPC, leaves no partial file, and finishes when moved to a disk with room', (context) => {
    const mnt = tempDir('tmpfs-');
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', mnt]).status === 0;
    if (!mounted) {
      console.info('FAULT-FIGURES disk-full (tmpfs): not mountable here, skipped');
      context.skip();
    }
    try {
      const out = path.join(mnt, 'run');
      const args = ['batch', input, '--methods', 'gradcam,gradcampp', '--no-metrics', '--model', 'shapes-v1', '--threads', '1'];
      const full = borex([...args, '--out', out]);
      expect(full.code).toBe(5);
      expect(full.stderr).toMatch(/ENOSPC/);
      expect(damage(out)).toEqual([]);
      const moved = path.join(tempDir('moved-'), 'run');
      fs.cpSync(out, moved, { recursive: true });
      const resumed = borex([...args, '--out', moved, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const fresh = path.join(tempDir('fresh-'), 'run');
      expect(borex([...args, '--out', fresh]).code).toBe(0);
      expect(contents(moved)).toEqual(contents(fresh));
      console.info('FAULT-FIGURES disk-full (tmpfs): tried 1, survived 1, lost 0');
    } finally {
      spawnSync('umount', [mnt]);
    }
  }, 120_000);
});

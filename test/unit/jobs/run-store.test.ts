import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readItemsText, RunStore, specDifference, specFingerprint, type ItemRecord, type RunManifest } from '../../../src/engine/jobs/run-store.ts';
import { tempDir } from '../../helpers/cli.ts';

const manifest = (): RunManifest => ({
  format: 'borex-run',
  version: 1,
  kind: 'batch',
  spec: { input: { path: '/a', entries: 3, entriesSha256: 'x' }, methods: [{ id: 'rise' }] },
  shard: null,
  created: '2026-01-01T00:00:00Z',
  versions: {},
});
const rec = (entry: number, part = 0, parts = 1): ItemRecord => ({ entry, part, parts, key: `k${entry}.${part}`, image: `i${entry}`, status: 'ok' });
const line = (r: ItemRecord) => JSON.stringify(r) + '\n';

describe('run store', () => {
  it('appends whole entries with their maps and reads them back', () => {
    const dir = path.join(tempDir(), 'run');
    const store = RunStore.create(dir, manifest());
    store.lock();
    store.commitEntry([rec(0)], [{ file: 'maps/000000-a/rise.npy', data: new Uint8Array([1, 2, 3]) }]);
    store.commitEntry([rec(1, 0, 2), rec(1, 1, 2)], []);
    store.close();
    expect(fs.readFileSync(path.join(dir, 'maps/000000-a/rise.npy'))).toEqual(Buffer.from([1, 2, 3]));
    expect(RunStore.open(dir).recover().map((r) => [r.entry, r.part])).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(fs.existsSync(path.join(dir, 'run.lock'))).toBe(false);
    expect(() => RunStore.create(dir, manifest())).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it('cuts a torn last line and an entry with missing lines, rewriting the file', () => {
    const dir = path.join(tempDir(), 'run');
    RunStore.create(dir, manifest());
    const file = path.join(dir, 'items.jsonl');
    const good = line(rec(0)) + line(rec(1, 0, 2)) + line(rec(1, 1, 2));
    // An entry of 2 lines of which only 1 was written, then a torn line.
    fs.writeFileSync(file, good + line(rec(2, 0, 2)) + line(rec(3)).slice(0, 20));
    fs.writeFileSync(path.join(dir, '.x.npy.123.tmp'), 'partial');
    const store = RunStore.open(dir);
    expect(store.recover().map((r) => r.entry)).toEqual([0, 1, 1]);
    expect(fs.readFileSync(file, 'utf8')).toBe(good);
    expect(fs.existsSync(path.join(dir, '.x.npy.123.tmp'))).toBe(false);
    // A file cut exactly at a line boundary is left alone.
    expect(readItemsText(file).changed).toBe(false);
  });

  it('refuses a damaged line in the middle', () => {
    const dir = tempDir();
    const file = path.join(dir, 'items.jsonl');
    fs.writeFileSync(file, line(rec(0)) + '{oops\n' + line(rec(1)));
    expect(() => readItemsText(file)).toThrow(expect.objectContaining({ kind: 'bad-input' }));
  });

  it('locks: a live holder refuses, a dead holder is taken over', () => {
    const dir = path.join(tempDir(), 'run');
    RunStore.create(dir, manifest());
    const a = RunStore.open(dir);
    a.lock();
    // This process holds it: a second store of the same process may take it (same pid), so fake another live pid.
    fs.writeFileSync(path.join(dir, 'run.lock'), JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    expect(() => RunStore.open(dir).lock()).toThrow(expect.objectContaining({ kind: 'usage' }));
    fs.writeFileSync(path.join(dir, 'run.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname() }));
    const b = RunStore.open(dir);
    b.lock();
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'run.lock'), 'utf8')).pid).toBe(process.pid);
    b.close();
    // A lock from another host: refused unless taken over (a requeued scheduler task).
    fs.writeFileSync(path.join(dir, 'run.lock'), JSON.stringify({ pid: 1, host: 'elsewhere.example' }));
    expect(() => RunStore.open(dir).lock()).toThrow(expect.objectContaining({ kind: 'usage', message: expect.stringContaining('--take-over-lock') }));
    const c = RunStore.open(dir);
    c.lock(true);
    c.close();
  });

  it('compares specs without their location fields and names the first difference', () => {
    const a = { input: { path: '/x/imgs', entries: 3 }, model: { path: '/m.onnx', sha256: 'aa' }, seed: 0 };
    const b = { model: { sha256: 'aa', path: '/other/m.onnx' }, seed: 0, input: { entries: 3, path: '/y/imgs' } };
    expect(specFingerprint(a)).toBe(specFingerprint(b));
    expect(specDifference(a, b)).toBeUndefined();
    expect(specDifference(a, { ...b, seed: 1 })).toBe('spec.seed: 0 ≠ 1');
  });
});

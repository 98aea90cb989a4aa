import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBatchInput } from '../../../src/engine/jobs/batch-input.ts';
import { resolveMethods, type MethodSettings } from '../../../src/engine/jobs/batch-methods.ts';
import { itemSeed, runBatch, type BatchSpec } from '../../../src/engine/jobs/batch.ts';
import { readRunItems } from '../../../src/engine/jobs/run-store.ts';
import { loadModel, type LoadedModel } from '../../../src/engine/model/load.ts';
import { tempDir } from '../../helpers/cli.ts';
import { REGION_MODEL, writeImages } from './fixtures.ts';

let model: LoadedModel;
let images: string;

beforeAll(async () => {
  model = await loadModel(REGION_MODEL, {}, { threads: 1 });
  images = path.join(tempDir('borex-seeds-'), 'imgs');
  await writeImages(images, 3);
});
afterAll(async () => model?.classifier.dispose());

function spec(methods: string, settings: Partial<MethodSettings>, extra: Partial<BatchSpec> = {}): BatchSpec {
  return {
    input: listBatchInput(images),
    methods: resolveMethods(methods, { preset: 'paper', seed: 0, borex: { iterations: 4 }, ...settings }),
    baseline: 'mean',
    resizeFilter: 'linear',
    metrics: { enabled: true, insertionStart: 'blur' },
    maps: 'npy',
    ...extra,
  };
}
const info = () => ({ name: model.resolved.name, path: model.resolved.file, sha256: model.resolved.sha256 });
const run = (s: BatchSpec) => {
  const out = path.join(tempDir(), 'run');
  return runBatch(model.classifier, info(), s, out, { resume: false }).then(() => out);
};
const mapBytes = (out: string, file: string) => fs.readFileSync(path.join(out, file));

describe('batch: seeds as an axis, per-item streams, learned prior weight', () => {
  it('--seeds 0,2: each seed is the one-seed run of that seed, map for map, in one run directory', async () => {
    const seeded = await run(spec('borex:rise', { seeds: [0, 2] }));
    const one = await run(spec('borex:rise', { seed: 2 }));
    const a = readRunItems(seeded);
    const b = readRunItems(one);
    expect(Object.keys(a[0].methods!)).toEqual(['rise@s0', 'borex:rise@s0', 'rise@s2', 'borex:rise@s2']);
    for (let i = 0; i < a.length; i++) {
      expect(a[i].methods!['rise@s2'].metrics).toEqual(b[i].methods!.rise.metrics);
      expect(mapBytes(seeded, a[i].methods!['borex:rise@s2'].map!)).toEqual(mapBytes(one, b[i].methods!['borex:rise'].map!));
      // Seeds differ: seed 0's RISE map is not seed 2's.
      expect(mapBytes(seeded, a[i].methods!['rise@s0'].map!)).not.toEqual(mapBytes(seeded, a[i].methods!['rise@s2'].map!));
    }
  });

  it('per-item streams: an item gets the map of a run seeded with itemSeed(seed, key), recorded, and run.json says so', async () => {
    const out = await run(spec('borex:rise', { seed: 1 }, { streams: 'per-item' }));
    const items = readRunItems(out);
    const run0 = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(run0.spec.streams).toBe('per-item');
    const key = items[1].key;
    expect(items[1].methods!.rise.seed).toBe(itemSeed(1, key));
    expect(items[1].methods!['borex:rise'].seed).toBe(itemSeed(1, key));
    const direct = await run(spec('borex:rise', { seed: itemSeed(1, key) }));
    const d = readRunItems(direct)[1];
    expect(mapBytes(out, items[1].methods!['borex:rise'].map!)).toEqual(mapBytes(direct, d.methods!['borex:rise'].map!));
    // The default (one stream per run) records no seed and no streams key.
    const plain = await run(spec('rise', { seed: 1 }));
    expect(readRunItems(plain)[0].methods!.rise.seed).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(path.join(plain, 'run.json'), 'utf8')).spec.streams).toBeUndefined();
  });

  it('borex:rise+learned records β ≥ 0 per item; the fixed method records none', async () => {
    const out = await run(spec('borex:rise,borex:rise+learned', {}));
    for (const item of readRunItems(out)) {
      expect(item.methods!['borex:rise+learned'].priorWeight).toBeGreaterThanOrEqual(0);
      expect(item.methods!['borex:rise'].priorWeight).toBeUndefined();
    }
  });
});

describe('batch --uncertainty', () => {
  it('writes each BOREx map σ beside it (values in (0, 1]); off by default', async () => {
    const out = await run(spec('borex:rise', {}, { uncertainty: true }));
    const [item] = readRunItems(out);
    const rec = item.methods!['borex:rise'];
    expect(rec.uncertainty).toBe(rec.map!.replace(/\.npy$/, '.uncertainty.npy'));
    const bytes = mapBytes(out, rec.uncertainty!);
    const sigma = new Float32Array(bytes.buffer.slice(bytes.byteOffset + bytes.length - 4 * 32 * 32, bytes.byteOffset + bytes.length));
    expect(Math.min(...sigma)).toBeGreaterThan(0);
    expect(Math.max(...sigma)).toBeLessThanOrEqual(1);
    expect(item.methods!.rise.uncertainty).toBeUndefined();
    const plain = await run(spec('borex:rise', {}));
    expect(readRunItems(plain)[0].methods!['borex:rise'].uncertainty).toBeUndefined();
  });
});

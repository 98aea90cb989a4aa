import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBatchInput, type InputOptions } from '../../../src/engine/jobs/batch-input.ts';
import { resolveMethods } from '../../../src/engine/jobs/batch-methods.ts';
import { runBatch, type BatchSpec } from '../../../src/engine/jobs/batch.ts';
import { explainImage } from '../../../src/engine/jobs/explain.ts';
import { mergeRuns } from '../../../src/engine/jobs/merge.ts';
import { readRunItems, readTimings } from '../../../src/engine/jobs/run-store.ts';
import { borexParamsFor, riseParamsFor } from '../../../src/engine/methods/config.ts';
import { loadModel, type LoadedModel } from '../../../src/engine/model/load.ts';
import { encodeNpy } from '../../../src/engine/render/npy.ts';
import { tempDir } from '../../helpers/cli.ts';
import { REGION_MODEL, runFiles, vocXml, writeImages } from './fixtures.ts';

const ITER = 6;
let model: LoadedModel;
let images: string;

beforeAll(async () => {
  model = await loadModel(REGION_MODEL, {}, { threads: 1 });
  images = path.join(tempDir('borex-batch-'), 'imgs');
  await writeImages(images, 5, { corrupt: 'img02-corrupt.jpg' });
});
afterAll(async () => model?.classifier.dispose());

function spec(methods: string, input = images, extra: Partial<BatchSpec> = {}, inputOptions: InputOptions = {}): BatchSpec {
  return {
    input: listBatchInput(input, inputOptions),
    methods: resolveMethods(methods, { preset: 'paper', seed: 0, borex: { iterations: ITER } }),
    baseline: 'mean',
    resizeFilter: 'linear',
    metrics: { enabled: true, insertionStart: 'blur' },
    maps: 'npy',
    ...extra,
  };
}

const info = () => ({ name: model.resolved.name, path: model.resolved.file, sha256: model.resolved.sha256 });
const run = (s: BatchSpec, out: string, opts: Parameters<typeof runBatch>[4] = { resume: false }) => runBatch(model.classifier, info(), s, out, opts);

describe('batch runner on the tiny ONNX model', () => {
  it('records a corrupt image as failed and goes on; every other item has every method scored and mapped', async () => {
    const out = path.join(tempDir(), 'run');
    const summary = await run(spec('rise,borex:rise,bo'), out);
    expect(summary).toMatchObject({ entries: 6, skipped: 0, processed: 6, items: { ok: 5, failed: 1, noItem: 0, methodFailures: 0 } });
    const items = readRunItems(out);
    expect(items.map((r) => r.key)).toEqual(['img00.png', 'img01.png', 'img02-corrupt.jpg', 'img02.png', 'img03.png', 'img04.png']);
    const bad = items[2];
    expect(bad).toEqual({ entry: 2, part: 0, parts: 1, key: 'img02-corrupt.jpg', image: 'img02-corrupt.jpg', status: 'failed', error: { kind: 'bad-input', message: expect.stringMatching(/^img02-corrupt\.jpg: (not a readable image|corrupt or truncated image)/) } });
    for (const r of items.filter((x) => x.status === 'ok')) {
      expect(Object.keys(r.methods!)).toEqual(['rise', 'borex:rise', 'bo']);
      for (const m of Object.values(r.methods!)) {
        expect(m.status).toBe('ok');
        expect(m.metrics!.insertion).toBeGreaterThan(0);
        expect(m.curves!.insertion).toHaveLength(33);
        expect(fs.statSync(path.join(out, m.map!)).size).toBe(encodeNpy(new Float32Array(32 * 32), [32, 32]).length);
      }
    }
    const runJson = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(runJson.spec.methods.map((m: { id: string }) => m.id)).toEqual(['rise', 'borex:rise', 'bo']);
    expect(runJson.spec.model.sha256).toBe(model.resolved.sha256);
  });

  it('computes a prior once and shares it: BOREx makes only its own 2 calls per iteration besides the metrics', async () => {
    const out = path.join(tempDir(), 'run');
    await run(spec('borex:rise,borex:rise+no-flip,borex:rise+simple-avg'), out);
    const t = readTimings(out).find((x) => x.image === 'img00.png')!;
    const metricCalls = 2 * 33;
    expect(t.methods.rise.model_calls).toBe(100 + metricCalls);
    expect(t.methods['borex:rise'].model_calls).toBe(2 * ITER + metricCalls);
    expect(t.methods['borex:rise+simple-avg'].model_calls).toBe(2 * ITER + metricCalls);
    expect(t.methods['borex:rise+no-flip'].model_calls).toBe(1 + ITER + metricCalls);
    const items = readRunItems(out);
    expect(Object.keys(items[0].methods!)).toEqual(['rise', 'borex:rise', 'borex:rise+no-flip', 'borex:rise+simple-avg']);
  });

  it('gives exactly what borex explain gives for the same settings (map bytes and metrics, prior included)', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'imgs'));
    fs.copyFileSync(path.join(images, 'img01.png'), path.join(dir, 'imgs/img01.png'));
    fs.writeFileSync(path.join(dir, 'imgs/img01.xml'), vocXml(48, 40, [{ name: 'region', box: [28, 3, 45, 16] }]));
    const out = path.join(dir, 'run');
    await run(spec('borex:rise', path.join(dir, 'imgs'), {}, { boxes: 'voc' }), out);
    const [item] = readRunItems(out);
    expect(item).toMatchObject({ key: 'img01.png#region', class: 'region', label: { index: 0, name: 'region', choice: 'top1' } });
    const outcome = await explainImage(model.classifier, info(), {
      image: path.join(dir, 'imgs/img01.png'),
      config: { method: 'borex', preset: 'paper', seed: 0, rise: riseParamsFor('paper'), prior: 'rise', borex: borexParamsFor('borex', { iterations: ITER }) },
      baseline: 'mean',
      metrics: { enabled: true, insertionStart: 'blur' },
      groundTruth: { vocXml: path.join(dir, 'imgs/img01.xml') },
    });
    expect(item.methods!['borex:rise'].metrics).toEqual(outcome.result.metrics);
    expect(item.methods!.rise.metrics).toEqual(outcome.result.prior!.metrics);
    expect(item.groundTruth!.boxes).toEqual(outcome.result.groundTruth!.boxes);
    expect(item.methods!['borex:rise'].metrics!.fRp).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(out, item.methods!['borex:rise'].map!))).toEqual(encodeNpy(outcome.map, [32, 32]));
    expect(fs.readFileSync(path.join(out, item.methods!.rise.map!))).toEqual(encodeNpy(outcome.priorMap!, [32, 32]));
  });

  it('records a method the engine cannot run as failed on each item, with the engine’s message, and its refinement too', async () => {
    const out = path.join(tempDir(), 'run');
    await run(spec('gradcampp,borex:gradcampp,rise'), out, { resume: false });
    for (const r of readRunItems(out).filter((x) => x.status === 'ok')) {
      const g = r.methods!.gradcampp;
      expect(g.status).toBe('failed');
      expect(g.error!.message.length).toBeGreaterThan(10);
      expect(r.methods!['borex:gradcampp']).toEqual({ status: 'failed', error: { kind: g.error!.kind, message: `prior gradcampp failed: ${g.error!.message}` } });
      expect(r.methods!.rise.status).toBe('ok');
    }
  });

  it('resumes a cancelled run to exactly the items and maps of an uninterrupted one', async () => {
    const whole = path.join(tempDir(), 'whole');
    await run(spec('rise,borex:rise'), whole);
    const cut = path.join(tempDir(), 'cut');
    const controller = new AbortController();
    let seen = 0;
    await expect(
      run(spec('rise,borex:rise'), cut, {
        resume: false,
        signal: controller.signal,
        onEntry: () => {
          if (++seen === 2) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ kind: 'cancelled' });
    expect(readRunItems(cut)).toHaveLength(2);
    expect(fs.existsSync(path.join(cut, 'run.lock'))).toBe(false);
    // Without --resume an existing run is refused; with another spec too.
    await expect(run(spec('rise,borex:rise'), cut)).rejects.toMatchObject({ kind: 'usage' });
    await expect(run(spec('rise,bo'), cut, { resume: true })).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining('spec.methods') });
    const resumed = await run(spec('rise,borex:rise'), cut, { resume: true });
    expect(resumed).toMatchObject({ skipped: 2, processed: 4 });
    expect(runFiles(cut)).toEqual(runFiles(whole));
    // Resuming a finished run does nothing.
    expect(await run(spec('rise,borex:rise'), cut, { resume: true })).toMatchObject({ skipped: 6, processed: 0 });
  });

  it('two shards merged equal the unsharded run, byte for byte', async () => {
    const base = tempDir();
    await run(spec('rise,borex:rise,bo'), path.join(base, 'all'));
    const s0 = await run(spec('rise,borex:rise,bo', images, { shard: { index: 0, count: 2 } }), path.join(base, 's0'));
    const s1 = await run(spec('rise,borex:rise,bo', images, { shard: { index: 1, count: 2 } }), path.join(base, 's1'));
    expect([s0.entries, s1.entries]).toEqual([3, 3]);
    expect(readRunItems(path.join(base, 's1')).map((r) => r.entry)).toEqual([1, 3, 5]);
    // An incomplete set of shards is refused.
    expect(() => mergeRuns(path.join(base, 'm0'), [path.join(base, 's0')])).toThrow(expect.objectContaining({ kind: 'usage' }));
    const merged = mergeRuns(path.join(base, 'merged'), [path.join(base, 's1'), path.join(base, 's0')]);
    expect(merged).toMatchObject({ shards: 2, entries: 6, done: 6, items: 6 });
    expect(runFiles(path.join(base, 'merged'))).toEqual(runFiles(path.join(base, 'all')));
    const m = JSON.parse(fs.readFileSync(path.join(base, 'merged/run.json'), 'utf8'));
    const a = JSON.parse(fs.readFileSync(path.join(base, 'all/run.json'), 'utf8'));
    expect(m.spec).toEqual(a.spec);
    expect(m.shard).toBeNull();
    // A shard of another spec cannot be merged.
    await run(spec('rise,bo', images, { shard: { index: 1, count: 2 } }), path.join(base, 'other1'));
    expect(() => mergeRuns(path.join(base, 'm2'), [path.join(base, 's0'), path.join(base, 'other1')])).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it('fails an item whose VOC annotation is missing, and explains a class-map class per VOC class', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'imgs'));
    for (const n of ['img00.png', 'img01.png']) fs.copyFileSync(path.join(images, n), path.join(dir, 'imgs', n));
    fs.writeFileSync(path.join(dir, 'imgs/img00.xml'), vocXml(48, 40, [{ name: 'thing', box: [28, 3, 45, 16] }, { name: 'person', box: [0, 0, 10, 10] }]));
    fs.writeFileSync(path.join(dir, 'map.txt'), '0 thing\n');
    const out = path.join(dir, 'run');
    await run(spec('rise', path.join(dir, 'imgs'), { classMap: path.join(dir, 'map.txt') }, { boxes: 'voc' }), out);
    const [a, b] = readRunItems(out);
    expect(a).toMatchObject({ key: 'img00.png#thing', class: 'thing', label: { index: 0, choice: 'class-map' }, groundTruth: { boxes: [[19, 2, 30, 13]] } });
    expect(b).toMatchObject({ key: 'img01.png', status: 'failed', error: { kind: 'bad-input', message: expect.stringContaining('img01.xml') } });
  });
});

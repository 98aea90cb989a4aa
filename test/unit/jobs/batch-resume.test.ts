/**
 * Resuming a run from its run directory alone (src/engine/jobs/batch-resume.ts): the spec rebuilt
 * from run.json resumes to exactly the uninterrupted run, running only the images still to do; a
 * run whose inputs are gone is refused, naming what is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBatchInput } from '../../../src/engine/jobs/batch-input.ts';
import { resolveMethods } from '../../../src/engine/jobs/batch-methods.ts';
import { assertSameLabels, planResume, remainingEntries } from '../../../src/engine/jobs/batch-resume.ts';
import { batchSpecRecord, runBatch, type BatchSpec } from '../../../src/engine/jobs/batch.ts';
import { readRunItems, readRunManifest, readTimings, specFingerprint, type ItemRecord, type RunManifest } from '../../../src/engine/jobs/run-store.ts';
import { loadModel, type LoadedModel } from '../../../src/engine/model/load.ts';
import { sha256File } from '../../../src/engine/model/model-store.ts';
import { tempDir } from '../../helpers/cli.ts';
import { REGION_MODEL, runFiles, writeImages } from './fixtures.ts';

let model: LoadedModel;
let images: string;

beforeAll(async () => {
  model = await loadModel(REGION_MODEL, {}, { threads: 1 });
  images = path.join(tempDir('borex-resume-'), 'imgs');
  await writeImages(images, 4);
});
afterAll(async () => model?.classifier.dispose());

const info = () => ({ name: model.resolved.name, path: model.resolved.file, sha256: model.resolved.sha256 });

function spec(input: string, extra: Partial<BatchSpec> = {}): BatchSpec {
  return {
    input: listBatchInput(input),
    methods: resolveMethods('borex:rise', { preset: 'paper', seed: 0, borex: { iterations: 6 } }),
    baseline: 'mean',
    resizeFilter: 'linear',
    metrics: { enabled: true, insertionStart: 'blur' },
    maps: 'npy',
    ...extra,
  };
}

/** A run of `s` into `out`, cancelled once `after` images are stored (as Cancel or a crash leaves it). */
async function cutRun(s: BatchSpec, out: string, after: number): Promise<void> {
  const controller = new AbortController();
  let stored = 0;
  const onEntry = () => {
    if (++stored === after) controller.abort();
  };
  await expect(runBatch(model.classifier, info(), s, out, { resume: false, signal: controller.signal, onEntry })).rejects.toMatchObject({ kind: 'cancelled' });
  expect(new Set(readRunItems(out).map((r) => r.entry)).size).toBe(after);
}

/** A folder of links to the photos in a folder of their own, as the Batch view links photos added one by one. */
function linkedCopy(dir: string): { store: string; links: string } {
  const store = path.join(dir, 'store');
  const links = path.join(dir, 'input');
  fs.mkdirSync(store, { recursive: true });
  fs.mkdirSync(links, { recursive: true });
  for (const name of fs.readdirSync(images)) {
    fs.copyFileSync(path.join(images, name), path.join(store, name));
    fs.symlinkSync(path.join(store, name), path.join(links, name));
  }
  return { store, links };
}

function folderCopy(dir: string): string {
  fs.cpSync(images, dir, { recursive: true });
  return dir;
}

const missing = (run: string, what: string) => ({ kind: 'bad-input', message: `cannot resume run ${path.basename(run)}: missing ${what}` });

describe('resuming a batch run from its run.json alone', () => {
  it('rebuilds the very spec, and runs only the images still to do, to exactly the uninterrupted run', async () => {
    const whole = path.join(tempDir(), 'whole');
    await runBatch(model.classifier, info(), spec(images), whole, { resume: false });
    const cut = path.join(tempDir(), 'cut');
    await cutRun(spec(images), cut, 2);

    const plan = planResume(cut, model.resolved.file);
    expect(plan.remaining).toBe(2);
    expect(plan.done.map((r) => r.key)).toEqual(['img00.png', 'img01.png']);
    expect(specFingerprint(batchSpecRecord(plan.spec, model.classifier, info()))).toBe(specFingerprint(readRunManifest(cut).spec));

    const callsBefore = model.classifier.calls;
    const summary = await runBatch(model.classifier, info(), plan.spec, cut, { resume: true });
    expect(summary).toMatchObject({ entries: 4, skipped: 2, processed: 2 });
    // The model ran for images 2 and 3 only: one classification each, plus every call of their methods.
    const wholeTimings = readTimings(whole);
    const callsOf = (entry: number) => 1 + Object.values(wholeTimings[entry].methods).reduce((n, m) => n + m.model_calls, 0);
    expect(model.classifier.calls - callsBefore).toBe(callsOf(2) + callsOf(3));
    expect(runFiles(cut)).toEqual(runFiles(whole));
    expect(readTimings(cut).map((t) => t.entry)).toEqual([0, 1, 2, 3]);
  });

  it('refuses a run whose input folder is gone, naming it', async () => {
    const dir = tempDir();
    const input = folderCopy(path.join(dir, 'photos'));
    const cut = path.join(dir, 'run');
    await cutRun(spec(input), cut, 1);
    fs.rmSync(input, { recursive: true });
    expect(() => planResume(cut, model.resolved.file)).toThrow(expect.objectContaining(missing(cut, `its input folder ${input}`)));
  });

  it('refuses when a linked photo still to do is gone; a finished photo that is gone does not matter', async () => {
    const dir = tempDir();
    const { store, links } = linkedCopy(dir);
    const cut = path.join(dir, 'run');
    await cutRun(spec(links), cut, 2);
    fs.rmSync(path.join(store, 'img00.png'));
    expect(planResume(cut, model.resolved.file).remaining).toBe(2);
    fs.rmSync(path.join(store, 'img02.png'));
    fs.rmSync(path.join(store, 'img03.png'));
    expect(() => planResume(cut, model.resolved.file)).toThrow(expect.objectContaining(missing(cut, '2 photos still to do: img02.png, img03.png')));
  });

  it('refuses a folder that lists other photos now (the run recorded which it listed)', async () => {
    const dir = tempDir();
    const input = folderCopy(path.join(dir, 'photos'));
    const cut = path.join(dir, 'run');
    await cutRun(spec(input), cut, 2);
    fs.rmSync(path.join(input, 'img01.png'));
    expect(() => planResume(cut, model.resolved.file)).toThrow(expect.objectContaining(missing(cut, `the photos it listed: ${input} lists other photos now (4 then, 3 now; gone: img01.png)`)));
  });

  it('refuses a run whose class map is gone, naming it with its sha256', async () => {
    const dir = tempDir();
    const map = path.join(dir, 'map.txt');
    fs.writeFileSync(map, '0 thing\n');
    const cut = path.join(dir, 'run');
    await cutRun(spec(images, { classMap: map }), cut, 1);
    const sha = sha256File(map);
    expect(planResume(cut, model.resolved.file).spec.classMap).toBe(map);
    fs.rmSync(map);
    expect(() => planResume(cut, model.resolved.file)).toThrow(expect.objectContaining(missing(cut, `its class map ${map} (sha256 ${sha.slice(0, 12)}…)`)));
  });

  it('counts the images still to do of the run’s own shard', () => {
    const manifest = { spec: { input: { entries: 5, entriesSha256: '' } }, shard: { index: 1, count: 2 } } as unknown as RunManifest;
    const done = [{ entry: 1 }, { entry: 2 }] as ItemRecord[];
    expect(remainingEntries(manifest, done)).toBe(1);
    expect(remainingEntries({ ...manifest, shard: null }, done)).toBe(3);
  });

  it('refuses a model whose class names differ from those the run recorded', () => {
    const done = [{ key: 'a.png', label: { index: 1, name: 'square', probability: 0.9, choice: 'top1' } }] as ItemRecord[];
    expect(() => assertSameLabels(done, ['circle', 'square'])).not.toThrow();
    expect(() => assertSameLabels(done, [])).toThrow(expect.objectContaining({ kind: 'usage', message: 'the model\'s class 1 is "1" but the run recorded "square" (a.png): open the model with the labels the run used, then resume' }));
  });
});

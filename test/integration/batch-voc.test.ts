import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBatchInput } from '../../src/engine/jobs/batch-input.ts';
import { resolveMethods } from '../../src/engine/jobs/batch-methods.ts';
import { runBatch } from '../../src/engine/jobs/batch.ts';
import { compareRuns, loadRuns, paperPairs, toMarkdown } from '../../src/engine/jobs/compare.ts';
import { readRunItems } from '../../src/engine/jobs/run-store.ts';
import { loadModel, type LoadedModel } from '../../src/engine/model/load.ts';
import { findLabelsFile } from '../../src/engine/model/model-store.ts';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';

/** A small VOC batch with the real MobileNetV2: the public BOREx code's class choice, boxes, and a compare table. */
const IMAGES = ['2007_000027', '2007_000032', '2007_000033'];
const { skip } = assetStatus(
  'models/mobilenetv2-12-int8.onnx',
  'labels/voc_imagenet_map.txt',
  ...IMAGES.flatMap((n) => [`voc2012-subset/JPEGImages/${n}.jpg`, `voc2012-subset/Annotations/${n}.xml`]),
);

describe.skipIf(skip)('batch on VOC photos with MobileNetV2 (int8)', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    process.env.BOREX_MODEL_DIR = MODEL_DIR;
    model = await loadModel('mobilenetv2-12-int8');
  });
  afterAll(async () => model?.classifier.dispose());

  it('explains one item per (image, mapped VOC class), scores F against that class’s boxes, and compares', async () => {
    // A manifest over three VOC photos with their XML annotations (paths relative to the manifest).
    const dir = tempDir('borex-batch-voc-');
    const manifest = path.join(dir, 'voc.jsonl');
    fs.writeFileSync(manifest, IMAGES.map((n) => JSON.stringify({ image: asset(`voc2012-subset/JPEGImages/${n}.jpg`), annotation: asset(`voc2012-subset/Annotations/${n}.xml`) }) + '\n').join(''));
    const classMap = findLabelsFile('voc_imagenet_map.txt', [MODEL_DIR])!;
    const out = path.join(dir, 'run');
    const summary = await runBatch(
      model.classifier,
      { name: model.resolved.name, path: model.resolved.file, sha256: model.resolved.sha256 },
      {
        input: listBatchInput(manifest),
        methods: resolveMethods('rise,borex:rise', { preset: 'paper', seed: 0, borex: { iterations: 4 } }),
        baseline: 'mean',
        resizeFilter: 'linear',
        metrics: { enabled: true, insertionStart: 'blur', step: 224 * 8 },
        classMap,
        maps: 'npy',
      },
      out,
      { resume: false },
    );
    expect(summary.items).toMatchObject({ ok: 2, failed: 0, noItem: 1, methodFailures: 0 });
    const [person, plane, plane2] = readRunItems(out);
    // 2007_000027 holds only a person: no ImageNet class maps to it.
    expect(person).toMatchObject({ status: 'no-item', reason: expect.stringContaining('(person)') });
    // 2007_000032: aeroplanes (and people); the model's airliner (404) maps to aeroplane.
    expect(plane).toMatchObject({ status: 'ok', class: 'aeroplane', label: { index: 404, name: 'airliner', choice: 'class-map' } });
    expect(plane.key).toMatch(/2007_000032\.jpg#aeroplane$/);
    expect(plane.groundTruth!.boxes!.length).toBeGreaterThanOrEqual(1);
    expect(plane2).toMatchObject({ status: 'ok', class: 'aeroplane' });
    for (const r of [plane, plane2]) {
      for (const id of ['rise', 'borex:rise']) {
        const m = r.methods![id];
        expect(m.status).toBe('ok');
        expect(m.metrics!.fRp).toBeGreaterThan(0);
        expect(m.metrics!.insertion).toBeGreaterThan(0);
        expect(fs.existsSync(path.join(out, m.map!))).toBe(true);
      }
    }
    const runs = loadRuns([out]);
    const md = toMarkdown(compareRuns(runs, paperPairs(runs.methods)));
    expect(md).toMatch(/\| RISE \(`rise`\) \| F-measure \(F_rp\) ↑ \| 2 \|/);
  });
});

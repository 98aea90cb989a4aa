import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/engine/image/decode.ts';
import { preprocess } from '../../src/engine/image/preprocess.ts';
import { topK } from '../../src/engine/model/classifier.ts';
import { loadModel, type LoadedModel } from '../../src/engine/model/load.ts';
import { shortLabel } from '../../src/engine/model/labels.ts';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { borex, readNpy, tempDir } from '../helpers/cli.ts';

const { skip } = assetStatus('models/mobilenetv2-12-int8.onnx', 'labels/imagenet1k_classes_ILSVRC2012.txt', 'images/darknet/dog.jpg', 'images/darknet/eagle.jpg');

describe.skipIf(skip)('real MobileNetV2 (int8) from the offline model directory', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    process.env.BOREX_MODEL_DIR = MODEL_DIR;
    model = await loadModel('mobilenetv2-12-int8');
  });
  afterAll(async () => model?.classifier.dispose());

  async function top1(image: string) {
    const input = await preprocess(await decodeImage(asset(image)), model.classifier.spec);
    const p = await model.classifier.classify(input.tensor, 1);
    const [best] = topK(p, 1);
    return { index: best, name: shortLabel(model.classifier.labels[best]), probability: p[best] };
  }

  it('is found by name, checksum-verified, with ImageNet labels and spec', () => {
    expect(model.resolved.sha256).toBe('83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f');
    expect(model.classifier.numClasses).toBe(1000);
    expect(model.classifier.labels[0]).toBe('tench, Tinca tinca');
    expect(model.classifier.spec).toMatchObject({ height: 224, width: 224, layout: 'NCHW', resize: 'shorter-side-crop' });
  });

  it('says malamute for dog.jpg with probability 0.6–0.8', async () => {
    const r = await top1('images/darknet/dog.jpg');
    expect(r.index).toBe(249);
    expect(r.name).toBe('malamute');
    expect(r.probability).toBeGreaterThan(0.6);
    expect(r.probability).toBeLessThan(0.8);
  });

  it('says bald eagle for eagle.jpg', async () => {
    const r = await top1('images/darknet/eagle.jpg');
    expect(r.index).toBe(22);
    expect(r.name).toBe('bald eagle');
  });

  it('batched inference equals one-at-a-time inference', async () => {
    const input = await preprocess(await decodeImage(asset('images/darknet/dog.jpg')), model.classifier.spec);
    const batch = new Float32Array(3 * input.tensor.length);
    for (let i = 0; i < 3; i++) batch.set(input.tensor.map((v) => v * (1 - i * 0.2)), i * input.tensor.length);
    const together = await model.classifier.classify(batch, 3);
    for (let i = 0; i < 3; i++) {
      const alone = await model.classifier.classify(batch.subarray(i * input.tensor.length, (i + 1) * input.tensor.length), 1);
      for (const c of [249, 248, 250]) expect(together[i * 1000 + c]).toBeCloseTo(alone[c], 5);
    }
  });
});

describe.skipIf(skip)('borex explain on dog.jpg (the CLI contract)', () => {
  it('writes result.json, saliency.npy and overlay.png; label malamute; insertion > deletion', () => {
    const out = path.join(tempDir(), 'dog');
    const r = borex(['explain', asset('images/darknet/dog.jpg'), '--model', 'mobilenetv2-12-int8', '--method', 'rise', '--preset', 'paper', '--seed', '0', '--out', out, '--json'], { BOREX_MODEL_DIR: MODEL_DIR });
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.type === 'progress' && l.stage === 'rise' && l.done === 100 && l.total === 100)).toBe(true);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(result);
    expect(result.label).toMatchObject({ index: 249, name: 'malamute' });
    expect(result.model).toMatchObject({ name: 'mobilenetv2-12-int8', sha256: '83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f' });
    expect(result.metrics.insertion).toBeGreaterThan(result.metrics.deletion);
    expect(result.curves.insertion).toHaveLength(225);
    expect(result.config).toMatchObject({ method: 'rise', seed: 0, rise: { masks: 100, gridSize: 8, keepProbability: 0.3 } });
    // 1 classification + 100 masks + 2 × 225 metric images
    expect(result.timing.model_calls).toBe(1 + 100 + 450);
    const npy = readNpy(path.join(out, 'saliency.npy'));
    expect(npy.shape).toEqual([224, 224]);
    expect(npy.data).toHaveLength(224 * 224);
    expect(fs.readFileSync(path.join(out, 'overlay.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});

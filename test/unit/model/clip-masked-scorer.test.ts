import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExpandingMaskedScorer } from '../../../src/engine/model/masked-scorer.ts';
import { OnnxMaskedScorer } from '../../../src/engine/model/onnx-masked-scorer.ts';
import { OnnxClassifier } from '../../../src/engine/model/onnx-classifier.ts';
import { RiseClipMaskGenerator } from '../../../src/engine/methods/rise-masks.ts';
import { Random } from '../../../src/engine/random.ts';
import { CLIP_SPEC, weightedClipModel } from '../../helpers/synthetic-clip.ts';

const [T, H, W] = [4, 6, 5];
const N = 3 * T * H * W;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-clip-masked-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const weights = Float32Array.from({ length: N }, (_, i) => ((i * 29) % 13) / 6 - 1);
const x = Float32Array.from({ length: N }, (_, i) => ((i * 7) % 9) / 4);

describe('3-D RISE masking inside the wrapped ONNX graph', () => {
  for (const layout of ['NCTHW', 'NTCHW', 'NTHWC'] as const) {
    for (const zero of [true, false]) {
      it(`${layout}, ${zero ? 'zero' : 'non-zero'} baseline: the same scores and weighted masks as the JS scorer`, async () => {
        const file = path.join(dir, `${layout}.onnx`);
        fs.writeFileSync(file, weightedClipModel(layout, T, H, W, weights));
        const classifier = await OnnxClassifier.load(file, CLIP_SPEC(T, H, W, layout), undefined, { batchSize: 4, threads: 1 });
        const baseline = zero ? new Float32Array(N) : Float32Array.from({ length: N }, (_, i) => (i % 5) / 10);
        const image = { x, baseline, label: 0 };
        const onnx = await classifier.maskedScorer(image);
        expect(onnx).toBeInstanceOf(OnnxMaskedScorer);
        const js = new ExpandingMaskedScorer(classifier, image);
        const gen = new RiseClipMaskGenerator(T, H, W, 3, 2, 0.5);
        const masks = gen.allocate(6);
        const random = new Random(5);
        for (let b = 0; b < 6; b++) gen.draw(random, masks, b);
        masks.count = 6;
        const before = classifier.calls;
        const a = await onnx.score(masks);
        expect(classifier.calls - before).toBe(6);
        const b = await js.score(masks);
        expect(a.weighted.length).toBe(T * H * W);
        for (let i = 0; i < 6; i++) expect(a.scores[i]).toBeCloseTo(b.scores[i], 6);
        for (let i = 0; i < a.weighted.length; i++) expect(a.weighted[i]).toBeCloseTo(b.weighted[i], 5);
        await classifier.dispose();
      });
    }
  }

  it('pads a model with a fixed batch of 1 with zero masks', async () => {
    const file = path.join(dir, 'fixed1.onnx');
    fs.writeFileSync(file, weightedClipModel('NCTHW', T, H, W, weights, 1));
    const classifier = await OnnxClassifier.load(file, CLIP_SPEC(T, H, W), undefined, { threads: 1 });
    expect(classifier.batchSize).toBe(1);
    const image = { x, baseline: new Float32Array(N), label: 0 };
    const onnx = await classifier.maskedScorer(image);
    const gen = new RiseClipMaskGenerator(T, H, W, 3, 2, 0.5);
    const masks = gen.allocate(3);
    const random = new Random(9);
    for (let b = 0; b < 3; b++) gen.draw(random, masks, b);
    masks.count = 3;
    const a = await onnx.score(masks);
    const b = await new ExpandingMaskedScorer(classifier, image).score(masks);
    for (let i = 0; i < 3; i++) expect(a.scores[i]).toBeCloseTo(b.scores[i], 6);
    for (let i = 0; i < a.weighted.length; i++) expect(a.weighted[i]).toBeCloseTo(b.weighted[i], 5);
    await classifier.dispose();
  });
});

/**
 * RISE's scorers: masking inside onnxruntime (OnnxClassifier.maskedScorer, graph/masked-input.ts)
 * must give what the generic JavaScript scorer gives, and what the region model's formula says.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RiseMaskGenerator } from '../../../src/engine/methods/rise-masks.ts';
import { loadModel } from '../../../src/engine/model/load.ts';
import { expandMask } from '../../../src/engine/masks/factored.ts';
import { ExpandingMaskedScorer } from '../../../src/engine/model/masked-scorer.ts';
import type { MaskedImage } from '../../../src/engine/model/masked-scoring.ts';
import type { ModelSpec } from '../../../src/engine/model/spec.ts';
import { Random } from '../../../src/engine/random.ts';
import { FIXTURE_MODELS } from '../../helpers/cli.ts';

const S = 32;
const PLANE = S * S;
const PLAIN: Partial<ModelSpec> = { height: S, width: S, mean: [0, 0, 0], std: [1, 1, 1] };

/** x: channel 0 = 1 (the region model's evidence), channels 1–2 a ramp; baseline zero or not. */
function image(zeroBaseline: boolean): MaskedImage {
  const x = new Float32Array(3 * PLANE);
  x.fill(1, 0, PLANE);
  for (let i = PLANE; i < 3 * PLANE; i++) x[i] = (i % 97) / 97;
  const baseline = new Float32Array(3 * PLANE);
  if (!zeroBaseline) for (let i = 0; i < baseline.length; i++) baseline[i] = 0.25 - (i % 13) / 26;
  return { x, baseline, label: 0 };
}

function drawMasks(count: number, seed: number) {
  const gen = new RiseMaskGenerator(S, S, 4, 0.5);
  const masks = gen.allocate(count);
  masks.count = count;
  const random = new Random(seed);
  for (let b = 0; b < count; b++) gen.draw(random, masks, b);
  return masks;
}

/** p(region) of the fixture model: softmax of [8·mean of channel 0 over rows 4–11, cols 20–27, 0]. */
function regionScore(img: MaskedImage, mask: Float32Array): number {
  let sum = 0;
  for (let y = 4; y < 12; y++) for (let x = 20; x < 28; x++) {
    const i = y * S + x;
    sum += img.baseline[i] + mask[i] * (img.x[i] - img.baseline[i]);
  }
  return 1 / (1 + Math.exp(-8 * (sum / 64)));
}

const MODELS: Array<[string, Partial<ModelSpec>]> = [
  ['region-2class.onnx', {}],
  ['region-2class-batch1.onnx', {}],
  ['region-2class-nhwc.onnx', { ...PLAIN, output: 'logits' }],
  ['region-2class-probs.onnx', PLAIN],
];

describe('OnnxClassifier.maskedScorer', () => {
  for (const [file, spec] of MODELS) {
    for (const zeroBaseline of [true, false]) {
      it(`${file}, ${zeroBaseline ? 'zero' : 'non-zero'} baseline: scores and weighted masks equal the formula and the generic scorer`, async () => {
        const warnings: string[] = [];
        const { classifier } = await loadModel(path.join(FIXTURE_MODELS, file), spec, { batchSize: 3, onWarning: (m) => warnings.push(m) });
        const img = image(zeroBaseline);
        const masks = drawMasks(5, 11);
        const scorer = await classifier.maskedScorer!(img);
        expect(scorer).not.toBeInstanceOf(ExpandingMaskedScorer);
        const before = classifier.calls;
        const fast = await scorer.score(masks);
        expect(classifier.calls - before).toBe(5);
        const generic = await new ExpandingMaskedScorer(classifier, img).score(masks);

        const mask = new Float32Array(PLANE);
        const expectedWeighted = new Float64Array(PLANE);
        for (let b = 0; b < 5; b++) {
          expandMask(masks, b, mask);
          const score = regionScore(img, mask);
          expect(fast.scores[b]).toBeCloseTo(score, 6);
          expect(generic.scores[b]).toBeCloseTo(score, 6);
          for (let i = 0; i < PLANE; i++) expectedWeighted[i] += score * mask[i];
        }
        for (let i = 0; i < PLANE; i++) {
          expect(fast.weighted[i]).toBeCloseTo(expectedWeighted[i], 5);
          expect(generic.weighted[i]).toBeCloseTo(expectedWeighted[i], 5);
        }
        expect(warnings).toEqual([]);
        await classifier.dispose();
      });
    }
  }

  it('falls back to the generic scorer, with a warning, for a model it cannot wrap', async () => {
    const warnings: string[] = [];
    const { classifier } = await loadModel(path.join(FIXTURE_MODELS, 'borex-names.onnx'), PLAIN, { onWarning: (m) => warnings.push(m) });
    const img = image(true);
    const scorer = await classifier.maskedScorer!(img);
    expect(scorer).toBeInstanceOf(ExpandingMaskedScorer);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/borex-names\.onnx: masking inside onnxruntime is not possible .*'borex_m'.*applied in JavaScript/);
    const masks = drawMasks(2, 3);
    const mask = new Float32Array(PLANE);
    expandMask(masks, 1, mask);
    expect((await scorer.score(masks)).scores[1]).toBeCloseTo(regionScore(img, mask), 6);
    await classifier.dispose();
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/model/load.ts';
import { FIXTURE_MODELS } from '../../helpers/cli.ts';

/** Images whose channel 0 over the model's region (rows 4–11, cols 20–27) is the given value. */
function images(values: number[]): Float32Array {
  const plane = 32 * 32;
  const out = new Float32Array(values.length * 3 * plane);
  values.forEach((v, b) => out.fill(v, b * 3 * plane, b * 3 * plane + plane));
  return out;
}
const expected = (v: number) => Math.exp(8 * v) / (Math.exp(8 * v) + 1); // softmax of [8v, 0]

describe('OnnxClassifier', () => {
  it('softmaxes logits and batches a dynamic batch dimension', async () => {
    const { classifier } = await loadModel(path.join(FIXTURE_MODELS, 'region-2class.onnx'), {}, { batchSize: 2 });
    const p = await classifier.classify(images([0, 0.25, 1]), 3);
    [0, 0.25, 1].forEach((v, b) => expect(p[b * 2]).toBeCloseTo(expected(v), 6));
    expect(classifier.calls).toBe(3);
    expect(classifier.detectedOutputKind).toBe('logits');
    await classifier.dispose();
  });

  it('feeds a model with a fixed batch of 1 one image at a time', async () => {
    const { classifier } = await loadModel(path.join(FIXTURE_MODELS, 'region-2class-batch1.onnx'), {}, { batchSize: 32 });
    expect(classifier.batchSize).toBe(1);
    const p = await classifier.classify(images([0.5, 0.1]), 2);
    expect(p[0]).toBeCloseTo(expected(0.5), 6);
    expect(p[2]).toBeCloseTo(expected(0.1), 6);
    await classifier.dispose();
  });

  it('reads the layout from a fixed channel dimension and transposes planar batches for NHWC models', async () => {
    const nchw = await loadModel(path.join(FIXTURE_MODELS, 'region-2class.onnx'), { layout: 'NHWC' });
    expect(nchw.classifier.spec.layout).toBe('NCHW'); // the model's fixed C = 3 wins over a wrong flag
    await nchw.classifier.dispose();
    const { classifier } = await loadModel(path.join(FIXTURE_MODELS, 'region-2class-nhwc.onnx'), { height: 32, width: 32, mean: [0, 0, 0], std: [1, 1, 1], output: 'logits' });
    expect(classifier.spec.layout).toBe('NHWC');
    const p = await classifier.classify(images([0.3, 0.9]), 2);
    expect(p[0]).toBeCloseTo(expected(0.3), 6);
    expect(p[2]).toBeCloseTo(expected(0.9), 6);
    await classifier.dispose();
  });
});

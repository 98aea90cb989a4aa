import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxClassifier } from '../../../src/engine/model/onnx-classifier.ts';
import { labelsForClassCount } from '../../../src/engine/model/load.ts';
import { validateSpec } from '../../../src/engine/model/model-store.ts';
import { batchDims, inputDims, TORCHVISION_DEFAULTS, type ClipLayout } from '../../../src/engine/model/spec.ts';
import { toClipLayout } from '../../../src/engine/model/nhwc.ts';
import { CLIP_SPEC, weightedClipModel } from '../../helpers/synthetic-clip.ts';

const T = 4;
const H = 5;
const W = 6;
const N = 3 * T * H * W;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-clip-model-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Distinct weights and inputs per voxel, so a wrong transpose changes the sum. */
const weights = Float32Array.from({ length: N }, (_, i) => ((i * 37) % 11) / 10 - 0.5);
const clip = (k: number) => Float32Array.from({ length: N }, (_, i) => ((i * 13 + k * 7) % 17) / 16);
const expectedLogit = (x: Float32Array) => x.reduce((a, v, i) => a + v * weights[i], 0) / N;
const softmax0 = (z: number) => Math.exp(z) / (Math.exp(z) + 1);

function writeModel(name: string, layout: ClipLayout): string {
  const file = path.join(dir, `${name}.onnx`);
  fs.writeFileSync(file, weightedClipModel(layout, T, H, W, weights));
  return file;
}

describe('clip model specs', () => {
  it('gives [3,T,H,W] input dims and batch dims in each layout', () => {
    expect(inputDims(CLIP_SPEC(16, 64, 64))).toEqual([3, 16, 64, 64]);
    expect(batchDims(CLIP_SPEC(16, 64, 64, 'NCTHW'), 2)).toEqual([2, 3, 16, 64, 64]);
    expect(batchDims(CLIP_SPEC(16, 64, 64, 'NTCHW'), 2)).toEqual([2, 16, 3, 64, 64]);
    expect(batchDims(CLIP_SPEC(16, 64, 64, 'NTHWC'), 2)).toEqual([2, 16, 64, 64, 3]);
    expect(inputDims(TORCHVISION_DEFAULTS)).toEqual([3, 224, 224]);
  });

  it('validates frames, valueRange and sampling', () => {
    const ok = { ...CLIP_SPEC(16, 64, 64), valueRange: [0, 255] as [number, number], sampling: { window: 16, stride: 8 } };
    expect(validateSpec(ok, 'm.borex.json')).toBe(ok);
    expect(() => validateSpec({ ...CLIP_SPEC(16, 64, 64), frames: 0 }, 'm.borex.json')).toThrow('m.borex.json: frames must be a positive integer for a NCTHW model, got 0');
    expect(() => validateSpec({ ...CLIP_SPEC(16, 64, 64), valueRange: [0, 2] }, 'm.borex.json')).toThrow('valueRange must be [0, 1] or [0, 255], got [0,2]');
    expect(() => validateSpec({ ...CLIP_SPEC(16, 64, 64), sampling: { window: 8, stride: 4 } }, 'm.borex.json')).toThrow('with T = frames (16)');
    expect(() => validateSpec({ ...TORCHVISION_DEFAULTS, frames: 8 }, 'm.borex.json')).toThrow('frames is only for clip layouts');
    expect(() => validateSpec({ ...TORCHVISION_DEFAULTS, layout: 'NCDHW' as never }, 'm.borex.json')).toThrow('layout must be one of NCHW, NHWC, NCTHW, NTCHW, NTHWC, got NCDHW');
  });

  it('transposes [C,T,H,W] to NTCHW and NTHWC', () => {
    const x = Float32Array.from({ length: 2 * N }, (_, i) => i);
    const ntchw = toClipLayout(x, 2, 'NTCHW', T, H, W, undefined);
    const nthwc = toClipLayout(x, 2, 'NTHWC', T, H, W, new Float32Array(4 * N));
    // batch 1, c=2, t=3, y=4, x=5
    const src = N + ((2 * T + 3) * H + 4) * W + 5;
    expect(ntchw[N + ((3 * 3 + 2) * H + 4) * W + 5]).toBe(src);
    expect(nthwc[N + ((3 * H + 4) * W + 5) * 3 + 2]).toBe(src);
    expect(nthwc.length).toBe(2 * N);
    expect(toClipLayout(x, 2, 'NCTHW', T, H, W, undefined)).toBe(x);
  });
});

describe('OnnxClassifier on clips', () => {
  for (const layout of ['NCTHW', 'NTCHW', 'NTHWC'] as const) {
    it(`infers ${layout} from the fixed channel dim and scores clips in that layout`, async () => {
      const file = writeModel(`w-${layout}`, layout);
      const classifier = await OnnxClassifier.load(file, TORCHVISION_DEFAULTS, undefined, { batchSize: 2, threads: 1 });
      expect(classifier.spec.layout).toBe(layout);
      expect([classifier.spec.frames, classifier.spec.height, classifier.spec.width]).toEqual([T, H, W]);
      const clips = new Float32Array(3 * N);
      for (let k = 0; k < 3; k++) clips.set(clip(k), k * N);
      const p = await classifier.classify(clips, 3);
      for (let k = 0; k < 3; k++) expect(p[k * 2]).toBeCloseTo(softmax0(expectedLogit(clip(k))), 6);
      expect(classifier.calls).toBe(3);
      await classifier.dispose();
    });
  }

  it('refuses a clip spec on a 4-D model and an image layout on a 5-D one', async () => {
    const image = path.resolve('test/fixtures/models/region-2class.onnx');
    await expect(OnnxClassifier.load(image, CLIP_SPEC(4, 32, 32), undefined, { threads: 1 })).rejects.toThrow(`${image}: its spec says a NCTHW clip model, but input "input" has shape [N, 3, 32, 32]; a clip model has a 5-D input`);
    const file = writeModel('w-nhwc-spec', 'NCTHW');
    await expect(OnnxClassifier.load(file, { ...TORCHVISION_DEFAULTS, layout: 'NHWC' }, undefined, { threads: 1 })).rejects.toThrow('its spec says a NHWC image model, but input "clip" has the 5-D shape [N, 3, 4, 5, 6] of a clip model');
  });

  it('refuses a 5-D input whose layout cannot be inferred, unless the spec gives it', async () => {
    // T = 3 and C = 3 on both axes 1 and 2: ambiguous between NCTHW and NTCHW.
    const file = path.join(dir, 'ambiguous.onnx');
    const w3 = new Float32Array(3 * 3 * H * W).fill(1);
    fs.writeFileSync(file, weightedClipModel('NCTHW', 3, H, W, w3));
    await expect(OnnxClassifier.load(file, TORCHVISION_DEFAULTS, undefined, { threads: 1 })).rejects.toThrow(`${file}: cannot infer the layout of ambiguous.onnx's 5-D input [N, 3, 3, 5, 6]; give --layout (NCTHW, NTCHW, NTHWC)`);
    const given = await OnnxClassifier.load(file, CLIP_SPEC(3, H, W, 'NTCHW'), undefined, { threads: 1 });
    expect(given.spec.layout).toBe('NTCHW');
    await given.dispose();
  });

  it('names the 400 classes of a label-less model from Kinetics-400', () => {
    const labels = labelsForClassCount(400, path.resolve('../shared/assets/models/x.onnx'));
    expect(labels?.length).toBe(400);
    expect(labels?.[0]).toBe('abseiling');
    expect(labelsForClassCount(401, path.resolve('../shared/assets/models/x.onnx'))).toBeUndefined();
  });
});

describe('default batch size', () => {
  it('is 32 images, and for clips as many as hold the values of 32 inputs of 3×256×256', async () => {
    const { defaultBatchSize } = await import('../../../src/engine/model/onnx-classifier.ts');
    const { CLIP_SPEC } = await import('../../helpers/synthetic-clip.ts');
    const { TORCHVISION_DEFAULTS } = await import('../../../src/engine/model/spec.ts');
    expect(defaultBatchSize(TORCHVISION_DEFAULTS)).toBe(32);
    expect(defaultBatchSize({ ...TORCHVISION_DEFAULTS, height: 512, width: 512 })).toBe(32);
    expect(defaultBatchSize(CLIP_SPEC(16, 64, 64))).toBe(32); // motion-v1
    expect(defaultBatchSize(CLIP_SPEC(16, 224, 224))).toBe(2); // MobileNetV2 wrapped at T = 16
    expect(defaultBatchSize(CLIP_SPEC(64, 256, 256))).toBe(1);
  });
});

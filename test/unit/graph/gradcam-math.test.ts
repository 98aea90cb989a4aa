/** The pure parts of engine/methods/gradcam.ts, with hand-computed and PyTorch reference values. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  camChannelWeights, camLowRes, checkReconstruction, computeCam, gradCam, gradCamPlusPlus, minMaxScale, reconstructLogits,
  reconstructionError, upsampleBilinear, upsampleLinear, upsampleTrilinear, type LinearHead,
} from '../../../src/engine/methods/gradcam.ts';
import { fixturePath, maxAbsDiff } from './fixtures.ts';

// K = 3 channels, C = 2 classes, A is 2x2 per channel (batch of 1)
const head: LinearHead = {
  channels: 3,
  classes: 2,
  //                 c=0   c=1
  weights: Float32Array.of(1, -1, //  k=0
    2, 0.5, //                        k=1
    -1, 3), //                        k=2
  bias: Float32Array.of(0.5, -0.25),
};
const A = Float32Array.of(
  1, 0, 0, 1, // k=0, mean 0.5
  0, 2, 0, 0, // k=1, mean 0.5
  0, 0, 4, 0, // k=2, mean 1
);
const dims = [1, 3, 2, 2];

describe('closed-form Grad-CAM', () => {
  it('L_c = ReLU(sum_k W[k,c] A_k)', () => {
    // class 0: 1*A0 + 2*A1 - 1*A2 = [1, 4, -4, 1] -> ReLU [1, 4, 0, 1]
    expect(Array.from(camLowRes(head, A, dims, 0, 'gradcam').map)).toEqual([1, 4, 0, 1]);
    // class 1: -A0 + 0.5 A1 + 3 A2 = [-1, 1, 12, -1] -> [0, 1, 12, 0]
    expect(Array.from(camLowRes(head, A, dims, 1, 'gradcam').map)).toEqual([0, 1, 12, 0]);
    expect(camLowRes(head, A, dims, 1, 'gradcam').dims).toEqual([2, 2]);
  });

  it('Grad-CAM++: alpha_k = 1/(2 + W mean(A_k)), w_k = alpha_k ReLU(W)', () => {
    // class 0: k0: 1/(2+0.5)=0.4 -> 0.4; k1: 2/(2+1)=2/3; k2: W<0 -> 0
    const w0 = camChannelWeights(head, A, dims, 0, 'gradcam++');
    expect(w0[0]).toBeCloseTo(0.4, 12);
    expect(w0[1]).toBeCloseTo(2 / 3, 12);
    expect(w0[2]).toBe(0);
    const m = camLowRes(head, A, dims, 0, 'gradcam++').map;
    expect(m[0]).toBeCloseTo(0.4, 6);
    expect(m[1]).toBeCloseTo(4 / 3, 6);
    expect(m[2]).toBe(0);
    expect(m[3]).toBeCloseTo(0.4, 6);
  });

  it('Grad-CAM++: alpha = 0 where 2 + W mean(A) <= 0', () => {
    // negative activations make W*mean(A) = 2 * (-1.5) = -3: denominator -1 -> alpha 0
    const h: LinearHead = { channels: 2, classes: 1, weights: Float32Array.of(2, 1), bias: Float32Array.of(0) };
    const a = Float32Array.of(-1, -2, -1, -2, /* */ 1, 1, 1, 1);
    const w = camChannelWeights(h, a, [1, 2, 2, 2], 0, 'gradcam++');
    expect(w[0]).toBe(0);
    expect(w[1]).toBeCloseTo(1 / 3, 12);
    // exactly zero denominator: 2 + 2 * (-1) = 0 -> alpha 0
    const z = camChannelWeights(h, Float32Array.of(-1, -1, -1, -1, 0, 0, 0, 0), [1, 2, 2, 2], 0, 'gradcam++');
    expect(z[0]).toBe(0);
  });

  it('uses the chosen batch item and rejects bad arguments', () => {
    const two = new Float32Array(24);
    two.set(A, 12);
    expect(Array.from(camLowRes(head, two, [2, 3, 2, 2], 0, 'gradcam', 1).map)).toEqual([1, 4, 0, 1]);
    expect(Array.from(camLowRes(head, two, [2, 3, 2, 2], 0, 'gradcam', 0).map)).toEqual([0, 0, 0, 0]);
    expect(() => camLowRes(head, A, dims, 2, 'gradcam')).toThrow(/class 2/);
    expect(() => camLowRes(head, A, [1, 4, 1, 3], 0, 'gradcam')).toThrow(/channels/);
    expect(() => camLowRes(head, A, [1, 3, 4], 0, 'gradcam')).toThrow(/feature dims/);
    expect(() => camLowRes(head, A, dims, 0, 'gradcam', 1)).toThrow(/batch index/);
  });

  it('computeCam upsamples and scales to [0, 1]; gradCam / gradCamPlusPlus are shorthands', () => {
    const m = computeCam(head, A, dims, 0, { method: 'gradcam', size: [4, 4] });
    expect(m.length).toBe(16);
    expect(Math.min(...m)).toBe(0);
    expect(Math.max(...m)).toBe(1);
    expect(Array.from(gradCam(head, A, dims, 0, { size: [4, 4] }))).toEqual(Array.from(m));
    expect(Array.from(gradCamPlusPlus(head, A, dims, 0, { size: [4, 4] }))).toEqual(Array.from(computeCam(head, A, dims, 0, { method: 'gradcam++', size: [4, 4] })));
    // no size: the feature map's own resolution, [1, 4, 0, 1] / 4
    expect(Array.from(computeCam(head, A, dims, 0))).toEqual([0.25, 1, 0, 0.25]);
  });

  it('an all-equal map becomes zeros (also all-zero after ReLU)', () => {
    expect(Array.from(minMaxScale(Float32Array.of(3, 3, 3)))).toEqual([0, 0, 0]);
    expect(Array.from(minMaxScale(new Float32Array(0)))).toEqual([]);
    const neg: LinearHead = { channels: 1, classes: 1, weights: Float32Array.of(-1), bias: Float32Array.of(0) };
    expect(Array.from(computeCam(neg, Float32Array.of(1, 2, 3, 4), [1, 1, 2, 2], 0, { size: [3, 3] }))).toEqual(new Array(9).fill(0));
    expect(Array.from(minMaxScale(Float32Array.of(1, 3, 2)))).toEqual([0, 1, 0.5]);
  });

  it('handles 5-D maps (video) with trilinear upsampling', () => {
    const h: LinearHead = { channels: 1, classes: 1, weights: Float32Array.of(1), bias: Float32Array.of(0) };
    const a = Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7); // [1,1,2,2,2]
    const m = computeCam(h, a, [1, 1, 2, 2, 2], 0, { size: [4, 4, 4] });
    expect(m.length).toBe(64);
    expect(m[0]).toBe(0);
    expect(m[63]).toBe(1);
    expect(() => computeCam(h, a, [1, 1, 2, 2, 2], 0, { size: [4, 4] })).toThrow(/does not match/);
  });
});

describe('linear resampling with half-pixel centres = torch F.interpolate(align_corners=False)', () => {
  const cases: Array<{ in: number[]; out: number[]; x: number[]; y: number[] }> = JSON.parse(readFileSync(fixturePath('upsample.json'), 'utf8'));
  it.each(cases.map((c) => [`${c.in.join('x')} -> ${c.out.join('x')}`, c] as const))('%s', (_, c) => {
    const src = Float32Array.from(c.x);
    const got = c.in.length === 2
      ? upsampleBilinear(src, c.in[0], c.in[1], c.out[0], c.out[1])
      : upsampleTrilinear(src, c.in[0], c.in[1], c.in[2], c.out[0], c.out[1], c.out[2]);
    expect(maxAbsDiff(got, c.y)).toBeLessThan(1e-6);
  });

  it('hand-computed 1x2 -> 1x4: [a, 0.75a+0.25b, 0.25a+0.75b, b]', () => {
    expect(Array.from(upsampleLinear(Float32Array.of(0, 4), [1, 2], [1, 4]))).toEqual([0, 1, 3, 4]);
    expect(() => upsampleLinear(Float32Array.of(0, 4), [1, 2], [1, 0])).toThrow();
  });
});

describe('reconstruction check', () => {
  it('mean(A)·W + b', () => {
    // means: [0.5, 0.5, 1]; class 0: 0.5 + 1 - 1 + 0.5 = 1; class 1: -0.5 + 0.25 + 3 - 0.25 = 2.5
    expect(Array.from(reconstructLogits(head, A, dims))).toEqual([1, 2.5]);
    expect(reconstructionError(head, A, dims, Float32Array.of(1, 2.5))).toBe(0);
    expect(reconstructionError(head, A, dims, Float32Array.of(1.125, 2.5))).toBe(0.125);
  });

  it('passes within absolute + relative·max|logit| and fails outside', () => {
    const ok = checkReconstruction(head, A, dims, Float32Array.of(1.1, 2.5));
    expect(ok.maxAbsLogit).toBe(2.5);
    expect(ok.ok).toBe(true); // 0.1 <= 1e-4 + 0.05 * 2.5
    const bad = checkReconstruction(head, A, dims, Float32Array.of(1.2, 2.5));
    expect(bad.ok).toBe(false);
    expect(bad.relativeError).toBeCloseTo(0.2 / 2.5, 6);
    expect(checkReconstruction(head, A, dims, Float32Array.of(1.2, 2.5), { relative: 0.1, absolute: 0 }).ok).toBe(true);
    expect(checkReconstruction(head, A, dims, Float32Array.of(NaN, 2.5)).ok).toBe(false);
    expect(() => checkReconstruction(head, A, dims, Float32Array.of(1))).toThrow(/logits/);
  });
});

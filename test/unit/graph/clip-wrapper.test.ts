/**
 * The clip wrapper without shared assets: a tiny image model built here (1×1 Conv → Relu → GAP →
 * Flatten → Gemm with known weights, so the clip answer is computed by hand), and every 2-D head
 * variant of test/fixtures/graph (Gemm, MatMul + Add, ReduceMean, Squeeze, Reshape from Shape,
 * opset 18, QDQ, QLinear, Softmax / LogSoftmax): the clip logits equal the image model's per-frame
 * logits averaged, the 5-D feature map is the per-frame maps stacked along T, and models without a
 * GAP + linear head or with a 5-D map are refused.
 */
import '../../../src/engine/no-telemetry.ts'; // before onnxruntime: no telemetry
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { CLIP_FEATURES, CLIP_INPUT, ClipWrapRefusal, wrapAsClipModel } from '../../../src/engine/model/graph/clip-wrapper.ts';
import { CamHeadRefusal, createCamSession, findCamHead, REFUSAL_MESSAGE } from '../../../src/engine/model/graph/index.ts';
import { DataType, NodeProtoType, TensorProtoType, ValueInfoProtoType } from '../../../src/engine/model/graph/onnx.ts';
import { concat, lengthDelimited, writeVarint } from '../../../src/engine/model/graph/protobuf-splice.ts';
import { manifest, maxAbsDiff, readBytes } from './fixtures.ts';

// ---------------------------------------------------------------------------------------------
// A tiny image model written as ONNX protobuf here

const K = 2; // feature channels
const C = 3; // classes
const H = 4;
const W = 5;
const CONV_W = [0.5, -1, 2, /* k=1 */ -0.25, 0.75, 1.5]; // [K, 3, 1, 1]
const CONV_B = [0.1, -0.2];
const GEMM_B_STORED = [1, -2, /* c=1 */ 0.5, 3, /* c=2 */ -1.5, 0.25]; // [C, K] (transB = 1)
const GEMM_C = [0.3, -0.1, 0.2];
const ALPHA = 0.5;
const BETA = 2;

function field(no: number, payload: Uint8Array): Uint8Array {
  return lengthDelimited(no, payload);
}
const varintField = (no: number, v: number) => concat([writeVarint(no << 3), writeVarint(v)]);
const floatTensor = (name: string, dims: number[], values: number[]) => TensorProtoType.encode({ name, dims, data_type: DataType.FLOAT, float_data: values }).finish();
const valueInfo = (name: string, shape: Array<number | string>) =>
  ValueInfoProtoType.encode({ name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } } }).finish();
const nodeBytes = (op_type: string, input: string[], output: string[], attribute: object[] = []) => NodeProtoType.encode({ op_type, name: output[0], input, output, attribute }).finish();

/** x [N,3,H,W] → Conv 1×1 → Relu → GlobalAveragePool → Flatten → Gemm (→ Softmax) → y [N,C]. */
function tinyImageModel(options: { softmax?: boolean; inputName?: string } = {}): Uint8Array {
  const x = options.inputName ?? 'x';
  const graph = concat([
    field(1, nodeBytes('Conv', [x, 'conv_w', 'conv_b'], ['conv'])),
    field(1, nodeBytes('Relu', ['conv'], ['a'])),
    field(1, nodeBytes('GlobalAveragePool', ['a'], ['pooled'])),
    field(1, nodeBytes('Flatten', ['pooled'], ['flat'], [{ name: 'axis', type: 2, i: 1 }])),
    field(1, nodeBytes('Gemm', ['flat', 'fc_w', 'fc_b'], [options.softmax ? 'logits' : 'y'], [
      { name: 'transB', type: 2, i: 1 }, { name: 'alpha', type: 1, f: ALPHA }, { name: 'beta', type: 1, f: BETA },
    ])),
    ...(options.softmax ? [field(1, nodeBytes('Softmax', ['logits'], ['y'], [{ name: 'axis', type: 2, i: 1 }]))] : []),
    field(2, new TextEncoder().encode('tiny')),
    field(5, floatTensor('conv_w', [K, 3, 1, 1], CONV_W)),
    field(5, floatTensor('conv_b', [K], CONV_B)),
    field(5, floatTensor('fc_w', [C, K], GEMM_B_STORED)),
    field(5, floatTensor('fc_b', [C], GEMM_C)),
    field(11, valueInfo(x, ['batch', 3, H, W])),
    field(12, valueInfo('y', ['batch', C])),
  ]);
  const opset = concat([field(1, new TextEncoder().encode('')), varintField(2, 13)]);
  return concat([varintField(1, 7), field(8, opset), field(7, graph)]);
}

/** The tiny model's answer for a clip [N,3,T,H,W], by hand: features [N,K,T,H,W] and logits [N,C]. */
function byHand(clip: Float32Array, n: number, t: number): { features: Float64Array; logits: Float64Array } {
  const plane = H * W;
  const features = new Float64Array(n * K * t * plane);
  const logits = new Float64Array(n * C);
  for (let b = 0; b < n; b++) {
    const mean = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      for (let f = 0; f < t; f++) {
        for (let p = 0; p < plane; p++) {
          let v = CONV_B[k];
          for (let c = 0; c < 3; c++) v += CONV_W[k * 3 + c] * clip[((b * 3 + c) * t + f) * plane + p];
          v = Math.max(v, 0);
          features[((b * K + k) * t + f) * plane + p] = v;
          mean[k] += v / (t * plane);
        }
      }
    }
    for (let c = 0; c < C; c++) {
      let s = BETA * GEMM_C[c];
      for (let k = 0; k < K; k++) s += ALPHA * GEMM_B_STORED[c * K + k] * mean[k];
      logits[b * C + c] = s;
    }
  }
  return { features, logits };
}

/** Deterministic values in [-1, 1). */
function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

async function runOnce(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('wrapAsClipModel on a tiny model built here', () => {
  const T = 3;
  const N = 2;
  const clip = pseudoRandom(N * 3 * T * H * W, 7);

  it('the clip logits are the hand-computed mean over (T, h, w) through the head; the 5-D map is exposed', async () => {
    const image = tinyImageModel();
    const before = image.slice();
    const wrap = wrapAsClipModel(image, { frames: T });
    expect(image).toEqual(before); // the image model's bytes are not touched
    expect(wrap).toMatchObject({ inputName: CLIP_INPUT, outputName: 'y', featureTensor: CLIP_FEATURES, frames: T, height: H, width: W, channels: K, classes: C, dequantisedHead: false });
    const session = await createCamSession(wrap.bytes);
    expect(session.inputName).toBe(CLIP_INPUT);
    const r = await session.run(clip, [N, 3, T, H, W]);
    await session.release();
    const want = byHand(clip, N, T);
    expect(r.featureDims).toEqual([N, K, T, H, W]);
    expect(r.logitsDims).toEqual([N, C]);
    expect(maxAbsDiff(r.features, want.features)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(r.logits, want.logits)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(r.output, want.logits)).toBeLessThanOrEqual(1e-6);
  });

  it("the head finder sees GAP → Flatten → Gemm on the rank-5 map, with the image head's weights", () => {
    const wrap = wrapAsClipModel(tinyImageModel(), { frames: T });
    const found = findCamHead(wrap.bytes);
    if (!found.ok) throw new Error(found.message);
    expect(found.head).toMatchObject({ featureTensor: CLIP_FEATURES, rank: 5, rankKnown: true, channels: K, classes: C, ops: ['GlobalAveragePool', 'Flatten', 'Gemm'], softmax: false });
    expect(Array.from(found.head.weights)).toEqual(Array.from(wrap.imageHead.weights));
    expect(Array.from(found.head.bias)).toEqual(Array.from(wrap.imageHead.bias));
    // W[k,c] = alpha · B[c,k]; b = beta · C
    expect(Array.from(found.head.weights)).toEqual([0.5, 0.25, -0.75, -1, 1.5, 0.125]);
    expect(Array.from(found.head.bias)).toEqual(Array.from(Float32Array.from(GEMM_C, (v) => BETA * v)));
  });

  it('a Softmax after the head stays after the clip head: output = softmax(mean logits)', async () => {
    const wrap = wrapAsClipModel(tinyImageModel({ softmax: true }), { frames: T });
    const found = findCamHead(wrap.bytes);
    if (!found.ok) throw new Error(found.message);
    expect(found.head.ops).toEqual(['GlobalAveragePool', 'Flatten', 'Gemm', 'Softmax']);
    const res = await runOnce(wrap.bytes, { [CLIP_INPUT]: new ort.Tensor('float32', clip, [N, 3, T, H, W]) });
    const want = byHand(clip, N, T).logits;
    const probs = new Float64Array(N * C);
    for (let b = 0; b < N; b++) {
      const row = want.subarray(b * C, b * C + C);
      const m = Math.max(...row);
      const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
      for (let c = 0; c < C; c++) probs[b * C + c] = Math.exp(row[c] - m) / z;
    }
    expect(maxAbsDiff(res.y.data as Float32Array, probs)).toBeLessThanOrEqual(1e-6);
  });

  it('T = 1 gives the image model itself, for any batch', async () => {
    const image = tinyImageModel();
    const x = pseudoRandom(4 * 3 * H * W, 11);
    const direct = await runOnce(image, { x: new ort.Tensor('float32', x, [4, 3, H, W]) });
    const wrapped = await runOnce(wrapAsClipModel(image, { frames: 1 }).bytes, { [CLIP_INPUT]: new ort.Tensor('float32', x, [4, 3, 1, H, W]) });
    expect(maxAbsDiff(wrapped.y.data as Float32Array, direct.y.data as Float32Array)).toBeLessThanOrEqual(1e-6);
  });

  it('refuses a bad clip length, a model already using the clip names, and names the problem', () => {
    expect(() => wrapAsClipModel(tinyImageModel(), { frames: 0 })).toThrow(/clip length must be an integer from 1 to 4096, got 0/);
    expect(() => wrapAsClipModel(tinyImageModel(), { frames: 2.5 })).toThrow(ClipWrapRefusal);
    expect(() => wrapAsClipModel(tinyImageModel({ inputName: 'clip' }), { frames: 2 })).toThrow(/the graph already uses the name 'clip'/);
  });
});

// ---------------------------------------------------------------------------------------------
// Every 2-D head variant of the exported fixtures

/** Per-frame reference: the image model on each frame alone (the fixtures have batch 1), logits and maps. */
async function perFrame(imageBytes: Uint8Array, clip: Float32Array, n: number, t: number, h: number, w: number) {
  const session = await createCamSession(imageBytes);
  const frame = new Float32Array(3 * h * w);
  const plane = h * w;
  const logits: Float32Array[] = [];
  const features: Float32Array[] = [];
  let featureDims: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let f = 0; f < t; f++) {
      for (let c = 0; c < 3; c++) frame.set(clip.subarray(((b * 3 + c) * t + f) * plane, ((b * 3 + c) * t + f + 1) * plane), c * plane);
      const r = await session.run(frame, [1, 3, h, w]);
      logits.push(r.logits.slice());
      features.push(r.features.slice());
      featureDims = r.featureDims;
    }
  }
  await session.release();
  return { logits, features, featureDims };
}

/** Heads that quantise the pooled activations: the mean of requantised frames is not the requantised mean. */
const QUANTISED_HEADS = new Set(['resnet18_qdq', 'resnet18_qlinear', 'syn_qlinear_no_bias']);
const imageCases = manifest.cases.filter((c) => (c.kind === 'cam' || c.kind === 'synthetic') && c.inputDims.length === 4);

describe('wrapAsClipModel on the exported head variants (test/fixtures/graph)', () => {
  it('covers every 2-D head the finder accepts', () => {
    expect(imageCases.map((c) => c.name)).toEqual([
      'resnet18', 'resnet18_reducemean_matmul', 'resnet18_squeeze_softmax', 'resnet18_reshape', 'resnet18_opset18_transb0',
      'resnet18_qdq', 'resnet18_qlinear', 'efficientnet_b0', 'densenet121',
      'syn_gemm_alpha_beta', 'syn_const_transpose_logsoftmax', 'syn_dq_gemm_squeeze', 'syn_qlinear_no_bias',
    ]);
  });

  for (const c of imageCases) {
    it(`${c.name}: clip logits = per-frame logits averaged${QUANTISED_HEADS.has(c.name) ? ' (to within the int8 requantisation)' : ' (≤ 1e-5)'}; the 5-D map stacks the per-frame maps`, async () => {
      const [, , h, w] = c.inputDims;
      const T = 3;
      const N = 2;
      const image = readBytes(c.onnx);
      const wrap = wrapAsClipModel(image, { frames: T });
      expect(wrap.dequantisedHead).toBe(findCamHead(image).ok && (findCamHead(image) as { head: { quantised: boolean } }).head.quantised);
      const clip = pseudoRandom(N * 3 * T * h * w, c.name.length * 31 + 1);
      const ref = await perFrame(image, clip, N, T, h, w);
      const session = await createCamSession(wrap.bytes);
      const r = await session.run(clip, [N, 3, T, h, w]);
      await session.release();
      expect(session.head.featureTensor).toBe(CLIP_FEATURES);
      const [, k, fh, fw] = ref.featureDims;
      expect(r.featureDims).toEqual([N, k, T, fh, fw]);

      const classes = r.logitsDims[1];
      const mean = new Float64Array(N * classes);
      for (let b = 0; b < N; b++) for (let f = 0; f < T; f++) for (let j = 0; j < classes; j++) mean[b * classes + j] += ref.logits[b * T + f][j] / T;
      const logitsDiff = maxAbsDiff(r.logits, mean);
      if (QUANTISED_HEADS.has(c.name)) {
        // the int8 head requantises the pooled map (and the logits); the float head does not
        const scale = Math.max(...Array.from(mean, Math.abs));
        console.log(`${c.name}: clip vs per-frame-mean logits max |diff| ${logitsDiff.toExponential(3)}, ${(100 * logitsDiff / scale).toFixed(2)}% of max |logit| ${scale.toFixed(3)}`);
        expect(logitsDiff / scale).toBeLessThan(0.05);
      } else {
        expect(logitsDiff).toBeLessThanOrEqual(1e-5);
      }

      // clip_features[b, :, f] is the image model's A for frame f of clip b (onnxruntime may pick
      // another convolution kernel for a batch of N·T than for 1: float rounding, relative)
      const plane = fh * fw;
      let featureDiff = 0;
      let featureMax = 0;
      for (let b = 0; b < N; b++) {
        for (let f = 0; f < T; f++) {
          const a = ref.features[b * T + f];
          for (let kk = 0; kk < k; kk++) {
            const got = r.features.subarray(((b * k + kk) * T + f) * plane, ((b * k + kk) * T + f + 1) * plane);
            featureDiff = Math.max(featureDiff, maxAbsDiff(got, a.subarray(kk * plane, (kk + 1) * plane)));
            for (const v of got) featureMax = Math.max(featureMax, Math.abs(v));
          }
        }
      }
      expect(featureDiff).toBeLessThanOrEqual(1e-5 * Math.max(1, featureMax));
    });
  }
});

describe('what the clip wrapper refuses', () => {
  for (const c of manifest.cases.filter((x) => x.kind === 'refuse')) {
    it(`${c.name}: no GAP + linear head, refused with the head finder's message`, () => {
      let err: unknown;
      try {
        wrapAsClipModel(readBytes(c.onnx), { frames: 4 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CamHeadRefusal);
      expect((err as Error).message.startsWith(REFUSAL_MESSAGE)).toBe(true);
    });
  }

  for (const name of ['r3d_18', 'r3d_18_reducemean_matmul']) {
    it(`${name}: a 5-D (video) feature map is not an image model`, () => {
      expect(() => wrapAsClipModel(readBytes(`${name}.onnx`), { frames: 4 })).toThrow(/has rank 5; only image models \(\[N,K,h,w\] feature maps\) are wrapped/);
    });
  }
});

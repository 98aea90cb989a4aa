/**
 * The engine's closed-form Grad-CAM / Grad-CAM++ against PyTorch autograd (backward hooks on the
 * feature map) for real torchvision architectures with random weights, exported to ONNX by
 * tools/graph/export_cam_models.py: the head must be found with the expected ops, A must be the
 * pooled tensor, the maps must equal autograd's within 1e-4, and mean(A)·W + b must reproduce the
 * logits onnxruntime computes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createCamSession, findCamHead, CamHeadRefusal, REFUSAL_MESSAGE } from '../../../src/engine/model/graph/index.ts';
import { checkReconstruction, computeCam, RECONSTRUCTION_TOLERANCE } from '../../../src/engine/methods/gradcam.ts';
import { manifest, maxAbsDiff, readBytes, readF32, type CamCase, type RefuseCase, type SyntheticCase, randomFloats } from './fixtures.ts';

const camCases = manifest.cases.filter((c): c is CamCase => c.kind === 'cam');
const refuseCases = manifest.cases.filter((c): c is RefuseCase => c.kind === 'refuse');
const syntheticCases = manifest.cases.filter((c): c is SyntheticCase => c.kind === 'synthetic');
const report: string[] = [];

afterAll(() => {
  if (report.length) console.log(`engine vs autograd (max abs difference of the [0,1] maps) and reconstruction:\n${report.join('\n')}`);
});

describe('fixtures cover every exporter variant', () => {
  it('has the architectures and head variants it claims', () => {
    expect(camCases.map((c) => c.name)).toEqual([
      'resnet18', 'resnet18_reducemean_matmul', 'resnet18_squeeze_softmax', 'resnet18_reshape', 'resnet18_opset18_transb0',
      'resnet18_qdq', 'resnet18_qlinear', 'efficientnet_b0', 'densenet121', 'r3d_18', 'r3d_18_reducemean_matmul',
    ]);
    expect(refuseCases.map((c) => c.name)).toEqual(['mobilenet_v3_small', 'refuse_flatten_gemm', 'refuse_two_linear', 'refuse_relu_between', 'refuse_partial_mean']);
    const allOps = new Set(camCases.flatMap((c) => c.headOps));
    for (const op of ['Gemm', 'MatMul', 'Add', 'Flatten', 'Reshape', 'Squeeze', 'ReduceMean', 'GlobalAveragePool', 'Softmax', 'QLinearGlobalAveragePool', 'QLinearMatMul', 'QLinearAdd', 'DequantizeLinear']) {
      expect(allOps.has(op), op).toBe(true);
    }
  });
});

describe.each(camCases)('$name ($arch, $variant)', (c) => {
  it('finds the GAP + linear head with the expected ops', () => {
    const r = findCamHead(readBytes(c.onnx));
    if (!r.ok) throw new Error(r.message);
    expect(r.head.ops).toEqual(c.headOps);
    expect(r.head.rank).toBe(c.rank);
    expect(r.head.rankKnown).toBe(true);
    expect(r.head.channels).toBe(c.featureDims[1]);
    expect(r.head.classes).toBe(c.torchLogits.length);
    expect(r.head.weights.length).toBe(r.head.channels * r.head.classes);
    expect(r.head.softmax).toBe(c.headOps.includes('Softmax'));
    expect(r.head.quantised).toBe(c.name.includes('qdq') || c.name.includes('qlinear'));
    if (c.name === 'densenet121') expect(r.head.featureTensor).toBe('/Relu_output_0'); // post-ReLU map, as DenseNet pools it
  });

  it('Grad-CAM and Grad-CAM++ equal PyTorch autograd within 1e-4; mean(A)·W + b reproduces the logits', async () => {
    const session = await createCamSession(readBytes(c.onnx));
    try {
      const out = await session.run(readF32(c.input), c.inputDims);
      expect(out.featureDims).toEqual(c.featureDims);
      expect(out.logitsDims).toEqual([1, c.torchLogits.length]);
      const size = c.inputDims.slice(2);
      const errs: number[] = [];
      for (const [method, file] of [['gradcam', c.gradcam], ['gradcam++', c.gradcampp]] as const) {
        const mine = computeCam(session.head, out.features, out.featureDims, c.target, { method, size });
        const ref = readF32(file);
        expect(mine.length).toBe(ref.length);
        const err = maxAbsDiff(mine, ref);
        errs.push(err);
        expect(err, `${method} max abs difference`).toBeLessThan(1e-4);
        // both maps are real maps (the fixture chose a class where they are not degenerate)
        expect(Math.max(...ref)).toBeCloseTo(1, 6);
      }
      const rec = checkReconstruction(session.head, out.features, out.featureDims, out.logits);
      const quantised = session.head.quantised;
      expect(rec.ok).toBe(true);
      if (quantised) {
        expect(rec.relativeError).toBeLessThan(0.02);
        expect(rec.relativeError).toBeGreaterThan(1e-5); // the int8 head really is quantised
      } else {
        expect(rec.relativeError).toBeLessThan(1e-5);
        expect(maxAbsDiff(out.logits, c.torchLogits)).toBeLessThan(1e-4 * Math.max(1, ...c.torchLogits.map(Math.abs)));
      }
      if (session.head.softmax) {
        const sum = out.output.reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 5);
      }
      report.push(`  ${c.name.padEnd(28)} gradcam ${errs[0].toExponential(2)}  gradcam++ ${errs[1].toExponential(2)}  reconstruction ${rec.maxAbsError.toExponential(2)} (rel ${rec.relativeError.toExponential(2)})`);
    } finally {
      await session.release();
    }
  });
});

describe('batches', () => {
  it('maps of batch item b equal the maps of that item run alone (resnet18, batch 3)', async () => {
    const c = camCases.find((x) => x.name === 'resnet18')!;
    const session = await createCamSession(readBytes(c.onnx));
    try {
      const per = c.inputDims.slice(1).reduce((a, b) => a * b, 1);
      const batch = new Float32Array(3 * per);
      batch.set(randomFloats(per, 1), 0);
      batch.set(readF32(c.input), per);
      batch.set(randomFloats(per, 2), 2 * per);
      const out = await session.run(batch, [3, ...c.inputDims.slice(1)]);
      expect(out.featureDims[0]).toBe(3);
      const rec = checkReconstruction(session.head, out.features, out.featureDims, out.logits);
      expect(rec.relativeError).toBeLessThan(1e-5);
      const map = computeCam(session.head, out.features, out.featureDims, c.target, { method: 'gradcam++', size: c.inputDims.slice(2), batchIndex: 1 });
      expect(maxAbsDiff(map, readF32(c.gradcampp))).toBeLessThan(1e-4);
    } finally {
      await session.release();
    }
  });
});

describe.each(refuseCases)('refuses $name ($variant)', (c) => {
  it('says the head is not GAP + linear and what it found', async () => {
    const r = findCamHead(readBytes(c.onnx));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message.startsWith(REFUSAL_MESSAGE)).toBe(true);
    expect(r.message).toContain("this model's head is not GAP + linear; use a black-box prior or import one");
    expect(r.found.startsWith(`output <- ${c.expectFound.join(' <- ')}:`)).toBe(true);
    await expect(createCamSession(readBytes(c.onnx))).rejects.toBeInstanceOf(CamHeadRefusal);
  });
});

describe.each(syntheticCases)('synthetic head $name', (c) => {
  it('extracts exactly the stored W and b, and reconstructs onnxruntime\'s logits', async () => {
    const r = findCamHead(readBytes(c.onnx));
    if (!r.ok) throw new Error(r.message);
    expect(r.head.ops).toEqual(c.headOps);
    const rankKnown = c.rankKnown ?? true;
    expect(r.head.rankKnown).toBe(rankKnown);
    expect(r.head.rank).toBe(rankKnown ? c.rank : 4);
    expect(maxAbsDiff(r.head.weights, c.expectWeights)).toBeLessThan(1e-6);
    expect(maxAbsDiff(r.head.bias, c.expectBias)).toBeLessThan(1e-6);
    const session = await createCamSession(readBytes(c.onnx));
    try {
      const out = await session.run(readF32(c.input), c.inputDims);
      expect(out.featureDims.length).toBe(c.rank);
      expect(session.head.rank).toBe(c.rank);
      expect(session.head.rankKnown).toBe(true);
      const rec = checkReconstruction(session.head, out.features, out.featureDims, out.logits);
      expect(rec.ok, `reconstruction error ${rec.maxAbsError}`).toBe(true);
      expect(rec.relativeError).toBeLessThan(r.head.quantised ? 0.02 : 1e-5);
      expect(rec.allowed).toBeCloseTo(RECONSTRUCTION_TOLERANCE.absolute + RECONSTRUCTION_TOLERANCE.relative * rec.maxAbsLogit, 12);
    } finally {
      await session.release();
    }
  });
});

/** addOutputs and the ONNX reader: an in-memory copy with extra outputs, the original untouched. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import '../../../src/engine/no-telemetry.ts'; // before onnxruntime: no telemetry
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { addOutputs, parseOnnxModel, tensorValues, findCamHead, createCamSession } from '../../../src/engine/model/graph/index.ts';
import { fixturePath, readBytes, readF32 } from './fixtures.ts';

describe('parseOnnxModel', () => {
  it('reads opsets, nodes, initialisers and outputs', () => {
    const m = parseOnnxModel(readBytes('resnet18.onnx'));
    expect(m.opsets.get('')).toBe(13);
    expect(m.graph.inputs.map((i) => i.name)).toEqual(['input']);
    expect(m.graph.outputs.map((o) => o.name)).toEqual(['output']);
    expect(m.graph.outputs[0].shape).toEqual(['N', 20]);
    const gemm = m.graph.nodes[m.graph.nodes.length - 1];
    expect(gemm.opType).toBe('Gemm');
    expect(gemm.attributes.get('transB')?.i).toBe(1);
    const w = m.graph.initializers.get(gemm.inputs[1])!;
    expect(w.dims).toEqual([20, 64]);
    expect(tensorValues(w).length).toBe(1280);
    const q = parseOnnxModel(readBytes('resnet18_qlinear.onnx'));
    expect(q.opsets.get('com.microsoft')).toBe(1);
    expect(Array.from(tensorValues(q.graph.initializers.get('fc_w_zp')!))).toEqual(new Array(20).fill(0));
  });

  it('rejects bytes that are not a model', () => {
    expect(() => parseOnnxModel(Uint8Array.of(1, 2, 3, 4, 5))).toThrow(/not an ONNX model/);
  });
});

describe('addOutputs', () => {
  it('appends the feature map as an output; the input bytes are not modified', async () => {
    const bytes = readBytes('densenet121.onnx');
    const hash = createHash('sha256').update(bytes).digest('hex');
    const out = addOutputs(bytes, ['/Relu_output_0', 'output']);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(hash);
    expect(createHash('sha256').update(readFileSync(fixturePath('densenet121.onnx'))).digest('hex')).toBe(hash);
    const m = parseOnnxModel(out);
    expect(m.graph.outputs.map((o) => o.name)).toEqual(['output', '/Relu_output_0']); // 'output' not duplicated
    expect(m.graph.outputs[1].elemType).toBe(1);
    expect(m.graph.nodes.length).toBe(parseOnnxModel(bytes).graph.nodes.length);
    const session = await ort.InferenceSession.create(out);
    try {
      expect(session.outputNames).toEqual(['output', '/Relu_output_0']);
      const res = await session.run({ input: new ort.Tensor('float32', readF32('input2d.bin'), [1, 3, 96, 96]) });
      expect(res['/Relu_output_0'].dims).toEqual([1, 128, 3, 3]);
    } finally {
      await session.release();
    }
  });

  it('copies type and shape from value_info when the model has it', () => {
    // the int8 MobileNetV2 has value_info for 627 (float); fixtures from torch have none
    const bytes = readBytes('resnet18_qlinear.onnx');
    const out = addOutputs(bytes, ['a_q']);
    expect(parseOnnxModel(out).graph.outputs.map((o) => o.name)).toEqual(['output', 'a_q']);
  });

  it('returns a copy when nothing is added, and refuses unknown tensors', () => {
    const bytes = readBytes('resnet18.onnx');
    const same = addOutputs(bytes, ['output']);
    expect(same).not.toBe(bytes);
    expect(Buffer.from(same).equals(Buffer.from(bytes))).toBe(true);
    expect(() => addOutputs(bytes, ['no such tensor'])).toThrow(/not produced/);
  });

  it('createCamSession also accepts a path and feeds a named input', async () => {
    const s = await createCamSession(fixturePath('resnet18.onnx'), { intraOpNumThreads: 1 }, { inputName: 'input' });
    try {
      expect(s.inputName).toBe('input');
      expect(s.head.featureTensor).toBe(findCamHead(readBytes('resnet18.onnx')).ok ? '/layer4/layer4.1/relu_1/Relu_output_0' : '');
      const r = await s.run(readF32('input2d.bin'), [1, 3, 96, 96]);
      expect(r.outputDims).toEqual([1, 20]);
      expect(Array.from(r.output)).toEqual(Array.from(r.logits));
    } finally {
      await s.release();
    }
    await expect(createCamSession(fixturePath('resnet18.onnx'), {}, { inputName: 'nope' })).rejects.toThrow(/no input 'nope'/);
  });
});

import { describe, expect, it } from 'vitest';
import { batchRequest, classifyRequest, explainRequest, fileRequest, modelUpload, openModelPaths, resumeRunRequest, socketMessage } from '../../../src/shared/api.ts';
import { pickModelFiles } from '../../../src/shared/model-files.ts';
import { ApiError, toErrorBody } from '../../../src/shared/errors.ts';
import { fromWire, toWire } from '../../../src/shared/wire.ts';

const good = { imageId: 'abc_123', model: 'mobilenetv2-12-int8', method: 'borex', prior: 'rise', preset: 'paper' };
const refused = (schema: (v: unknown, p: string) => unknown, value: unknown, message: RegExp) => {
  let err: unknown;
  try {
    schema(value, '');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).kind).toBe('bad-request');
  expect((err as ApiError).message).toMatch(message);
};

describe('API contract', () => {
  it('accepts a full explain request and keeps only known fields', () => {
    const r = explainRequest({ ...good, label: 249, advanced: { seed: 3, masks: 100, halfSizes: [30, 45], baseline: 'blur' }, groundTruth: { type: 'boxes', boxes: [[1, 2, 30, 40]] } }, '');
    expect(r).toEqual({ ...good, label: 249, advanced: { seed: 3, masks: 100, halfSizes: [30, 45], baseline: 'blur' }, groundTruth: { type: 'boxes', boxes: [[1, 2, 30, 40]] } });
  });

  it.each([
    [{ ...good, extra: 1 }, /extra: unknown field/],
    [{ ...good, method: 'lime' }, /method: expected one of borex, bo, rise, pn-rise, gradcam, gradcampp/],
    [{ ...good, prior: '/etc/passwd.npy' }, /prior: expected one of/],
    [{ ...good, imageId: '../../etc/passwd' }, /imageId: expected a string matching/],
    [{ ...good, model: '/tmp/evil.onnx' }, /model: expected a string matching/],
    [{ ...good, label: -1 }, /label: expected an integer ≥ 0/],
    [{ ...good, label: 1.5 }, /label: expected an integer/],
    [{ ...good, advanced: { masks: 0 } }, /advanced.masks: expected an integer ≥ 1/],
    [{ ...good, advanced: { keepProbability: Number.NaN } }, /advanced.keepProbability: expected a number/],
    [{ ...good, advanced: { halfSizes: [] } }, /advanced.halfSizes: expected an array of 1–8 items/],
    [{ ...good, advanced: { iterations: '50' } }, /advanced.iterations: expected an integer/],
    [{ ...good, groundTruth: { type: 'file', path: '/x' } }, /groundTruth.type: expected one of boxes, voc/],
    [{ ...good, groundTruth: { type: 'boxes', boxes: [[1, 2, 3]] } }, /groundTruth.boxes\[0\]: expected an array of 4 items/],
    [{ imageId: 'a', model: 'm', method: 'rise', prior: 'rise' }, /preset: expected one of paper, default, quality, got undefined/],
    [null, /request: expected an object, got null/],
    [[good], /request: expected an object, got array/],
  ])('refuses a bad explain request %#', (value, message) => refused(explainRequest, value, message));

  it('refuses bad classify, file and socket messages', () => {
    refused(classifyRequest, { imageId: 'a' }, /model: expected a string/);
    refused(fileRequest, { jobId: 'a', file: '../../secret' }, /file: expected one of overlay.png/);
    refused(socketMessage, { type: 'eval', code: '1' }, /type: expected one of cancel, ping/);
    refused(socketMessage, { type: 'cancel', jobId: 'a', more: true }, /more: unknown field/);
    expect(socketMessage({ type: 'cancel', jobId: 'a' }, '')).toEqual({ type: 'cancel', jobId: 'a' });
  });

  it('names a user\'s model as user:<id>, never by path', () => {
    expect(classifyRequest({ imageId: 'a', model: 'user:Ab_9-x' }, '')).toEqual({ imageId: 'a', model: 'user:Ab_9-x' });
    for (const model of ['user:', 'user:../x', 'user:a/b', 'user:a:b', 'file:/tmp/m.onnx', `user:${'a'.repeat(65)}`]) refused(classifyRequest, { imageId: 'a', model }, /model: expected a string matching/);
    refused(explainRequest, { ...good, model: 'user:x.onnx' }, /model: expected a string matching/);
  });

  it('validates the model upload query and the app\'s model paths', () => {
    expect(modelUpload({ name: 'My Net.ONNX', spec: 'abc', labels: 'def' }, 'query')).toEqual({ name: 'My Net.ONNX', spec: 'abc', labels: 'def' });
    refused(modelUpload, { name: 'net.onnx.exe' }, /name: expected a string matching/);
    refused(modelUpload, { name: 'a/b.onnx' }, /name: expected a string matching/);
    refused(modelUpload, { name: 'm.onnx', spec: '../x' }, /spec: expected a string matching/);
    refused(modelUpload, { spec: 'abc' }, /name: expected a string, got undefined/);
    refused(openModelPaths, { model: 1 }, /model: expected a string/);
    refused(openModelPaths, { model: '/m.onnx', dir: '/' }, /dir: unknown field/);
  });

  it('sorts a selection into one model, its spec and its labels', () => {
    const name = (n: string) => n;
    expect(pickModelFiles(['n.txt', 'm.onnx', 'm.borex.json'], name)).toEqual({ model: 'm.onnx', spec: 'm.borex.json', labels: 'n.txt' });
    expect(pickModelFiles(['m.ONNX'], name)).toEqual({ model: 'm.ONNX' });
    expect(() => pickModelFiles(['n.txt'], name)).toThrow(/choose an .onnx model/);
    expect(() => pickModelFiles(['a.onnx', 'b.onnx'], name)).toThrow(/one .onnx model at a time/);
    expect(() => pickModelFiles(['a.onnx', 'x.txt', 'y.txt'], name)).toThrow(/one labels file \(\.txt\) per model, got x.txt, y.txt/);
    expect(() => pickModelFiles(['a.onnx', 'x.json', 'y.json'], name)).toThrow(/one spec/);
    expect(() => pickModelFiles(['a.onnx', 'photo.jpg'], name)).toThrow(/photo.jpg: not part of a model/);
  });

  it('validates batch requests', () => {
    const ok = { imageIds: ['a', 'b'], model: 'mobilenetv2-12-int8', methods: ['rise', 'borex:rise'], preset: 'paper' };
    expect(batchRequest(ok, '')).toEqual(ok);
    refused(batchRequest, { ...ok, imageIds: [] }, /imageIds: expected an array of 1–1000 items/);
    expect(batchRequest({ ...ok, imageIds: undefined, folderId: 'f1' }, '')).toEqual({ folderId: 'f1', model: ok.model, methods: ok.methods, preset: ok.preset });
    refused(batchRequest, { ...ok, folderId: '/home/me' }, /folderId: expected a string matching/);
    refused(batchRequest, { ...ok, model: 'user:' }, /model: expected a string matching/);
    refused(batchRequest, { ...ok, methods: ['lime'] }, /methods\[0\]: expected one of rise, pn-rise, gradcam/);
    refused(batchRequest, { ...ok, folder: '/home' }, /folder: unknown field/);
    refused(batchRequest, { ...ok, iterations: 0 }, /iterations: expected an integer ≥ 1/);
  });

  it('names the run to resume by its id from runs(), never by a path', () => {
    expect(resumeRunRequest({ runId: 'ui-20250101-120000-abc_12' }, '')).toEqual({ runId: 'ui-20250101-120000-abc_12' });
    expect(resumeRunRequest({ runId: 'voc.shard-1' }, '')).toEqual({ runId: 'voc.shard-1' });
    for (const runId of ['', '../runs', '/tmp/run', 'a/b', '.hidden', '..', 'run\\x', 'a'.repeat(201)]) refused(resumeRunRequest, { runId }, /runId: expected a string/);
    refused(resumeRunRequest, { runId: 7 }, /runId: expected a string, got number/);
    refused(resumeRunRequest, {}, /runId: expected a string, got undefined/);
    refused(resumeRunRequest, { runId: 'r', dir: '/tmp' }, /dir: unknown field/);
    refused(resumeRunRequest, { runId: 'r', model: 'shapes-v1' }, /model: unknown field/);
    refused(resumeRunRequest, 'r', /request: expected an object/);
  });

  it('carries Float32Arrays exactly over JSON', () => {
    const map = new Float32Array([0, -1.5, 3.25e-8, Number.MAX_VALUE > 1 ? 1e30 : 0]);
    const back = fromWire<{ map: Float32Array; n: number }>(toWire({ map, n: 2 }));
    expect(back.map).toBeInstanceOf(Float32Array);
    expect(Array.from(back.map)).toEqual(Array.from(map));
    expect(back.n).toBe(2);
  });

  it('keeps engine error kinds on the wire', () => {
    expect(toErrorBody(Object.assign(new Error('no such file'), { kind: 'bad-input' }))).toEqual({ error: { kind: 'bad-input', message: 'no such file' } });
    expect(toErrorBody(new Error('boom')).error.kind).toBe('runtime');
  });
});

// motion-v1 (tools/motion-model) run directly with onnxruntime-node: the engine cannot load video
// models yet, so this checks the committed files themselves against PyTorch's reference logits.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../src/engine/no-telemetry.ts'; // before onnxruntime: no telemetry
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = path.join(ROOT, 'resources/models/motion-v1.onnx');
const FIXTURE = path.join(ROOT, 'test/fixtures/video/motion');
const LABELS = ['left', 'right', 'up', 'down'];
const OPPOSITE = [1, 0, 3, 2];

interface RefItem {
  file: string;
  labelIndex: number;
  predicted: number;
  logits: number[];
  reversedLabelIndex: number;
  reversedPredicted: number;
  reversedLogits: number[];
}

interface Spec {
  layout: string;
  frames: number;
  height: number;
  width: number;
  valueRange: [number, number];
  mean: number[];
  std: number[];
  output: string;
  labels: string;
  inputName: string;
  outputName: string;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

/** A version-1 .npy of uint8 (`|u1`, C order): its shape and bytes. */
function readNpyU8(file: string): { shape: number[]; data: Uint8Array } {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
  const headerLen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLen).toString('latin1');
  expect(header).toContain("'descr': '|u1'");
  expect(header).toContain("'fortran_order': False");
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').filter((s) => s.trim()).map(Number);
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + 10 + headerLen, buf.length - 10 - headerLen) };
}

/** [T,H,W,3] uint8 -> NCTHW float32 at `offset` of `out`, (v/255 - mean)/std, optionally reversed in time. */
function toNCTHW(clip: Uint8Array, spec: Spec, out: Float32Array, offset: number, reversed = false) {
  const { frames: T, height: H, width: W } = spec;
  for (let c = 0; c < 3; c++)
    for (let t = 0; t < T; t++) {
      const src = reversed ? T - 1 - t : t;
      for (let i = 0; i < H * W; i++) out[offset + ((c * T + t) * H * W) + i] = (clip[(src * H * W + i) * 3 + c] / 255 - spec.mean[c]) / spec.std[c];
    }
}

const argmax = (v: ArrayLike<number>) => Array.from(v).reduce((best, x, i, a) => (x > a[best] ? i : best), 0);

describe('motion-v1 (onnxruntime-node, directly)', () => {
  const spec = readJson<Spec>(path.join(ROOT, 'resources/models/motion-v1.borex.json'));
  const ref = readJson<{ modelSha256: string; items: RefItem[] }>(path.join(FIXTURE, 'reference.json'));
  let session: ort.InferenceSession;
  beforeAll(async () => {
    session = await ort.InferenceSession.create(MODEL);
  });
  afterAll(async () => session?.release());

  it('is the model the reference was made from, small, with its spec and labels', () => {
    const bytes = fs.readFileSync(MODEL);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(ref.modelSha256);
    expect(spec).toMatchObject({ layout: 'NCTHW', frames: 16, height: 64, width: 64, valueRange: [0, 1], output: 'logits', labels: 'motion-v1.labels.txt' });
    expect(fs.readFileSync(path.join(ROOT, 'resources/models', spec.labels), 'utf8').trim().split('\n')).toEqual(LABELS);
    expect(session.inputNames).toEqual([spec.inputName]);
    expect(session.outputNames).toEqual([spec.outputName]);
  });

  async function run(reversed: boolean): Promise<Float32Array> {
    const { frames: T, height: H, width: W } = spec;
    const per = 3 * T * H * W;
    const x = new Float32Array(ref.items.length * per);
    ref.items.forEach((item, n) => {
      const clip = readNpyU8(path.join(FIXTURE, item.file));
      expect(clip.shape).toEqual([T, H, W, 3]);
      toNCTHW(clip.data, spec, x, n * per, reversed);
    });
    const feeds = { [spec.inputName]: new ort.Tensor('float32', x, [ref.items.length, 3, T, H, W]) };
    const out = (await session.run(feeds))[spec.outputName];
    expect(out.dims).toEqual([ref.items.length, LABELS.length]);
    return out.data as Float32Array;
  }

  it('gives the PyTorch logits (<= 1e-4) and the known class for every fixture clip (one batch, dynamic N)', async () => {
    const logits = await run(false);
    expect(ref.items.length).toBeGreaterThanOrEqual(4);
    ref.items.forEach((item, n) => {
      const row = logits.subarray(n * 4, n * 4 + 4);
      for (let k = 0; k < 4; k++) expect(Math.abs(row[k] - item.logits[k]), `${item.file}[${k}]`).toBeLessThanOrEqual(1e-4);
      expect(argmax(row), item.file).toBe(item.labelIndex);
    });
    expect(new Set(ref.items.map((i) => i.labelIndex))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('reads motion: each clip reversed in time gives the PyTorch logits and the opposite direction', async () => {
    const logits = await run(true);
    ref.items.forEach((item, n) => {
      const row = logits.subarray(n * 4, n * 4 + 4);
      for (let k = 0; k < 4; k++) expect(Math.abs(row[k] - item.reversedLogits[k]), `${item.file}[${k}] reversed`).toBeLessThanOrEqual(1e-4);
      expect(argmax(row), `${item.file} reversed`).toBe(OPPOSITE[item.labelIndex]);
    });
  });

  it('has a tube of exact half-open boxes, one per frame, inside the frame', () => {
    for (const item of ref.items) {
      const tube = readJson<Record<string, number[][]>>(path.join(FIXTURE, item.file.replace(/\.npy$/, '.tube.json')));
      expect(Object.keys(tube).map(Number)).toEqual(Array.from({ length: spec.frames }, (_, t) => t));
      for (const boxes of Object.values(tube)) {
        expect(boxes).toHaveLength(1);
        const [x0, y0, x1, y1] = boxes[0];
        expect(0 <= x0 && x0 < x1 && x1 <= spec.width && 0 <= y0 && y0 < y1 && y1 <= spec.height).toBe(true);
      }
    }
  });
});

/** Loading the fixtures written by tools/graph/export_cam_models.py. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/graph');

export interface CamCase {
  name: string;
  kind: 'cam';
  arch: string;
  variant: string;
  notes: string;
  onnx: string;
  input: string;
  inputDims: number[];
  rank: 4 | 5;
  featureDims: number[];
  target: number;
  gradcam: string;
  gradcampp: string;
  headOps: string[];
  opset: number;
  torchLogits: number[];
}

export interface RefuseCase {
  name: string;
  kind: 'refuse';
  arch: string;
  variant: string;
  onnx: string;
  input: string;
  inputDims: number[];
  expectFound: string[];
}

export interface SyntheticCase {
  name: string;
  kind: 'synthetic';
  variant: string;
  notes: string;
  onnx: string;
  rank: 4 | 5;
  /** false: the graph has no shape information fixing the rank (found when the model runs). */
  rankKnown?: boolean;
  input: string;
  inputDims: number[];
  expectWeights: number[];
  expectBias: number[];
  headOps: string[];
}

export type Case = CamCase | RefuseCase | SyntheticCase;

export const manifest: { cases: Case[]; torch: string; torchvision: string } = JSON.parse(readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8'));

export const fixturePath = (file: string): string => path.join(FIXTURES, file);

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(file)));
}

export function readF32(file: string): Float32Array {
  const b = readFileSync(fixturePath(file));
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d;
  }
  return m;
};

/** Deterministic pseudo-random floats (mulberry32), for test inputs. */
export function randomFloats(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = scale * ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  }
  return out;
}

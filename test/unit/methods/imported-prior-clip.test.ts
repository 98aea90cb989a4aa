/** Imported priors for clips: a .npy of exactly the model's T×H×W, used as is; anything else refused by name. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { methodConfig } from '../../../src/engine/methods/config.ts';
import { priorOnClip, readPriorFile } from '../../../src/engine/methods/imported-prior.ts';
import { computeMap } from '../../../src/engine/methods/registry.ts';
import { TubeClassifier, whiteClipTarget } from '../../helpers/synthetic-clip.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-clip-prior-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A float32 C-order .npy (format 1.0) of `shape`, written here so the bytes are known. */
function writeNpy(name: string, shape: number[], values: Float32Array): string {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(values.buffer, values.byteOffset, values.byteLength)]));
  return file;
}

const T = 4;
const H = 16;
const W = 16;
const ramp = Float32Array.from({ length: T * H * W }, (_, i) => Math.sin(i / 7));

describe('clip priors (.npy T×H×W)', () => {
  it('reads T×H×W and uses a map of exactly the model’s shape as is', async () => {
    const file = writeNpy('ok.npy', [T, H, W], ramp);
    const prior = await readPriorFile(file, 3);
    expect([prior.frames, prior.height, prior.width]).toEqual([T, H, W]);
    expect(priorOnClip(prior, file, [T, H, W])).toEqual(ramp);
  });

  it('refines it through the registry: the prior BOREx-3D starts from is the file', async () => {
    const file = writeNpy('prior.npy', [T, H, W], ramp);
    const model = new TubeClassifier(T, H, W, { frames: [1, 3], rows: [4, 12], cols: [4, 12] });
    const config = methodConfig({ method: 'borex', preset: 'default', prior: file, borex: { iterations: 3 }, clip: true });
    const out = await computeMap(whiteClipTarget(model), config);
    expect(out.dims).toEqual([T, H, W]);
    expect(out.prior?.method).toBe(file);
    expect(out.prior?.map).toEqual(ramp);
    expect(out.prior?.signed).toBe(true);
    expect(out.map).toHaveLength(T * H * W);
    expect(out.borex?.modelCalls).toBe(6);
  });

  it.each([
    ['wrong-frames.npy', [8, H, W], /wrong-frames\.npy: not usable as a prior: the map is 8×16×16; this model explains clips of T×H×W = 4×16×16 \(frames × rows × columns\), so the prior must be a \.npy of exactly that shape/],
    ['wrong-size.npy', [T, 32, 32], /wrong-size\.npy: not usable as a prior: the map is 4×32×32; .* = 4×16×16/],
    ['plane.npy', [H, W], /plane\.npy: not usable as a prior: shape \[16, 16\]; a video's prior must be T×H×W \(frames × rows × columns\)/],
  ])('refuses %s, naming the file and the shape expected', async (name, shape, message) => {
    const file = writeNpy(name, shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i));
    const model = new TubeClassifier(T, H, W, { frames: [1, 3], rows: [4, 12], cols: [4, 12] });
    await expect(computeMap(whiteClipTarget(model), methodConfig({ method: 'borex', preset: 'default', prior: file, borex: { iterations: 2 }, clip: true }))).rejects.toThrow(message);
    expect(model.calls).toBe(0); // refused before any model call
  });

  it('refuses image formats for a clip', async () => {
    const file = path.join(dir, 'map.png');
    fs.writeFileSync(file, 'not read');
    await expect(readPriorFile(file, 3)).rejects.toThrow(/map\.png: not usable as a prior: a video's prior must be a \.npy array of T×H×W/);
  });
});

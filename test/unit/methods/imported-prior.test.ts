import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputGeometry } from '../../../src/engine/image/preprocess.ts';
import { priorOnInput, readPriorFile } from '../../../src/engine/methods/imported-prior.ts';
import { ROOT } from '../../helpers/cli.ts';
import { PLAIN_SPEC } from '../../helpers/synthetic.ts';

const file = (name: string) => path.join(ROOT, 'test/fixtures/priors', name);
const ramp = Array.from({ length: 32 * 32 }, (_, i) => i / (32 * 32 - 1));

describe('readPriorFile', () => {
  it('reads .npy float32, float64 1×H×W and int16 as H×W', async () => {
    for (const [name, scale] of [['ramp-f4.npy', 1], ['ramp-f8-1xHxW.npy', 1]] as const) {
      const p = await readPriorFile(file(name));
      expect([p.height, p.width]).toEqual([32, 32]);
      p.data.forEach((v, i) => expect(v).toBeCloseTo(ramp[i] * scale, 6));
    }
    const ints = await readPriorFile(file('ramp-i2.npy'));
    expect(ints.data[1023]).toBe(1000);
  });

  it('reads 8- and 16-bit greyscale PNG and JSON rows', async () => {
    const p8 = await readPriorFile(file('ramp-8bit.png'));
    expect(p8.data[1023]).toBe(255);
    expect(p8.data[512]).toBe(Math.round(ramp[512] * 255));
    const p16 = await readPriorFile(file('ramp-16bit.png'));
    expect(p16.data[1023]).toBe(65535);
    expect(p16.data[512]).toBe(Math.round(ramp[512] * 65535));
    const json = await readPriorFile(file('small.json'));
    expect(json).toEqual({ data: Float32Array.from([0, 1, 2, 3, 4, 5]), height: 2, width: 3 });
  });

  it.each([
    ['bad-nan.npy', /bad-nan\.npy: not usable as a prior: the map contains NaN or Inf/],
    ['bad-rank.npy', /bad-rank\.npy: not usable as a prior: shape \[2, 32, 32\]/],
    ['bad-constant.npy', /bad-constant\.npy: not usable as a prior: the map is constant \(0\.25\)/],
    ['bad-empty.npy', /bad-empty\.npy: not usable as a prior: the map is empty/],
    ['bad-ragged.json', /bad-ragged\.json: not usable as a prior: JSON must be/],
    ['missing.npy', /missing\.npy: cannot read the prior \(ENOENT\)/],
  ])('rejects %s', async (name, message) => {
    await expect(readPriorFile(file(name))).rejects.toThrow(message);
  });
});

describe('priorOnInput', () => {
  const g = inputGeometry(64, 64, PLAIN_SPEC(32, 32));
  it('takes a map at the model input size as is', async () => {
    const p = await readPriorFile(file('ramp-f4.npy'));
    expect(priorOnInput(p, g)).toBe(p.data);
  });

  it('maps a photo-sized map through the same resize as the image', async () => {
    const big = await readPriorFile(file('ramp-64px.png')); // each ramp value repeated 2×2
    const placed = priorOnInput(big, g);
    placed.forEach((v, i) => expect(v).toBeCloseTo(Math.round(ramp[i] * 255), 4));
  });
});

/** RISE masks against the RISE authors' procedure (skimage resize), values from tools/fixtures/rise_masks.py. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RiseMaskGenerator } from '../../../src/engine/methods/rise-masks.ts';
import { expandMask } from '../../../src/engine/masks/factored.ts';
import { Random } from '../../../src/engine/random.ts';

const DIR = path.join(import.meta.dirname, '../../fixtures/rise');
interface Case {
  height: number;
  width: number;
  gridSize: number;
  grid: number[];
  dy: number;
  dx: number;
}
const { cases } = JSON.parse(readFileSync(path.join(DIR, 'masks.json'), 'utf8')) as { cases: Case[] };
const bytes = readFileSync(path.join(DIR, 'masks.f32'));
const reference = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);

/** One mask drawn by the generator, expanded to H×W. */
function expanded(gen: RiseMaskGenerator, random: Random): Float32Array {
  const masks = gen.allocate(1);
  gen.draw(random, masks, 0);
  const out = new Float32Array(gen.height * gen.width);
  expandMask(masks, 0, out);
  return out;
}

describe('RISE masks', () => {
  it('equal skimage resize(order=1, mode=reflect) of the grid, cropped at the shift', () => {
    let offset = 0;
    expect(cases.length).toBe(9);
    for (const c of cases) {
      const gen = new RiseMaskGenerator(c.height, c.width, c.gridSize, 0.5);
      const masks = gen.allocate(2);
      masks.grid.set(c.grid, c.gridSize * c.gridSize); // slot 1, so slot offsets are exercised
      gen.place(masks, 1, c.dy, c.dx);
      const plane = c.height * c.width;
      const mine = new Float32Array(plane);
      expandMask(masks, 1, mine);
      let worst = 0;
      for (let i = 0; i < plane; i++) worst = Math.max(worst, Math.abs(mine[i] - reference[offset + i]));
      expect(worst, `${c.height}×${c.width}, s=${c.gridSize}`).toBeLessThan(1e-6);
      offset += plane;
    }
    expect(offset).toBe(reference.length);
  });

  it('are soft masks in [0,1] whose mean approaches p1', () => {
    const gen = new RiseMaskGenerator(48, 48, 6, 0.3);
    const random = new Random(1);
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let n = 0; n < 500; n++) {
      for (const v of expanded(gen, random)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        sum += v;
      }
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(sum / (500 * 48 * 48)).toBeCloseTo(0.3, 1);
  });

  it('upsample an all-ones grid to all ones and are reproducible from the seed', () => {
    expect(Math.min(...expanded(new RiseMaskGenerator(48, 48, 4, 0.999999), new Random(3)))).toBe(1);
    const gen = new RiseMaskGenerator(48, 48, 4, 0.5);
    expect(Array.from(expanded(gen, new Random(9)))).toEqual(Array.from(expanded(gen, new Random(9))));
  });
});

import { describe, expect, it } from 'vitest';
import { centredBox, fillBoxPair, forEachRun } from '../../../src/engine/masks/box.ts';

describe('box masks of any rank', () => {
  it('centres a box per axis and clips it to the tensor', () => {
    expect(centredBox([5, 6], [1, 4], [2, 3])).toEqual({ start: [0, 1], end: [3, 6] });
    expect(centredBox([4, 5, 6], [2, 1, 4], [1, 2, 3])).toEqual({ start: [1, 0, 1], end: [3, 3, 6] });
    expect(() => centredBox([5, 6], [1], [2, 2])).toThrow(/2 axes/);
  });

  it('rank 2: only the square visible in the first input, only it hidden in the second, on every channel', () => {
    const dims = [2, 3, 4];
    const x = Float32Array.from({ length: 24 }, (_, i) => i + 1);
    const b = new Float32Array(24).fill(-1);
    const out = new Float32Array(48);
    fillBoxPair(x, b, dims, { start: [1, 1], end: [3, 3] }, out);
    const inside = (i: number) => {
      const p = i % 12;
      const r = Math.floor(p / 4);
      const c = p % 4;
      return r >= 1 && r < 3 && c >= 1 && c < 3;
    };
    for (let i = 0; i < 24; i++) {
      expect(out[i]).toBe(inside(i) ? x[i] : -1);
      expect(out[24 + i]).toBe(inside(i) ? -1 : x[i]);
    }
  });

  it('rank 3 (time, row, col): runs cover exactly the box on each channel', () => {
    const dims = [2, 3, 4, 5];
    const seen = new Uint8Array(2 * 3 * 4 * 5);
    forEachRun(dims, { start: [1, 0, 2], end: [3, 2, 5] }, (from, to) => {
      for (let i = from; i < to; i++) seen[i]++;
    });
    for (let i = 0; i < seen.length; i++) {
      const p = i % 60;
      const [t, r, c] = [Math.floor(p / 20), Math.floor((p % 20) / 5), p % 5];
      expect(seen[i]).toBe(t >= 1 && t < 3 && r < 2 && c >= 2 ? 1 : 0);
    }
  });

  it('an empty box touches nothing', () => {
    let runs = 0;
    forEachRun([1, 4, 4], { start: [2, 2], end: [2, 4] }, () => runs++);
    expect(runs).toBe(0);
  });
});

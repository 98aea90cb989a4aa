import { describe, expect, it } from 'vitest';
import { expNeg } from '../../../src/engine/gp/fast-exp.ts';

describe('expNeg (inlinable exp(−x))', () => {
  it('is within a few ulp of Math.exp on [0, 708)', () => {
    let worst = 0;
    for (let i = 0; i < 2_000_000; i++) {
      const x = i * 3.54e-4 + (i % 7) * 1e-9; // dense grid over [0, 708), off the table points
      const e = Math.exp(-x);
      worst = Math.max(worst, Math.abs(expNeg(x) - e) / e);
    }
    expect(worst).toBeLessThan(1e-15);
  });

  it('is exact where it should be and safe at the ends', () => {
    expect(expNeg(0)).toBe(1);
    expect(expNeg(Math.LN2)).toBe(0.5);
    expect(expNeg(708)).toBe(0);
    expect(expNeg(Infinity)).toBe(0);
    expect(Number.isNaN(expNeg(Number.NaN))).toBe(true);
    expect(expNeg(1e-300)).toBe(1);
  });
});

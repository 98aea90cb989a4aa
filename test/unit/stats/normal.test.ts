import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalSf } from '../../../src/engine/stats/normal.ts';
import { averageRanks } from '../../../src/engine/stats/ranks.ts';
import { signedRankCdf, signedRankCounts, signedRankSf } from '../../../src/engine/stats/signrank.ts';

interface Point {
  z: number;
  cdf: number;
  sf: number;
  scipyNdtr: number;
}
const fixture = JSON.parse(
  fs.readFileSync(new URL('../../fixtures/stats/normal-cdf-mpmath.json', import.meta.url), 'utf8'),
) as { points: Point[] };

function relErr(actual: number, expected: number): number {
  return actual === expected ? 0 : Math.abs(actual - expected) / Math.abs(expected);
}

describe('normalCdf / normalSf vs mpmath (60 digits)', () => {
  it('is accurate to 1e-14 relative wherever the value is a normal double', () => {
    let worst = 0;
    for (const p of fixture.points) {
      if (p.cdf > 1e-300) worst = Math.max(worst, relErr(normalCdf(p.z), p.cdf));
      if (p.sf > 1e-300) worst = Math.max(worst, relErr(normalSf(p.z), p.sf));
      expect(Math.abs(normalCdf(p.z) - p.cdf)).toBeLessThanOrEqual(1e-300 + 1e-14 * p.cdf);
    }
    expect(worst).toBeLessThan(1e-14);
  });

  it('handles the ends', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalSf(50)).toBe(0);
    expect(normalCdf(NaN)).toBeNaN();
  });
});

describe('signed-rank null distribution', () => {
  it('has 2^n patterns and is symmetric', () => {
    for (const n of [1, 2, 5, 20, 50]) {
      const c = signedRankCounts(n);
      expect(c.length).toBe((n * (n + 1)) / 2 + 1);
      expect(c.reduce((a, b) => a + b, 0)).toBe(2 ** n);
      for (let r = 0; r < c.length; r++) expect(c[r]).toBe(c[c.length - 1 - r]);
    }
    expect(Array.from(signedRankCounts(3))).toEqual([1, 1, 1, 2, 1, 1, 1]);
    expect(signedRankCdf(0, 10)).toBe(2 ** -10);
    expect(signedRankSf(55, 10)).toBe(2 ** -10);
    expect(signedRankCdf(27, 10) + signedRankSf(28, 10)).toBe(1);
    expect(() => signedRankCounts(51)).toThrow(RangeError);
  });
});

describe('averageRanks', () => {
  it('averages ties like scipy.stats.rankdata', () => {
    const { ranks, tieGroups } = averageRanks([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
    expect(Array.from(ranks)).toEqual([4.5, 1.5, 6, 1.5, 8, 11, 3, 10, 8, 4.5, 8]);
    expect(tieGroups.sort()).toEqual([2, 2, 3]);
  });
});

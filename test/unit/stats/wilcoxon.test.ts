import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  wilcoxon,
  WilcoxonInputError,
  type WilcoxonAlternative,
  type WilcoxonWarning,
} from '../../../src/engine/stats/index.ts';

interface Expected {
  statistic: number;
  pValue: number;
  method: 'exact' | 'approx';
  zStatistic: number | null;
  shareImproved: number;
  scipyWarnings: string[];
}
interface FixtureCase {
  name: string;
  x: number[];
  y: number[];
  n: number;
  nPairs: number;
  nZero: number;
  medianDifference: number;
  hasTies: boolean;
  results: Record<WilcoxonAlternative, Expected>;
}
interface FixtureError {
  name: string;
  x: number[];
  y: number[];
  alternative: WilcoxonAlternative;
  scipyError: string | null;
}
interface Fixture {
  scipyVersion: string;
  cases: FixtureCase[];
  errors: FixtureError[];
}

const fixture = JSON.parse(
  fs.readFileSync(new URL('../../fixtures/stats/wilcoxon-scipy.json', import.meta.url), 'utf8'),
) as Fixture;

const SCIPY_WARNING: Record<string, WilcoxonWarning> = {
  'Exact p-value calculation does not work if there are zeros. Switching to normal approximation.':
    'zeros-forced-approx',
  'Sample size too small for normal approximation.': 'small-sample-approx',
};

/** Relative 1e-9, or absolute 1e-15 for tiny p-values. */
function expectClose(actual: number, expected: number, rel = 1e-9, abs = 1e-15): void {
  const err = Math.abs(actual - expected);
  if (!(err <= Math.max(rel * Math.abs(expected), abs))) {
    expect.fail(`expected ${actual} to be within rel ${rel} / abs ${abs} of ${expected} (err ${err})`);
  }
}

const rows = fixture.cases.flatMap((c) =>
  (Object.keys(c.results) as WilcoxonAlternative[]).map((alt) => ({ c, alt, e: c.results[alt] })),
);

describe('wilcoxon vs scipy.stats.wilcoxon', () => {
  it('fixtures come from SciPy 1.10', () => {
    expect(fixture.scipyVersion).toMatch(/^1\.10\./);
    expect(rows.length).toBeGreaterThan(100);
    // every route and shape the brief asks for is present
    expect(rows.some((r) => r.e.method === 'exact')).toBe(true);
    expect(rows.some((r) => r.e.method === 'approx')).toBe(true);
    expect(fixture.cases.some((c) => c.hasTies && c.results['two-sided'].method === 'exact')).toBe(true);
    expect(fixture.cases.some((c) => c.nZero > 0 && c.nPairs <= 50)).toBe(true);
    expect(fixture.cases.some((c) => c.nPairs === 1000)).toBe(true);
  });

  it.each(rows.map((r) => [`${r.c.name} [${r.alt}]`, r] as const))('%s', (_name, { c, alt, e }) => {
    const res = wilcoxon(c.x, c.y, alt);
    expect(res.alternative).toBe(alt);
    expect(res.statistic).toBe(e.statistic);
    expect(res.method).toBe(e.method);
    expect(res.n).toBe(c.n);
    expect(res.nPairs).toBe(c.nPairs);
    expect(res.nZero).toBe(c.nZero);
    expectClose(res.pValue, e.pValue);
    if (e.method === 'exact') {
      expect(res.pValue).toBe(e.pValue); // same exact distribution, same dyadic sums
      expect(res.zStatistic).toBeUndefined();
    } else {
      expect(res.zStatistic).toBeDefined();
      expectClose(res.zStatistic!, e.zStatistic!, 1e-12, 1e-15);
    }
    expect(res.rPlus + res.rMinus).toBe((c.n * (c.n + 1)) / 2);
    expect(res.medianDifference).toBe(c.medianDifference);
    expect(res.shareImproved).toBe(e.shareImproved);
    const fromScipy = e.scipyWarnings.map((m) => SCIPY_WARNING[m]);
    expect(fromScipy).not.toContain(undefined);
    expect(res.warnings.filter((w) => w !== 'ties-in-exact').sort()).toEqual(fromScipy.sort());
    expect(res.warnings.includes('ties-in-exact')).toBe(c.hasTies && e.method === 'exact');
  });

  it('accepts typed arrays', () => {
    const c = fixture.cases.find((k) => k.name === 'large n=200')!;
    const plain = wilcoxon(c.x, c.y, 'greater');
    const typed = wilcoxon(Float64Array.from(c.x), Float64Array.from(c.y), 'greater');
    expect(typed).toEqual(plain);
  });

  it('defaults to two-sided', () => {
    const c = fixture.cases.find((k) => k.name === 'corn example')!;
    expect(wilcoxon(c.x, c.y)).toEqual(wilcoxon(c.x, c.y, 'two-sided'));
    expect(wilcoxon(c.x, c.y).pValue).toBe(0.041259765625); // SciPy docstring value
  });
});

describe('wilcoxon input errors', () => {
  it('mirrors the cases where SciPy raises', () => {
    for (const err of fixture.errors) {
      expect(err.scipyError, err.name).toMatch(/^ValueError/);
      expect(() => wilcoxon(err.x, err.y, err.alternative), err.name).toThrow(WilcoxonInputError);
    }
  });

  it('rejects different lengths', () => {
    expect(() => wilcoxon([1, 2, 3], [1, 2])).toThrow(/same length \(got 3 and 2\)/);
  });

  it('rejects all-zero differences with a clear message', () => {
    expect(() => wilcoxon([0.3, 0.5, 0.9], [0.3, 0.5, 0.9], 'greater')).toThrow(
      /all 3 paired differences x - y are zero/,
    );
    expect(() => wilcoxon([0.4], [0.4])).toThrow(/all 1 paired differences/);
  });

  it('rejects NaN in either sample', () => {
    expect(() => wilcoxon([1, NaN, 3], [0, 0, 0])).toThrow(/x\[1\] is NaN/);
    expect(() => wilcoxon([1, 2, 3], [0, 0, NaN])).toThrow(/y\[2\] is NaN/);
    expect(() => wilcoxon(new Float32Array([NaN]), new Float32Array([0]))).toThrow(WilcoxonInputError);
  });

  it('rejects infinities, empty input and unknown alternatives', () => {
    expect(() => wilcoxon([1, Infinity], [0, 0])).toThrow(/x\[1\] is Infinity/);
    expect(() => wilcoxon([1.5e308, 1], [-1.5e308, 0])).toThrow(/overflows/);
    expect(() => wilcoxon([], [])).toThrow(/at least one pair/);
    expect(() => wilcoxon([1, 2], [0, 0], 'bigger' as WilcoxonAlternative)).toThrow(/alternative must be/);
  });
});

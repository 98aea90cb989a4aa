import { describe, expect, it } from 'vitest';
import { curveAuc, insertionDeletion } from '../../../src/engine/metrics/insertion-deletion.ts';
import { boxesToMask, localisationScores } from '../../../src/engine/metrics/localisation.ts';
import { rankPixels } from '../../../src/engine/tensor/rank.ts';
import { RegionClassifier, whiteTarget } from '../../helpers/synthetic.ts';

describe('curveAuc', () => {
  it('is the trapezoid rule over equal intervals', () => {
    expect(curveAuc([1, 0.5, 0, 0, 0])).toBeCloseTo((1.5 - 0.5) / 4, 12);
    expect(curveAuc([0, 1])).toBe(0.5);
    expect(curveAuc([0.2, 0.2, 0.2])).toBeCloseTo(0.2, 12);
  });
});

describe('rankPixels', () => {
  it('sorts descending and keeps index order on ties', () => {
    expect(Array.from(rankPixels([0.5, 2, 0.5, 3, 2]))).toEqual([3, 1, 4, 0, 2]);
  });
});

describe('insertion and deletion', () => {
  // 4×4 image, the model looks at the top-left 2×2 (pixels 0, 1, 4, 5).
  const model = new RegionClassifier(4, 4, [0, 0, 2, 2], 3);
  const map = new Float32Array([16, 15, 2, 1, 14, 13, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

  it('match the hand-computed curves', async () => {
    const { insertion, deletion } = await insertionDeletion(whiteTarget(model), map, { step: 2, insertionStart: 'baseline' });
    expect(deletion.curve).toEqual([1, 0.5, 0, 0, 0, 0, 0, 0, 0]);
    expect(deletion.auc).toBeCloseTo(0.125, 12);
    expect(insertion.curve).toEqual([0, 0.5, 1, 1, 1, 1, 1, 1, 1]);
    expect(insertion.auc).toBeCloseTo(0.875, 12);
  });

  it('a map that ranks the region last scores worse on both', async () => {
    const reversed = map.map((v) => -v);
    const good = await insertionDeletion(whiteTarget(model), map, { step: 2, insertionStart: 'baseline' });
    const bad = await insertionDeletion(whiteTarget(model), reversed, { step: 2, insertionStart: 'baseline' });
    expect(bad.deletion.curve).toEqual([1, 1, 1, 1, 1, 1, 1, 0.5, 0]);
    expect(bad.insertion.auc).toBeLessThan(good.insertion.auc);
    expect(bad.deletion.auc).toBeGreaterThan(good.deletion.auc);
  });
});

describe('recall / precision / F against boxes', () => {
  it('matches a hand-computed case', () => {
    // 2×2 image, G = {0}. Ranking 0, 1, 2, 3: hits 1,1,1,1 → recall 1; precision 1, 1/2, 1/3, 1/4.
    const region = new Uint8Array([1, 0, 0, 0]);
    const s = localisationScores([4, 3, 2, 1], region, 2, 0);
    expect(s.fRp).toBeCloseTo((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4, 12);
    const f1 = [1, 2 / 3, 0.5, 0.4];
    expect(s.f1).toBeCloseTo(f1.reduce((a, b) => a + b) / 4, 12);
    expect(s.pointingGame).toBe(true);
    const worst = localisationScores([1, 2, 3, 4], region, 2, 0);
    expect(worst.fRp).toBeCloseTo(0.25 / 4, 12);
    expect(worst.pointingGame).toBe(false);
  });

  it('boxes are half-open and the tolerant pointing game reaches nearby boxes', () => {
    const mask = boxesToMask([[1, 1, 3, 2]], 4, 4);
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const map = new Float32Array(16);
    map[15] = 1; // peak at (3,3): distance to (1,2) is √5
    expect(localisationScores(map, mask, 4, 2).pointingGameTolerant).toBe(false);
    expect(localisationScores(map, mask, 4, 3).pointingGameTolerant).toBe(true);
  });

  it('refuses an empty region', () => {
    expect(() => localisationScores([1, 2], new Uint8Array(2), 2)).toThrow(/empty/);
  });
});

import { describe, expect, it } from 'vitest';
import { candidatePrior, imageCandidates } from '../../../src/engine/methods/borex-candidates.ts';

describe('image candidates', () => {
  it("default order is the public code's: row fastest, then column (s fastest of all)", () => {
    const c = imageCandidates(4, 3, [30, 45], { stride: 2 });
    expect(c.order).toBe('column-major');
    expect(c.count).toBe(2 * 2 * 2);
    // rows {0, 2} × cols {0, 2}: (0,0) (2,0) (0,2) (2,2).
    expect(Array.from(c.points)).toEqual([0, 0, 30, 0, 0, 45, 2, 0, 30, 2, 0, 45, 0, 2, 30, 0, 2, 45, 2, 2, 30, 2, 2, 45]);
    expect(Array.from(c.pixel)).toEqual([0, 6, 2, 8]);
    const prior = Float64Array.from({ length: 12 }, (_, i) => i / 10);
    expect(Array.from(candidatePrior(c, prior))).toEqual([0, 0, 0.6, 0.6, 0.2, 0.2, 0.8, 0.8]);
  });

  it("matches numpy: meshgrid(x, y, s) raveled, x used as the row", () => {
    // X[:4] of the public code for size 3, s ∈ {30, 45} (x, y printed by numpy): (0,0,30) (0,0,45)
    // (1,0,30) (1,0,45); its prior is sal.T.flatten() tiled, i.e. sal[x][y].
    const c = imageCandidates(3, 3, [30, 45]);
    expect(Array.from(c.points.subarray(0, 12))).toEqual([0, 0, 30, 0, 0, 45, 1, 0, 30, 1, 0, 45]);
    const sal = Float64Array.from({ length: 9 }, (_, i) => i); // sal[row][col] = 3·row + col
    expect(Array.from(candidatePrior(c, sal).subarray(0, 8))).toEqual([0, 0, 3, 3, 6, 6, 1, 1]);
  });

  it('row-major order and offsets on request; the full grid has 200,704 candidates', () => {
    const c = imageCandidates(4, 3, [30], { stride: 2, offset: 1, order: 'row-major' });
    expect(Array.from(c.points)).toEqual([1, 1, 30, 3, 1, 30]);
    expect(imageCandidates(224, 224, [30, 45, 60, 75]).count).toBe(200_704);
    expect(() => imageCandidates(4, 4, [30], { stride: 2, offset: 2 })).toThrow(/offset/);
  });
});

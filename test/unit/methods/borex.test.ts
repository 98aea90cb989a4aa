import { describe, expect, it } from 'vitest';
import { aggregateMap } from '../../../src/engine/methods/borex-aggregate.ts';
import { BO_DEFAULTS, borex, scalePrior } from '../../../src/engine/methods/borex.ts';
import { insertionDeletion } from '../../../src/engine/metrics/insertion-deletion.ts';
import { argmax, RegionClassifier, whiteTarget } from '../../helpers/synthetic.ts';
import { fast, H, REGION, W, wrongPrior } from './borex-scene.ts';

describe('BOREx on a model whose evidence region is known', () => {
  it('peaks inside the region from no prior', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const out = await borex(whiteTarget(model), null, fast);
    expect(model.inRegion(argmax(out.map))).toBe(true);
  });

  it('moves the mass from a wrong prior into the region, and insertion beats the prior', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const target = whiteTarget(model);
    const prior = wrongPrior();
    expect(model.inRegion(argmax(prior))).toBe(false);
    const out = await borex(target, prior, { ...fast, iterations: 30 });
    expect(model.inRegion(argmax(out.map))).toBe(true);
    const options = { step: W, insertionStart: 'baseline' as const };
    const refined = await insertionDeletion(target, out.map, options);
    const before = await insertionDeletion(target, prior, options);
    expect(refined.insertion.auc).toBeGreaterThan(before.insertion.auc + 0.2);
    expect(refined.deletion.auc).toBeLessThan(before.deletion.auc);
  });

  it('spends exactly 2 model calls per iteration (BOREx) and 1 + 1 per iteration (BO)', async () => {
    const a = new RegionClassifier(H, W, REGION);
    const out = await borex(whiteTarget(a), wrongPrior(), { ...fast, iterations: 7 });
    expect(a.calls).toBe(14);
    expect(out.modelCalls).toBe(14);
    expect(out.samples).toHaveLength(7);
    const b = new RegionClassifier(H, W, REGION);
    await borex(whiteTarget(b), null, { ...BO_DEFAULTS, iterations: 7, seed: 0 });
    expect(b.calls).toBe(8);
  });

  it('starts at the prior argmax with the smallest square, and is deterministic per seed', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const a = await borex(whiteTarget(model), wrongPrior(), { ...fast, iterations: 6 });
    expect(a.samples[0]).toMatchObject({ row: 85, col: 25, halfSize: 15 });
    const b = await borex(whiteTarget(model), wrongPrior(), { ...fast, iterations: 6 });
    const c = await borex(whiteTarget(model), wrongPrior(), { ...fast, iterations: 6, seed: 1 });
    expect(Array.from(b.map)).toEqual(Array.from(a.map));
    expect(Array.from(c.map)).not.toEqual(Array.from(a.map));
  });

  it('observations are squashed flips: y = tanh(g·(M(x⊙m̄) − M(x⊙m))/2)', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const out = await borex(whiteTarget(model), null, { ...fast, iterations: 3 });
    for (const s of out.samples) {
      let inside = 0;
      for (let r = REGION[0]; r < REGION[2]; r++) {
        for (let c = REGION[1]; c < REGION[3]; c++) if (r >= s.row - s.halfSize && r < s.row + s.halfSize && c >= s.col - s.halfSize && c < s.col + s.halfSize) inside++;
      }
      const f = inside / ((REGION[2] - REGION[0]) * (REGION[3] - REGION[1]));
      expect(s.y).toBeCloseTo(Math.tanh((10 * (f - (1 - f))) / 2), 6);
      expect(s.residual).toBe(s.y); // no prior
    }
  });

  it('is cancellable between iterations', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const controller = new AbortController();
    let seen = 0;
    const run = borex(whiteTarget(model), null, fast, {
      signal: controller.signal,
      onProgress: (e) => {
        seen = e.done;
        if (e.done === 3) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(seen).toBe(3);
    expect(model.calls).toBe(6);
  });
});

describe('prior scaling and aggregation', () => {
  it('scales the prior to mean |i0| = 0.1 and keeps an all-zero prior at zero', () => {
    const p = scalePrior(new Float32Array([1, -3, 0, 4]), 4, 0.1);
    expect(Array.from(p).map((v) => +v.toFixed(6))).toEqual([0.05, -0.15, 0, 0.2]);
    expect(Array.from(scalePrior(new Float32Array(4), 4, 0.1))).toEqual([0, 0, 0, 0]);
  });

  it('coverage is a box mean over in-image centres; mean and area are per-pixel', () => {
    // 1×4 image, one size s = 1: totals = [0, 4, 8, 12].
    const totals = new Float64Array([0, 4, 8, 12]);
    expect(Array.from(aggregateMap(totals, 1, 4, [1], 'coverage'))).toEqual([2, 4, 8, 10]);
    expect(Array.from(aggregateMap(totals, 1, 4, [1], 'mean'))).toEqual([0, 4, 8, 12]);
    expect(Array.from(aggregateMap(totals, 1, 4, [1], 'area'))).toEqual([0, 1, 2, 3]);
    // Two sizes: the mean over sizes.
    const two = new Float64Array([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(Array.from(aggregateMap(two, 1, 4, [1, 2], 'mean'))).toEqual([1, 5, 9, 13]);
  });
});

describe('BOREx with a learned prior weight (GP mean β·i0 + c_s)', () => {
  /** A prior on the evidence region itself. */
  function goodPrior(): Float32Array {
    const p = new Float32Array(H * W);
    const [r0, r1, c0, c1] = REGION;
    const rc = (r0 + r1) / 2;
    const cc = (c0 + c1) / 2;
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) p[r * W + c] = Math.exp(-((r - rc) ** 2 + (c - cc) ** 2) / 300);
    return p;
  }

  it('trusts a prior on the evidence more than one far from it, and reports β and the offsets', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const learned = { ...fast, iterations: 20, priorWeight: 'learned' as const };
    const good = await borex(whiteTarget(model), goodPrior(), learned);
    const wrong = await borex(whiteTarget(model), wrongPrior(), learned);
    expect(good.priorWeight).toBeGreaterThan(0);
    expect(good.priorWeight!).toBeGreaterThan(wrong.priorWeight!);
    expect(good.priorOffsets).toHaveLength(fast.halfSizes.length);
    expect(model.inRegion(argmax(good.map))).toBe(true);
    // The samples' residuals are those of the final mean.
    const s = good.samples[3];
    const i0 = scalePrior(goodPrior(), H * W, fast.priorMeanAbs);
    const k = fast.halfSizes.map((v) => Math.max(1, Math.round((v * H) / 224))).indexOf(s.halfSize);
    expect(s.residual).toBeCloseTo(s.y - good.priorWeight! * i0[s.row * W + s.col] - good.priorOffsets![k], 12);
  });

  it('fixed (the default) reports no β, and is the same map as before the option existed', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const a = await borex(whiteTarget(model), wrongPrior(), { ...fast, iterations: 6 });
    const b = await borex(whiteTarget(model), wrongPrior(), { ...fast, iterations: 6, priorWeight: 'fixed' });
    expect(a.priorWeight).toBeUndefined();
    expect(Array.from(b.map)).toEqual(Array.from(a.map));
  });

  it('refuses an unknown prior weight as a usage error', async () => {
    const model = new RegionClassifier(H, W, REGION);
    await expect(borex(whiteTarget(model), null, { ...fast, priorWeight: 'maybe' as never })).rejects.toMatchObject({ kind: 'usage' });
  });

  it('exports σ per pixel when asked: in (0, 1], lowest near the queried squares', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const out = await borex(whiteTarget(model), wrongPrior(), { ...fast, iterations: 8 }, {}, undefined, { uncertainty: true });
    expect(out.uncertainty).toHaveLength(H * W);
    const u = out.uncertainty!;
    expect(Math.min(...u)).toBeGreaterThan(0);
    expect(Math.max(...u)).toBeLessThanOrEqual(1);
    const first = out.samples[0];
    expect(u[first.row * W + first.col]).toBeLessThan(Math.max(...u));
    const none = await borex(whiteTarget(model), wrongPrior(), { ...fast, iterations: 2 });
    expect(none.uncertainty).toBeUndefined();
  });
});

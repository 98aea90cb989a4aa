import { describe, expect, it } from 'vitest';
import { parseMethodId, resolveMethods } from '../../../src/engine/jobs/batch-methods.ts';
import { CHECK_FRACTIONS, CHECK_HEAD, checkImages, checkWeights, deletionCheck, deletionScores, HEAD_SHARES, HEADS_FRACTIONS, HEADS_GAIN, HEADS_PRIOR_GAIN, priorHead, UNIFORM_FRACTIONS, UNIFORM_PRIOR_GAIN } from '../../../src/engine/methods/borex-check.ts';
import { borex, checkIterations, validateBorexParams } from '../../../src/engine/methods/borex.ts';

import { RegionClassifier, whiteTarget } from '../../helpers/synthetic.ts';
import { TubeClassifier, whiteClipTarget } from '../../helpers/synthetic-clip.ts';
import { fast, H, REGION, W, wrongPrior } from './borex-scene.ts';

// Issue 15 item 6: BOREx's deletion check (methods/borex-check.ts). The region model's confidence
// is the visible fraction of REGION (x = 1, baseline 0), so every deletion score is known exactly.
const plane = H * W;
const regionPixels = (REGION[2] - REGION[0]) * (REGION[3] - REGION[1]); // 24 × 28 = 672
const inRegion = (i: number) => {
  const r = Math.floor(i / W);
  const c = i % W;
  return r >= REGION[0] && r < REGION[2] && c >= REGION[1] && c < REGION[3];
};
/** The exact answer (the region's pixels first) and its opposite (the region's pixels last). */
const exact = () => Float32Array.from({ length: plane }, (_, i) => (inRegion(i) ? 1 : 0));
const opposite = () => Float32Array.from({ length: plane }, (_, i) => (inRegion(i) ? 0 : 1));
/** Deleting the exact map's top ⌈f·plane⌉ pixels leaves 1 − min(⌈f·plane⌉, 672)/672 of the region. */
const exactScore = (f: number) => 1 - Math.min(Math.ceil(f * plane), regionPixels) / regionPixels;

describe('the deletion check', () => {
  it('weights the fractions as a trapezoid over [0, 1] would', () => {
    expect(Array.from(checkWeights([0.25, 0.5]))).toEqual([0.25, 0.375]);
    const w = checkWeights();
    expect(w.length).toBe(7);
    expect(w[0]).toBe(1 / 128);
    expect(w[6]).toBe(3 / 8);
    // Σ (f_{k+1} − f_{k−1}) / 2 telescopes to (1 + f_last − f_first) / 2.
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo((1 + 1 / 2 - 1 / 128) / 2, 15);
    expect([checkImages('head'), checkImages('prior'), checkImages('both'), checkImages('heads'), checkImages('uniform'), checkImages('off')]).toEqual([14, 14, 17, 11, 30, 0]);
  });

  it('scores each map at each fraction in one model call, exactly', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const scores = await deletionScores(whiteTarget(model), [exact(), opposite()].map((map) => ({ map, fractions: CHECK_FRACTIONS })));
    expect(model.calls).toBe(14);
    // 1/128 of 12544 = 98 pixels, 1/64 = 196, 1/32 = 392, then the whole region is gone.
    expect(Array.from(scores.subarray(0, 7))).toEqual(CHECK_FRACTIONS.map((f) => Math.fround(exactScore(f))));
    expect(Array.from(scores.subarray(0, 4)).map((s) => +s.toFixed(6))).toEqual([0.854167, 0.708333, 0.416667, 0]);
    // The opposite map deletes 6272 pixels at f = 1/2, none of the region (it comes last of 12544).
    expect(Array.from(scores.subarray(7))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    await expect(deletionScores(whiteTarget(model), [{ map: exact(), fractions: [0.5, 0.25] }])).rejects.toThrow(/must increase/);
  });

  it("heads the map with the prior's top share, in the prior's order", () => {
    const map = Float32Array.from([4, 3, 2, 1]);
    const prior = Float32Array.from([0, 1, 5, 9]);
    // prior ranks [0.25, 0.5, 0.75, 1]: the top half (pixels 3, 2) first, then the map's order.
    expect(Array.from(priorHead(map, prior, 0.5))).toEqual([1, 0.75, 1.75, 2]);
    expect(Array.from(priorHead(map, prior, 0.25))).toEqual([1, 0.75, 0.5, 2]);
    // Share 1: the prior's own order.
    expect(Array.from(priorHead(map, prior, 1))).toEqual([1.25, 1.5, 1.75, 2]);
    expect(CHECK_HEAD).toBe(1 / 16);
  });

  it('prior: keeps the refined map unless the prior deletes the class sooner; ties keep the refinement', async () => {
    const w = checkWeights();
    const expected = CHECK_FRACTIONS.reduce((s, f, k) => s + w[k] * Math.fround(exactScore(f)), 0);
    const target = whiteTarget(new RegionClassifier(H, W, REGION));
    const good = await deletionCheck(target, exact(), opposite(), 'prior');
    expect(good.outcome).toMatchObject({ kept: 'refined' });
    expect(good.outcome.refined).toBeCloseTo(expected, 12);
    expect(good.outcome.prior).toBeCloseTo(w.reduce((a, b) => a + b, 0), 12);
    expect(good.outcome.head).toBeUndefined();
    const prior = exact();
    const bad = await deletionCheck(target, opposite(), prior, 'prior');
    expect(bad.outcome.kept).toBe('prior');
    expect(bad.map).toEqual(prior);
    expect(bad.map).not.toBe(prior); // a copy: the caller's prior stays its own
    const tie = await deletionCheck(target, exact(), exact(), 'prior');
    expect(tie.outcome.kept).toBe('refined');
  });

  it("head (the default): against the prior's top 1/16 heading the refinement, whose deletion is the exact prior's while the region fits in it", async () => {
    const target = whiteTarget(new RegionClassifier(H, W, REGION));
    // The exact prior's top 1/16 (784 pixels) holds the whole region (672), so its head deletes it as the prior does.
    const check = await deletionCheck(target, opposite(), exact());
    expect(check.outcome.kept).toBe('head');
    const w = checkWeights();
    expect(check.outcome.head).toBeCloseTo(CHECK_FRACTIONS.reduce((s, f, k) => s + w[k] * Math.fround(exactScore(f)), 0), 12);
    expect(check.outcome.prior).toBeUndefined();
    expect(check.map).toEqual(priorHead(opposite(), exact(), CHECK_HEAD));
  });

  it('both: the head where it is as good as the prior; the prior where it is better by more than the margin; 17 images', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const small = await deletionCheck(whiteTarget(model), opposite(), exact(), 'both');
    expect(model.calls).toBe(17);
    // The region fits in the head: head and prior score the same, so the head is kept.
    expect(small.outcome.kept).toBe('head');
    expect(small.outcome.head).toBe(small.outcome.prior);
    expect(small.map).toEqual(priorHead(opposite(), exact(), CHECK_HEAD));
    // A region of 1/4 of the image (3136 px): the head deletes its first 784 pixels, then the
    // opposite map's order reaches the region only at 3/4; the prior deletes all of it by 1/4.
    const BIG: [number, number, number, number] = [28, 28, 84, 84];
    const inBig = (i: number) => Math.floor(i / W) >= 28 && Math.floor(i / W) < 84 && i % W >= 28 && i % W < 84;
    const bigExact = Float32Array.from({ length: plane }, (_, i) => (inBig(i) ? 1 : 0));
    const big = await deletionCheck(whiteTarget(new RegionClassifier(H, W, BIG)), Float32Array.from(bigExact, (v) => 1 - v), bigExact, 'both');
    const w = checkWeights();
    const priorScore = (f: number) => 1 - Math.min(Math.ceil(f * plane), 3136) / 3136;
    const headScore = (f: number) => (f <= CHECK_HEAD ? priorScore(f) : 1 - 784 / 3136);
    expect(big.outcome.prior).toBeCloseTo(CHECK_FRACTIONS.reduce((s, f, k) => s + w[k] * Math.fround(priorScore(f)), 0), 6);
    expect(big.outcome.head).toBeCloseTo(CHECK_FRACTIONS.reduce((s, f, k) => s + w[k] * Math.fround(headScore(f)), 0), 6);
    expect(big.outcome.prior!).toBeLessThan(0.8 * big.outcome.head!);
    expect(big.outcome.kept).toBe('prior');
    expect(big.map).toEqual(bigExact);
  });

  it('heads: the shorter head that holds the region, at 4 fractions from 11 images', async () => {
    expect(HEADS_FRACTIONS).toEqual([1 / 32, 1 / 16, 1 / 8, 1 / 4]);
    expect(HEAD_SHARES).toEqual([1 / 16, 1 / 8]);
    expect(Array.from(checkWeights(HEADS_FRACTIONS))).toEqual([1 / 32, 3 / 64, 3 / 32, 7 / 16]);
    // A region of 1/8 of the image (56 × 28 = 1568 px), the prior its exact mask and R the opposite:
    // R leaves the region whole at every fraction; the 1/16 head deletes half of it and then R's
    // order everything else; the 1/8 head deletes it as the prior does, all of it at 1/8.
    const EIGHTH: [number, number, number, number] = [28, 28, 84, 56];
    const inside = (i: number) => Math.floor(i / W) >= 28 && Math.floor(i / W) < 84 && i % W >= 28 && i % W < 56;
    const prior = Float32Array.from({ length: plane }, (_, i) => (inside(i) ? 1 : 0));
    const refined = Float32Array.from(prior, (v) => 1 - v);
    const model = new RegionClassifier(H, W, EIGHTH);
    const check = await deletionCheck(whiteTarget(model), refined, prior, 'heads');
    expect(model.calls).toBe(11);
    const w = checkWeights(HEADS_FRACTIONS);
    const sum = (score: (f: number) => number) => HEADS_FRACTIONS.reduce((s, f, k) => s + w[k] * Math.fround(score(f)), 0);
    expect(check.outcome.refined).toBeCloseTo(sum(() => 1), 6);
    expect(check.outcome.head).toBeCloseTo(sum((f) => 1 - Math.min(Math.ceil(f * plane), 1568) / 1568), 6);
    expect(check.outcome).toMatchObject({ kept: 'head', share: 1 / 8 });
    expect(check.outcome.prior).toBe(check.outcome.head); // the 1/8 head deletes the region as the prior does
    expect(check.map).toEqual(priorHead(refined, prior, 1 / 8));
  });

  it('heads: a head replaces the refinement only where it deletes better by more than HEADS_GAIN', async () => {
    expect(HEADS_GAIN).toBe(0.008);
    const target = whiteTarget(new RegionClassifier(H, W, REGION));
    // R: the exact map with n of the region's 672 pixels last. From 1/16 on, the heads (which hold the
    // whole region) delete it all, R leaves n/672 visible: R − head = (n/672)·(3/64 + 3/32 + 7/16).
    const lateBy = (n: number) => {
      const map = exact();
      for (let i = 0, moved = 0; moved < n; i++) if (inRegion(i)) (map[i] = -1), moved++;
      return map;
    };
    const close = await deletionCheck(target, lateBy(6), exact(), 'heads');
    expect(close.outcome.refined - close.outcome.head!).toBeCloseTo((6 / 672) * (37 / 64), 6); // 0.0052
    expect(close.outcome).toMatchObject({ kept: 'refined', share: 1 / 16 });
    expect(close.map).toEqual(lateBy(6));
    const clear = await deletionCheck(target, lateBy(14), exact(), 'heads');
    expect(clear.outcome.refined - clear.outcome.head!).toBeCloseTo((14 / 672) * (37 / 64), 6); // 0.0120
    expect(clear.outcome).toMatchObject({ kept: 'head', share: 1 / 16 });
    expect(clear.map).toEqual(priorHead(lateBy(14), exact(), 1 / 16));
  });

  it('heads: the prior where it deletes better than every head by more than HEADS_PRIOR_GAIN', async () => {
    expect(HEADS_PRIOR_GAIN).toBe(0.05);
    // A region of half the image (the left 56 columns, 6272 px), R the opposite order: at 1/4 the prior
    // has deleted half the region, the 1/8 head a quarter (its 1568 px, then R's order the rest).
    const inHalf = (i: number) => i % W < W / 2;
    const prior = Float32Array.from({ length: plane }, (_, i) => (inHalf(i) ? 1 : 0));
    const check = await deletionCheck(whiteTarget(new RegionClassifier(H, W, [0, 0, H, W / 2])), Float32Array.from(prior, (v) => 1 - v), prior, 'heads');
    expect(check.outcome.head! - check.outcome.prior!).toBeCloseTo((7 / 16) * (0.75 - 0.5), 6);
    expect(check.outcome).toMatchObject({ kept: 'prior', share: 1 / 8 });
    expect(check.map).toEqual(prior);
  });

  it('uniform: the prior where it deletes better along the whole curve by more than UNIFORM_PRIOR_GAIN, past the 1/4 heads stops at', async () => {
    expect(UNIFORM_FRACTIONS).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((k) => k / 16));
    expect(UNIFORM_PRIOR_GAIN).toBe(0.02);
    // The region is the left half (6272 px) and the prior its exact mask; R deletes the region first
    // too but for its last n pixels, which come after every other pixel. Up to 1/4 (3136 px) the two
    // delete the same region pixels: the early fractions cannot tell them apart.
    const half = 6272;
    const inHalf = (i: number) => i % W < W / 2;
    const prior = Float32Array.from({ length: plane }, (_, i) => (inHalf(i) ? 1 : 0));
    const late = (n: number) => {
      const map = Float32Array.from(prior);
      for (let i = plane - 1, moved = 0; moved < n; i--) if (inHalf(i)) (map[i] = -1), moved++;
      return map;
    };
    // R − prior at the fractions: after d = 784k deletions the prior leaves max(0, 6272 − d), R the
    // region it has not reached: its first 6272 − n, then after the other half its last n.
    const gap = (n: number) => {
      const w = checkWeights(UNIFORM_FRACTIONS);
      return UNIFORM_FRACTIONS.reduce((sum, f, k) => {
        const d = f * plane;
        const rLeft = half - Math.min(d, half - n) - Math.max(0, d - (plane - n));
        return sum + w[k] * (rLeft - Math.max(0, half - d)) / half;
      }, 0);
    };
    const target = whiteTarget(new RegionClassifier(H, W, [0, 0, H, W / 2]));
    // From 1/2 to 15/16 (8 fractions, weight 1/16 each) R leaves n/6272 more: gap = n/12544.
    const [near, far] = [196, 784];
    expect([gap(near), gap(far)]).toEqual([0.015625, 0.0625]);
    const heads = await deletionCheck(target, late(far), prior, 'heads');
    expect(heads.outcome.refined).toBe(heads.outcome.prior);
    expect(heads.outcome.kept).toBe('refined');
    const clear = await deletionCheck(target, late(far), prior, 'uniform');
    expect(clear.outcome.refined - clear.outcome.prior!).toBeCloseTo(gap(far), 6);
    expect(clear.outcome).toEqual({ kept: 'prior', refined: clear.outcome.refined, prior: clear.outcome.prior });
    expect(clear.map).toEqual(prior);
    const close = await deletionCheck(target, late(near), prior, 'uniform');
    expect(close.outcome.refined - close.outcome.prior!).toBeCloseTo(gap(near), 6);
    expect(close.outcome.kept).toBe('refined');
    expect(close.map).toEqual(late(near));
  });
});

describe('BOREx with the deletion check', () => {
  it('takes its 14 images out of the same budget: 2 per iteration with the flip, 1 + 1 per iteration without', async () => {
    const a = new RegionClassifier(H, W, REGION);
    const out = await borex(whiteTarget(a), wrongPrior(), { ...fast, check: 'prior' });
    expect(out.samples.length).toBe(20 - 7);
    expect(a.calls).toBe(40);
    expect(out.modelCalls).toBe(40);
    expect(out.check).toBeDefined();
    const b = new RegionClassifier(H, W, REGION);
    const noFlip = await borex(whiteTarget(b), wrongPrior(), { ...fast, flip: false, check: 'prior' });
    expect(noFlip.samples.length).toBe(20 - 14);
    expect(b.calls).toBe(21);
    // both: 17 images, 9 rounds with the flip (one image of the budget left unused), 17 without.
    const c = new RegionClassifier(H, W, REGION);
    const both = await borex(whiteTarget(c), wrongPrior(), { ...fast, check: 'both' });
    expect(both.samples.length).toBe(11);
    expect(c.calls).toBe(39);
    expect([checkIterations({ check: 'head', flip: true }), checkIterations({ check: 'both', flip: true }), checkIterations({ check: 'both', flip: false })]).toEqual([7, 9, 17]);
    // heads: 11 images, 6 rounds (one image of the budget left unused).
    const d = new RegionClassifier(H, W, REGION);
    const heads = await borex(whiteTarget(d), wrongPrior(), { ...fast, check: 'heads' });
    expect(heads.samples.length).toBe(14);
    expect(d.calls).toBe(39);
    expect(checkIterations({ check: 'heads', flip: true })).toBe(6);
    // uniform: 30 images, 15 rounds (the demo's 50 iterations: 35 rounds, 100 model calls).
    expect(checkIterations({ check: 'uniform', flip: true })).toBe(15);
    expect(checkIterations({ flip: true })).toBe(0);
    expect(checkIterations({ check: 'off', flip: true })).toBe(0);
  });

  it('returns the map it kept: the refinement of a wrong prior, or the exact prior over a worse refinement', async () => {
    // A wrong prior (a blob far from the region): 13 observations find the region; the check keeps them.
    const target = whiteTarget(new RegionClassifier(H, W, REGION));
    const refined = await borex(target, wrongPrior(), { ...fast, check: 'prior' });
    expect(refined.check!.kept).toBe('refined');
    expect(refined.check!.refined).toBeLessThan(refined.check!.prior!);
    const plain = await borex(target, wrongPrior(), { ...fast, iterations: 13 });
    expect(refined.map).toEqual(plain.map); // the same 13 observations: the check adds nothing to the map it keeps
    // The exact prior: no square aggregate deletes the region as soon as the exact mask does.
    const exactPrior = exact();
    const kept = await borex(target, exactPrior, { ...fast, check: 'prior' });
    expect(kept.check!.kept).toBe('prior');
    expect(kept.map).toEqual(exactPrior);
  });

  it('refuses what it cannot check, before any model call', async () => {
    expect(() => validateBorexParams({ ...fast, iterations: 7, check: 'head' })).toThrow(/needs more than 7 iterations, got 7/);
    expect(() => validateBorexParams({ ...fast, iterations: 14, flip: false, check: 'prior' })).toThrow(/needs more than 14 iterations/);
    expect(() => validateBorexParams({ ...fast, shapes: 'rects', check: 'both' })).toThrow(/square masks only/);
    expect(() => validateBorexParams({ ...fast, check: 'always' as 'head' })).toThrow(/the deletion check must be head, prior, both, heads, uniform, off, got always/);
    expect(() => validateBorexParams({ ...fast, iterations: 7, shapes: 'rects', check: 'off' })).not.toThrow();
    const model = new RegionClassifier(H, W, REGION);
    await expect(borex(whiteTarget(model), null, { ...fast, check: 'head' })).rejects.toThrow(/compares the refinement with its prior, and this run has none/);
    const clip = new TubeClassifier(4, 16, 16, { frames: [0, 4], rows: [4, 12], cols: [4, 12] });
    await expect(borex(whiteClipTarget(clip), new Float32Array(4 * 16 * 16), { ...fast, check: 'head' })).rejects.toThrow(/images only, not for clips/);
    expect(model.calls + clip.calls).toBe(0);
  });

  it('is the batch modifier +check (the head), +check-prior, +check-both, +check-heads or +check-uniform, in the normal order, on the config', () => {
    expect(parseMethodId('borex:rise+check+learned+pa').id).toBe('borex:rise+learned+pa+check');
    for (const pair of ['check+check-prior', 'check+check-both', 'check-both+check-prior']) expect(() => parseMethodId(`borex:rise+${pair}`)).toThrow(/two different deletion checks/);
    expect(resolveMethods('borex:rise+check-prior', { preset: 'paper', seed: 0 })[1].config.borex).toMatchObject({ check: 'prior' });
    expect(resolveMethods('borex:rise+check-both', { preset: 'paper', seed: 0 })[1].config.borex).toMatchObject({ check: 'both' });
    expect(resolveMethods('borex:rise+check-heads', { preset: 'paper', seed: 0 })[1].config.borex).toMatchObject({ check: 'heads' });
    expect(() => parseMethodId('borex:rise+check+check-heads')).toThrow(/two different deletion checks/);
    expect(resolveMethods('borex:rise+check-uniform', { preset: 'paper', seed: 0 })[1].config.borex).toMatchObject({ check: 'uniform' });
    expect(parseMethodId('borex:rise+check-uniform+learned').id).toBe('borex:rise+learned+check-uniform');
    expect(() => parseMethodId('borex:rise+check-uniform+no-check')).toThrow(/two different deletion checks/);
    expect(parseMethodId('borex:rise+q4+check').id).toBe('borex:rise+check+q4');
    const [prior, m] = resolveMethods('borex:rise+learned+pa+check', { preset: 'paper', seed: 0 });
    expect(prior.id).toBe('rise');
    expect(m.config.borex).toMatchObject({ check: 'head', priorWeight: 'learned', composition: 'prior-after', iterations: 50 });
  });
});

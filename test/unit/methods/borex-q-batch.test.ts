import { describe, expect, it } from 'vitest';
import { BO_DEFAULTS, BOREX_DEFAULTS, borex } from '../../../src/engine/methods/borex.ts';
import { parseMethodId, resolveMethods } from '../../../src/engine/jobs/batch-methods.ts';
import { insertionDeletion } from '../../../src/engine/metrics/insertion-deletion.ts';
import { argmax, RegionClassifier, whiteTarget } from '../../helpers/synthetic.ts';
import { fast, H, REGION, W, wrongPrior } from './borex-scene.ts';
import { TubeClassifier, whiteClipTarget, type Tube } from '../../helpers/synthetic-clip.ts';

// Issue 15 item 4: q query points per GP round (kriging believer), 2q images per model call.

/** Counts the images of every model call. */
class CountingClassifier extends RegionClassifier {
  readonly batches: number[] = [];
  override async classify(images: Float32Array, count: number): Promise<Float32Array> {
    this.batches.push(count);
    return super.classify(images, count);
  }
}

/**
 * (row, col, halfSize, y, residual) of the first 8 samples at seed 3 from the wrong prior, written
 * by the code before the q-batch option existed (commit c224998, the same call).
 */
const BEFORE = [
    [85, 25, 15, -0.9999092042625951, -3.0152113855064915],
    [85, 25, 38, -0.9999064615280411, -3.0152086427719373],
    [98, 25, 38, -0.9999092042625951, -1.8655970514000462],
    [0, 111, 38, -0.897328404093461, -0.897328404093461],
    [111, 111, 15, -0.9999092042625951, -0.9999092042625951],
    [0, 0, 38, -0.9999092042625951, -0.9999092042625951],
    [17, 57, 15, -0.9990184632445618, -0.9990184632456579],
    [59, 111, 38, 0.7899988619673198, 0.7899988619673198],
];

describe('BOREx q-batch acquisition (qBatch)', () => {
  it('q = 1 (and qBatch absent) takes exactly the samples of the code before the option', async () => {
    for (const qBatch of [undefined, 1]) {
      const out = await borex(whiteTarget(new RegionClassifier(H, W, REGION)), wrongPrior(), { ...fast, iterations: 8, seed: 3, ...(qBatch ? { qBatch } : {}) });
      expect(out.samples.map((s) => [s.row, s.col, s.halfSize, s.y, s.residual])).toEqual(BEFORE);
      expect(out.lengthScale).toEqual([20, 20, 20]);
      expect(out.map[5000]).toBe(-0.03758249431848526);
    }
  });

  it('makes iterations/q model calls of 2q images each (the last round the remainder), the same total', async () => {
    const a = new CountingClassifier(H, W, REGION);
    const out = await borex(whiteTarget(a), wrongPrior(), { ...fast, iterations: 12, qBatch: 4 });
    expect(a.batches).toEqual([8, 8, 8]);
    expect(out.modelCalls).toBe(24);
    expect(out.samples).toHaveLength(12);
    const b = new CountingClassifier(H, W, REGION);
    await borex(whiteTarget(b), wrongPrior(), { ...fast, iterations: 10, qBatch: 4 });
    expect(b.batches).toEqual([8, 8, 4]);
    const one = new CountingClassifier(H, W, REGION);
    await borex(whiteTarget(one), wrongPrior(), { ...fast, iterations: 10 });
    expect(one.batches).toEqual(new Array(10).fill(2));
    // No flip (BO): the unmasked image once, then q hidden images per call.
    const c = new CountingClassifier(H, W, REGION);
    const bo = await borex(whiteTarget(c), null, { ...BO_DEFAULTS, iterations: 8, seed: 0, qBatch: 4 });
    expect(c.batches).toEqual([1, 4, 4]);
    expect(bo.samples).toHaveLength(8);
  });

  it('observations of a batch are those of their own boxes (y = tanh(g·(2f − 1)/2), f the visible fraction of the region)', async () => {
    for (const flip of [true, false]) {
      const model = new CountingClassifier(H, W, REGION);
      const out = await borex(whiteTarget(model), null, { ...fast, iterations: 8, qBatch: 4, flip });
      expect(model.batches).toEqual(flip ? [8, 8] : [1, 4, 4]);
      for (const s of out.samples) {
        let inside = 0;
        for (let r = REGION[0]; r < REGION[2]; r++) {
          for (let c = REGION[1]; c < REGION[3]; c++) if (r >= s.row - s.halfSize && r < s.row + s.halfSize && c >= s.col - s.halfSize && c < s.col + s.halfSize) inside++;
        }
        const f = inside / ((REGION[2] - REGION[0]) * (REGION[3] - REGION[1]));
        expect(s.y).toBeCloseTo(Math.tanh((10 * (flip ? f - (1 - f) : f)) / 2), 6);
      }
    }
  });

  it('a round queries q different boxes (the believer shrinks σ where it has chosen)', async () => {
    const model = new CountingClassifier(H, W, REGION);
    const out = await borex(whiteTarget(model), null, { ...fast, iterations: 16, qBatch: 8 });
    expect(model.batches).toEqual([16, 16]);
    for (const round of [out.samples.slice(0, 8), out.samples.slice(8)]) {
      expect(new Set(round.map((s) => `${s.row},${s.col},${s.halfSize}`)).size).toBe(8);
    }
  });

  it('still finds the known evidence square with q = 4: from no prior, and from a wrong prior (insertion beats it)', async () => {
    const model = new CountingClassifier(H, W, REGION);
    const none = await borex(whiteTarget(model), null, { ...fast, qBatch: 4 });
    expect(model.inRegion(argmax(none.map))).toBe(true);
    expect(model.batches).toEqual(new Array(5).fill(8));
    const wrong = await borex(whiteTarget(model), wrongPrior(), { ...fast, iterations: 32, qBatch: 4 });
    expect(model.inRegion(argmax(wrong.map))).toBe(true);
    expect(model.batches).toEqual(new Array(13).fill(8));
    const options = { step: W, insertionStart: 'baseline' as const };
    const refined = await insertionDeletion(whiteTarget(model), wrong.map, options);
    const before = await insertionDeletion(whiteTarget(model), wrongPrior(), options);
    expect(refined.insertion.auc).toBeGreaterThan(before.insertion.auc + 0.2);
  });

  it('reports progress and sampleValues per observation, not per round', async () => {
    const done: number[] = [];
    const values: number[] = [];
    const model = new CountingClassifier(H, W, REGION);
    await borex(whiteTarget(model), null, { ...fast, iterations: 12, qBatch: 4, previewEvery: 3 }, {
      onProgress: (e) => {
        done.push(e.done);
        const v = (e as { sampleValues?: number[] }).sampleValues;
        if (v) values.push(v.length);
      },
    });
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].slice(1));
    expect(values).toEqual([3, 6, 9]);
    expect(model.batches).toEqual([8, 8, 8]);
  });

  it('is deterministic per seed, and refuses a q out of 1..64 as a usage error', async () => {
    const a = await borex(whiteTarget(new RegionClassifier(H, W, REGION)), wrongPrior(), { ...fast, iterations: 8, qBatch: 4 });
    const b = await borex(whiteTarget(new RegionClassifier(H, W, REGION)), wrongPrior(), { ...fast, iterations: 8, qBatch: 4 });
    expect(Array.from(b.map)).toEqual(Array.from(a.map));
    for (const qBatch of [0, 65, 2.5]) {
      await expect(borex(whiteTarget(new RegionClassifier(H, W, REGION)), null, { ...fast, qBatch })).rejects.toThrow(/q-batch size must be an integer from 1 to 64/);
    }
  });

  it('batch ids: +qN sets qBatch and comes last in the normalised id', () => {
    expect(parseMethodId('borex:rise+q4')).toMatchObject({ id: 'borex:rise+q4', qBatch: 4 });
    expect(parseMethodId('borex:rise+q8+learned').id).toBe('borex:rise+learned+q8');
    const [, m] = resolveMethods('borex:rise+q4', { preset: 'paper', seed: 0 });
    expect(m.config.borex?.qBatch).toBe(4);
    const [, plain] = resolveMethods('borex:rise', { preset: 'paper', seed: 0 });
    expect(plain.config.borex && 'qBatch' in plain.config.borex).toBe(false);
    expect(() => parseMethodId('borex:rise+q1')).toThrow(/from 2 to 64/);
    expect(() => parseMethodId('borex:rise+q4+q8')).toThrow(/more than one \+qN/);
  });
});

describe('BOREx-3D (clips) with q-batch acquisition', () => {
  const T = 16;
  const CH = 64;
  const CW = 64;
  const TUBE: Tube = { frames: [4, 10], rows: [8, 24], cols: [36, 52] };
  class CountingTube extends TubeClassifier {
    readonly batches: number[] = [];
    override async classify(images: Float32Array, count: number): Promise<Float32Array> {
      this.batches.push(count);
      return super.classify(images, count);
    }
  }
  const distractor = () => {
    const p = new Float32Array(T * CH * CW);
    for (let f = 0; f < T; f++) for (let r = 0; r < CH; r++) for (let c = 0; c < CW; c++) p[(f * CH + r) * CW + c] = Math.exp(-((r - 48) ** 2 + (c - 16) ** 2) / 60 - (f - 12) ** 2 / 8);
    return p;
  };
  const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

  it('boxes (row, col, n, s, t) in rounds of 4: 2q images per call, each observation its own box, insertion beats the distractor prior', async () => {
    const model = new CountingTube(T, CH, CW, TUBE);
    const target = whiteClipTarget(model);
    const out = await borex(target, distractor(), { ...BOREX_DEFAULTS, iterations: 24, seed: 0, qBatch: 4 });
    expect(model.batches).toEqual(new Array(6).fill(8));
    for (const s of out.samples) {
      const ft = overlap(s.frame!, Math.min(T, s.frame! + s.frames!), ...TUBE.frames);
      const fr = overlap(Math.max(0, s.row - s.halfSize), Math.min(CH, s.row + s.halfSize), ...TUBE.rows);
      const fc = overlap(Math.max(0, s.col - s.halfSize), Math.min(CW, s.col + s.halfSize), ...TUBE.cols);
      const f = (ft * fr * fc) / (6 * 16 * 16);
      expect(s.y).toBeCloseTo(Math.tanh((10 * (f - (1 - f))) / 2), 5);
    }
    const options = { insertionStart: 'baseline' as const };
    const a = await insertionDeletion(target, distractor(), options);
    const b = await insertionDeletion(target, out.map, options);
    expect(b.insertion.auc).toBeGreaterThan(a.insertion.auc + 0.3);
  });
});

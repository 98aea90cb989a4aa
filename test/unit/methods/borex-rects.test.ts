import { describe, expect, it } from 'vitest';
import { aggregateMap } from '../../../src/engine/methods/borex-aggregate.ts';
import { BOREX_DEFAULTS, borex, type BorexParams } from '../../../src/engine/methods/borex.ts';
import { rectAggregate, rectCandidates, rectHalfSides } from '../../../src/engine/methods/borex-rects.ts';
import { methodConfig } from '../../../src/engine/methods/config.ts';
import { resolveMethods } from '../../../src/engine/jobs/batch-methods.ts';
import { centredBox, fillBoxPair } from '../../../src/engine/masks/box.ts';
import { boxesToMask, localisationScores } from '../../../src/engine/metrics/localisation.ts';
import type { ProgressEvent } from '../../../src/engine/progress.ts';
import { RegionClassifier, whiteTarget } from '../../helpers/synthetic.ts';

const H = 112;
const W = 112;
const fast: BorexParams = { ...BOREX_DEFAULTS, candidateStride: 1, iterations: 20, seed: 0 };
const rects: BorexParams = { ...fast, shapes: 'rects' };

describe('rectangle geometry', () => {
  it('keeps the square of half-width s at aspect 1 and its area at other aspects', () => {
    expect(rectHalfSides(30, 1)).toEqual([30, 30]);
    expect(rectHalfSides(30, 0.5)).toEqual([21, 42]); // 30/√2 = 21.2, 30·√2 = 42.4
    expect(rectHalfSides(30, 2)).toEqual([42, 21]);
    expect(rectHalfSides(15, 0.5)).toEqual([11, 21]);
    expect(rectHalfSides(1, 0.01)).toEqual([1, 10]); // never below 1 pixel
  });

  it('fills a rectangle mask exactly, clipped at the borders', () => {
    const dims = [3, 20, 30];
    const size = 3 * 20 * 30;
    const x = new Float32Array(size).fill(1);
    const b = new Float32Array(size);
    const out = new Float32Array(2 * size);
    const count = (from: number) => out.subarray(from, from + size).reduce((a, v) => a + v, 0);
    // Inside: [10−4, 10+4) × [15−7, 15+7) = 8 × 14 pixels per channel.
    fillBoxPair(x, b, dims, centredBox([20, 30], [10, 15], [4, 7]), out);
    expect(count(0)).toBe(3 * 8 * 14);
    expect(count(size)).toBe(size - 3 * 8 * 14);
    expect(out[(0 * 20 + 6) * 30 + 8]).toBe(1); // first row and column inside
    expect(out[(0 * 20 + 5) * 30 + 8]).toBe(0);
    expect(out[(0 * 20 + 13) * 30 + 21]).toBe(1); // last ones inside
    expect(out[(0 * 20 + 14) * 30 + 21]).toBe(0);
    expect(out[(0 * 20 + 13) * 30 + 22]).toBe(0);
    // At the bottom-right corner: rows [2−5 → 0, 7), cols [28−4, 28+4 → 30): 7 × 6.
    fillBoxPair(x, b, dims, centredBox([20, 30], [2, 28], [5, 4]), out);
    expect(count(0)).toBe(3 * 7 * 6);
    // A wide, thin one over the whole width: rows [9, 11) × every column.
    fillBoxPair(x, b, dims, centredBox([20, 30], [10, 15], [1, 40]), out);
    expect(count(0)).toBe(3 * 2 * 30);
  });

  it('lists centres × sizes × aspects, aspect fastest, in the squares\' centre order', () => {
    const c = rectCandidates(6, 8, [2, 3], [0.5, 1, 2], { stride: 2 });
    expect(c.count).toBe(3 * 4 * 2 * 3);
    expect(c.points.length).toBe(c.count * 4);
    const point = (i: number) => Array.from(c.points.subarray(i * 4, i * 4 + 4));
    expect(point(0)).toEqual([0, 0, 2, Math.log(0.5)]);
    expect(point(1)).toEqual([0, 0, 2, 0]);
    expect(point(2)).toEqual([0, 0, 2, Math.log(2)]);
    expect(point(3)).toEqual([0, 0, 3, Math.log(0.5)]);
    // Column-major (the public code's order): the second centre is the next row.
    expect(point(6)).toEqual([2, 0, 2, Math.log(0.5)]);
    expect(Array.from(c.pixel.subarray(0, 4))).toEqual([0, 16, 32, 2]);
    const r = rectCandidates(6, 8, [2, 3], [0.5, 1, 2], { order: 'row-major', unit: 2, unitW: 4 });
    expect(r.count).toBe(48 * 6);
    expect(Array.from(r.points.subarray(6 * 4, 6 * 4 + 4))).toEqual([0, 4, 4, Math.log(0.5)]);
    expect(r.pixel[1]).toBe(1);
  });

  it('aggregates by coverage over each rectangle\'s window (brute force), by area and by mean', () => {
    const h = 5;
    const w = 7;
    const halves: [number, number][] = [
      [1, 2],
      [2, 1],
    ];
    const L = halves.length;
    const totals = Float64Array.from({ length: h * w * L }, (_, i) => Math.sin(i * 1.7) + (i % 3));
    const coverage = rectAggregate(totals, h, w, halves, 'coverage');
    const area = rectAggregate(totals, h, w, halves, 'area');
    const mean = rectAggregate(totals, h, w, halves, 'mean');
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let cov = 0;
        let ar = 0;
        let mn = 0;
        halves.forEach(([hh, hw], l) => {
          let sum = 0;
          let n = 0;
          for (let yy = Math.max(0, y - hh); yy <= Math.min(h - 1, y + hh); yy++) {
            for (let xx = Math.max(0, x - hw); xx <= Math.min(w - 1, x + hw); xx++) {
              sum += totals[(yy * w + xx) * L + l];
              n++;
            }
          }
          cov += sum / n;
          ar += totals[(y * w + x) * L + l] / (4 * hh * hw);
          mn += totals[(y * w + x) * L + l];
        });
        expect(coverage[y * w + x]).toBeCloseTo(cov / L, 6);
        expect(area[y * w + x]).toBeCloseTo(ar / L, 6);
        expect(mean[y * w + x]).toBeCloseTo(mn / L, 6);
      }
    }
    // Square layers (h = w = s) give the squares' aggregate bit for bit.
    const squares = rectAggregate(totals, h, w, [[1, 1], [2, 2]], 'coverage');
    expect(Array.from(squares)).toEqual(Array.from(aggregateMap(totals, h, w, [1, 2], 'coverage')));
  });
});

describe('BOREx with rectangle masks', () => {
  const REGION: [number, number, number, number] = [24, 62, 48, 90];

  it('fits a GP over 4 dims (row, col, s, ln aspect) with the aspect\'s own length scale in [0.1, 5]', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const square = await borex(whiteTarget(model), null, { ...fast, iterations: 8 });
    const out = await borex(whiteTarget(model), null, { ...rects, iterations: 8 });
    expect(square.lengthScale).toHaveLength(3);
    expect(out.lengthScale).toHaveLength(4);
    expect(out.lengthScale[3]).toBeGreaterThanOrEqual(0.1);
    expect(out.lengthScale[3]).toBeLessThanOrEqual(5);
    expect(out.modelCalls).toBe(16);
    expect(out.map.every(Number.isFinite)).toBe(true);
  });

  it('observes each rectangle exactly: y = tanh(g·(f − (1 − f))/2) with f the region share inside it', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const out = await borex(whiteTarget(model), null, { ...rects, iterations: 12 });
    expect(out.samples[0]).toMatchObject({ row: 0, col: 0, halfSize: 15, aspect: 1, halfHeight: 15, halfWidth: 15 }); // zero prior: its argmax is pixel 0
    const seen = new Set<number>();
    for (const s of out.samples) {
      const [hh, hw] = rectHalfSides(s.halfSize, s.aspect!);
      expect([s.halfHeight, s.halfWidth]).toEqual([hh, hw]);
      seen.add(s.aspect!);
      let inside = 0;
      for (let r = REGION[0]; r < REGION[2]; r++) {
        for (let c = REGION[1]; c < REGION[3]; c++) if (r >= s.row - hh && r < s.row + hh && c >= s.col - hw && c < s.col + hw) inside++;
      }
      const f = inside / ((REGION[2] - REGION[0]) * (REGION[3] - REGION[1]));
      expect(s.y).toBeCloseTo(Math.tanh((10 * (f - (1 - f))) / 2), 6);
    }
    expect(seen.size).toBeGreaterThan(1); // it does query other aspects than 1
  });

  it('finds a wide, thin evidence band with a higher F than squares in the same budget (mean aggregate)', async () => {
    // A 56×56 image whose evidence is an 8 × 48 band (rows 24–31, columns 4–51); F_rp of each map
    // against that band, 30 queries each, no prior. With the `mean` aggregate (the map is μ at the
    // pixel itself) rectangles win on every seed. With `coverage` they do not (squares F 0.225,
    // 0.186, 0.206, 0.187 vs rectangles 0.196, 0.147, 0.174, 0.113 on seeds 0–3): its mean over every
    // rectangle covering a pixel includes the tall ones (aspect 2), which smear the band vertically.
    const [h, w] = [56, 56];
    const band: [number, number, number, number] = [24, 4, 32, 52];
    const region = boxesToMask([[band[1], band[0], band[3], band[2]]], h, w);
    const f = async (params: BorexParams) => localisationScores((await borex(whiteTarget(new RegionClassifier(h, w, band)), null, params)).map, region, w).fRp;
    const budget = { iterations: 30, aggregate: 'mean' as const };
    const diffs = [];
    for (const seed of [0, 1, 2, 3]) diffs.push((await f({ ...rects, ...budget, seed })) - (await f({ ...fast, ...budget, seed })));
    for (const d of diffs) expect(d).toBeGreaterThan(0);
    expect(diffs.reduce((a, d) => a + d, 0) / diffs.length).toBeGreaterThan(0.025);
  }, 300_000);

  it('sends each sample\'s half-height and half-width with the live squares (rects only)', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const events: ProgressEvent[] = [];
    const squareEvents: ProgressEvent[] = [];
    await borex(whiteTarget(model), null, { ...rects, iterations: 6 }, { onProgress: (e) => events.push(e) });
    await borex(whiteTarget(model), null, { ...fast, iterations: 6 }, { onProgress: (e) => squareEvents.push(e) });
    const live = events.find((e) => e.samples)!;
    expect(live.samples).toHaveLength(5 * 3);
    expect(live.sampleShapes).toHaveLength(5 * 2);
    expect(live.sampleShapes!.slice(0, 2)).toEqual([15, 15]);
    expect(squareEvents.some((e) => 'sampleShapes' in e)).toBe(false);
  });

  it('works with a learned prior weight (one offset per size and aspect)', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const prior = Float32Array.from({ length: H * W }, (_, i) => Math.exp(-((Math.floor(i / W) - 36) ** 2 + ((i % W) - 76) ** 2) / 300));
    const out = await borex(whiteTarget(model), prior, { ...rects, iterations: 6, priorWeight: 'learned' });
    expect(out.priorOffsets).toHaveLength(4 * 3);
    expect(out.priorWeight).toBeGreaterThanOrEqual(0);
    expect(out.map.every(Number.isFinite)).toBe(true);
  });

  it('squares stay the default: shapes squares is the same run as no shapes', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const a = await borex(whiteTarget(model), null, { ...fast, iterations: 5 });
    const b = await borex(whiteTarget(model), null, { ...fast, iterations: 5, shapes: 'squares' });
    expect(Array.from(b.map)).toEqual(Array.from(a.map));
    expect(a.samples[1]).not.toHaveProperty('aspect');
  });

  it('refuses clips, bad shapes and bad aspects with clear errors', async () => {
    const model = new RegionClassifier(H, W, REGION);
    const clip = { ...whiteTarget(model), dims: [3, 2, H, W], x: new Float32Array(3 * 2 * H * W).fill(1), baseline: new Float32Array(3 * 2 * H * W) };
    await expect(borex(clip, null, rects)).rejects.toThrow('rectangle masks (shapes rects) are implemented for images only');
    await expect(borex(whiteTarget(model), null, { ...fast, shapes: 'circles' as 'rects' })).rejects.toThrow('the mask shapes must be squares or rects, got circles');
    await expect(borex(whiteTarget(model), null, { ...rects, aspects: [1, -2] })).rejects.toThrow('aspects (height/width) must be positive numbers, got 1, -2');
    await expect(borex(whiteTarget(model), null, { ...rects, aspects: [2, 2] })).rejects.toThrow('repeat a value');
  });
});

describe('the rects option in configs and batch ids', () => {
  it('borex:rise+rects records shapes rects and the default aspects; plain configs have neither key', () => {
    const [, , r] = resolveMethods('rise,borex:rise,borex:rise+rects', { preset: 'paper', seed: 0 });
    expect(r.id).toBe('borex:rise+rects');
    expect(r.config.borex).toMatchObject({ shapes: 'rects', aspects: [0.5, 1, 2] });
    const plain = methodConfig({ method: 'borex', preset: 'paper' });
    expect(plain.borex).not.toHaveProperty('shapes');
    expect(plain.borex).not.toHaveProperty('aspects');
    expect(resolveMethods('borex:rise+rects+learned', { preset: 'paper', seed: 0 }).at(-1)!.id).toBe('borex:rise+learned+rects');
    const custom = methodConfig({ method: 'borex', preset: 'paper', borex: { shapes: 'rects', aspects: [0.25, 1, 4] } });
    expect(custom.borex!.aspects).toEqual([0.25, 1, 4]);
  });
});

/** The curves' words, y range and the image at a step (src/renderer/src/lib/curve-view.ts). */
import { describe, expect, it } from 'vitest';
import { curveStep, curveTooltip, curveYRange, imageAtStep, pixelsAt, rankOrder } from '../../../src/renderer/src/lib/curve-view.ts';

describe('curve tooltips and axes', () => {
  it('says the share moved and the probability in words', () => {
    expect(curveTooltip('insertion', 0.23, 0.4123)).toBe('23% of pixels inserted: p = 0.41');
    expect(curveTooltip('deletion', 0.004464, 0.9)).toBe('0.4% of pixels deleted: p = 0.90');
    expect(curveTooltip('deletion', 0, 0.13)).toBe('0% of pixels deleted: p = 0.13');
    expect(curveTooltip('insertion', 0.5, 0.8, 'voxels')).toBe('50% of voxels inserted: p = 0.80');
  });

  it('fits y to the data: a class at p = 0.13 is not a flat line; 0–1 on request', () => {
    const [lo, hi] = curveYRange([[0.13, 0.1, 0.02], [0.13, 0.05, 0.01]], false);
    expect(lo).toBeCloseTo(0.01 - 0.006, 10);
    expect(hi).toBeCloseTo(0.13 + 0.006, 10);
    expect(curveYRange([[0.13, 0.1]], true)).toEqual([0, 1.02]);
    // A flat curve gets a 0.02-wide window about its value, never below 0.
    expect(curveYRange([[0.5, 0.5]], false).map((v) => +v.toFixed(6))).toEqual([0.489, 0.511]);
    expect(curveYRange([[0, 0]], false)[0]).toBe(0);
  });

  it('counts pixels per step as the engine does (step = width, last point all)', () => {
    // 224×224: 225 points, 224 pixels per step.
    expect(curveStep(225, 224 * 224)).toBe(224);
    expect(pixelsAt(3, 225, 224 * 224)).toBe(672);
    expect(pixelsAt(224, 225, 224 * 224)).toBe(224 * 224);
    // 3×3 map, step 3: 4 points.
    expect([0, 1, 2, 3].map((i) => pixelsAt(i, 4, 9))).toEqual([0, 3, 6, 9]);
  });
});

describe('the image at a step', () => {
  it('ranks by the map, descending, ties by index', () => {
    expect(Array.from(rankOrder(new Float32Array([0.1, 0.5, 0.5, -1, 0.9])))).toEqual([4, 1, 2, 0, 3]);
  });

  it('replaces exactly the top-k pixels of a tiny known map', () => {
    // 2×2 map: pixel 3 highest, then 0 and 2 tied (0 first by index), then 1.
    const map = new Float32Array([0.5, 0.1, 0.5, 0.9]);
    const photo = new Uint8ClampedArray([10, 10, 10, 255, 20, 20, 20, 255, 30, 30, 30, 255, 40, 40, 40, 255]);
    const grey = new Uint8ClampedArray(16).fill(124);
    const order = rankOrder(map);
    const two = imageAtStep(photo, grey, order, 2);
    expect(Array.from(two)).toEqual([124, 124, 124, 124, 20, 20, 20, 255, 30, 30, 30, 255, 124, 124, 124, 124]);
    expect(Array.from(imageAtStep(photo, grey, order, 0))).toEqual(Array.from(photo));
    // More than the plane: all replaced; the input is left as it was.
    expect(Array.from(imageAtStep(photo, grey, order, 99))).toEqual(Array.from(grey));
    expect(photo[0]).toBe(10);
    expect(() => imageAtStep(photo, grey.subarray(0, 8), order, 1)).toThrow(/imageAtStep/);
  });
});

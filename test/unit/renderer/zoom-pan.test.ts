import { describe, expect, it } from 'vitest';
import { pannedTo, zoomedAt } from '../../../src/renderer/src/lib/zoom-pan.ts';

describe('panel zoom and pan (MapCanvas and the video FrameCanvas alike)', () => {
  it('zooms about the pointer, between 1× and 16×', () => {
    const z = zoomedAt({ zoom: 1, x: 0, y: 0 }, 100, 50, -Math.log(2) / 0.0015);
    expect(z.zoom).toBeCloseTo(2, 12);
    // The canvas point under the pointer stays where it was: (100 − x) / zoom is unchanged.
    expect((100 - z.x) / z.zoom).toBeCloseTo(100, 12);
    expect((50 - z.y) / z.zoom).toBeCloseTo(50, 12);
    expect(zoomedAt({ zoom: 1, x: 0, y: 0 }, 10, 10, 500)).toEqual({ zoom: 1, x: 0, y: 0 });
    expect(zoomedAt({ zoom: 15, x: 0, y: 0 }, 0, 0, -5000).zoom).toBe(16);
  });

  it('pans by the drag since it started, keeping the zoom', () => {
    expect(pannedTo({ zoom: 3, x: 9, y: 9 }, { x: 10, y: 20, vx: 5, vy: 6 }, 14, 17)).toEqual({ zoom: 3, x: 9, y: 3 });
  });
});

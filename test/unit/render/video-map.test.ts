/** Pure parts of the annotated export: clip-global scale, nearest sampled frame, the map carried back through the inverse geometry. */
import { describe, expect, it } from 'vitest';
import { mapToPhoto, type InputGeometry } from '../../../src/engine/image/preprocess.ts';
import { DIM_ENTRY, HATCH_ENTRY } from '../../../src/engine/render/blend.ts';
import { clipRange, levelOf, nearestSampled, timelineX, VideoMapResampler } from '../../../src/engine/render/video-map.ts';

const stretch = (pw: number, ph: number, w: number, h: number): InputGeometry => ({ photoWidth: pw, photoHeight: ph, resizedWidth: w, resizedHeight: h, cropLeft: 0, cropTop: 0, width: w, height: h });

describe('clip-global normalisation', () => {
  it('two frames with different ranges share one scale: frame 1 (max 0.5) never reaches the top colour', () => {
    const plane = 4 * 4;
    const sal = new Float32Array(2 * plane);
    for (let i = 0; i < plane; i++) {
      sal[i] = i / (plane - 1); // frame 0: 0..1
      sal[plane + i] = (0.5 * i) / (plane - 1); // frame 1: 0..0.5
    }
    const [lo, hi] = clipRange(sal, false);
    expect([lo, hi]).toEqual([0, 1]);
    const r = new VideoMapResampler(stretch(4, 4, 4, 4));
    const f0 = r.entries(sal.subarray(0, plane), lo, hi, new Uint16Array(plane));
    const f1 = r.entries(sal.subarray(plane), lo, hi, new Uint16Array(plane));
    expect(Math.max(...f0)).toBe(255);
    expect(Math.max(...f1)).toBe(128); // round(0.5·255): the same value gets the same colour in both frames
    expect(f1[15]).toBe(levelOf(0.5, 0, 1));
    // A per-frame scale would have stretched frame 1 to 255: that is what must not happen.
    expect(Array.from(f1)).not.toEqual(Array.from(f0));
  });

  it('signed maps are symmetric about 0 when asked; a flat map gets a unit range', () => {
    expect(clipRange(Float32Array.from([-2, 0.5, 1]), true)).toEqual([-2, 2]);
    expect(clipRange(Float32Array.from([-2, 0.5, 1]), false)).toEqual([-2, 1]);
    expect(clipRange(Float32Array.from([3, 3]), false)).toEqual([3, 4]);
    expect(levelOf(0, -2, 2)).toBe(128);
    expect([levelOf(-5, 0, 1), levelOf(5, 0, 1)]).toEqual([0, 255]);
  });
});

describe('nearest sampled frame', () => {
  it('constant rate: each frame shows the sampled frame nearest in time, ties to the earlier', () => {
    const pts = Float64Array.from({ length: 10 }, (_, k) => k * 0.04);
    expect(Array.from(nearestSampled(pts, [1, 5, 8]))).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(Array.from(nearestSampled(pts, [4]))).toEqual(new Array(10).fill(0));
  });

  it('variable rate: decided by presentation time, not by index', () => {
    // Frames 0–2 close together, then a long gap: frame 3 (t = 0.5) is nearer frame 4 (t = 0.55) than frame 2 (t = 0.1).
    const pts = Float64Array.from([0, 0.05, 0.1, 0.5, 0.55, 0.6]);
    expect(Array.from(nearestSampled(pts, [2, 4]))).toEqual([0, 0, 0, 1, 1, 1]);
    const byIndex = [0, 0, 0, 0, 1, 1]; // what index distance would say for frame 3 (a tie → earlier)
    expect(Array.from(nearestSampled(pts, [2, 4]))).not.toEqual(byIndex);
  });

  it('timeline columns run from 0 to width − 1', () => {
    expect([timelineX(0, 300, 340), timelineX(299, 300, 340), timelineX(150, 301, 341)]).toEqual([0, 339, 170]);
    expect(timelineX(0, 1, 100)).toBe(0);
  });
});

describe('resampling through the inverse geometry', () => {
  // torchvision Resize(256) + CenterCrop(224) on a 340×256 frame: 58 columns each side unseen.
  const crop: InputGeometry = { photoWidth: 340, photoHeight: 256, resizedWidth: 340, resizedHeight: 256, cropLeft: 58, cropTop: 16, width: 224, height: 224 };
  const upscale: InputGeometry = { photoWidth: 100, photoHeight: 60, resizedWidth: 75, resizedHeight: 45, cropLeft: 5, cropTop: 3, width: 64, height: 40 };

  it.each([['centre crop', crop], ['scaled and cropped', upscale], ['stretch', stretch(90, 50, 16, 16)]] as const)(
    '%s: the same values as the image overlay (mapToPhoto), hatched and dimmed where not seen',
    (_name, g) => {
      const map = new Float32Array(g.width * g.height);
      for (let i = 0; i < map.length; i++) map[i] = Math.sin(i * 0.37) * Math.cos(i * 0.011);
      const [lo, hi] = clipRange(map, false);
      const { values, seen } = mapToPhoto(map, g);
      const r = new VideoMapResampler(g);
      const e = r.entries(map, lo, hi, new Uint16Array(g.photoWidth * g.photoHeight));
      const rect = r.seenRect;
      let mismatches = 0;
      let unseen = 0;
      for (let y = 0; y < g.photoHeight; y++) {
        for (let x = 0; x < g.photoWidth; x++) {
          const i = y * g.photoWidth + x;
          const want = seen[i] ? levelOf(values[i], lo, hi) : (x + y) % 12 < 2 ? HATCH_ENTRY : DIM_ENTRY;
          if (e[i] !== want) mismatches++;
          if (!seen[i]) unseen++;
          const inRect = x >= rect.x0 && x < rect.x1 && y >= rect.y0 && y < rect.y1;
          if (inRect !== (seen[i] === 1)) mismatches++;
        }
      }
      expect(mismatches).toBe(0);
      expect(r.hasUnseen).toBe(unseen > 0);
    },
  );

  it('centre crop: columns 0–57, 282–339 and rows 0–15, 240–255 are outside the model window', () => {
    expect(new VideoMapResampler(crop).seenRect).toEqual({ x0: 58, x1: 282, y0: 16, y1: 240 });
  });
});

/** Which map each video frame shows (clip-maps.ts), the tracks (tracks.ts) and BOREx-3D's boxes (boxes.ts). */
import { describe, expect, it } from 'vitest';
import { boxesOnSlot, boxOnFrame, clipBoxes } from '../../../../src/renderer/src/lib/video/boxes.ts';
import { frameMaps, mapSlice, sampledFrames, videoRange } from '../../../../src/renderer/src/lib/video/clip-maps.ts';
import { frameTimes } from '../../../../src/renderer/src/lib/video/frames.ts';
import { peakFrame, trackLines, trackRange, uncoveredSpans } from '../../../../src/renderer/src/lib/video/tracks.ts';
import { nearestSampled } from '../../../../src/engine/render/video-map.ts';

const times = (n: number) => frameTimes(Array.from({ length: n }, (_, k) => k / 25), n / 25);

describe('frameMaps', () => {
  it('one uniform clip: every frame shows its nearest sampled frame, as the export does', () => {
    const t = times(20);
    const frames = [0, 6, 13, 19];
    const fm = frameMaps(t, [{ frames }], true);
    const engine = nearestSampled(Float64Array.from(t.starts), frames);
    expect(fm.map((m) => m!.slot)).toEqual(Array.from(engine));
    expect(fm.map((m) => m!.sampled)).toEqual(Array.from({ length: 20 }, (_, k) => frames.includes(k)));
    expect(fm[3]).toEqual({ clip: 0, slot: 0, source: 0, sampled: false }); // tie 0↔6 at 3: the earlier
    expect(fm[4]).toEqual({ clip: 0, slot: 1, source: 6, sampled: false });
  });
  it('windows cover their own span; frames outside every window have no map; overlaps take the nearer sample', () => {
    const t = times(30);
    const fm = frameMaps(t, [{ frames: [0, 4, 8] }, { frames: [6, 10, 14] }], false);
    expect(fm.slice(15).every((m) => m === undefined)).toBe(true);
    expect(fm[5]).toEqual({ clip: 0, slot: 1, source: 4, sampled: false }); // clip 1 starts at 6
    expect(fm[6]).toEqual({ clip: 1, slot: 0, source: 6, sampled: true });
    expect(fm[12]).toEqual({ clip: 1, slot: 1, source: 10, sampled: false }); // clip 0 ends at 8
    expect(fm[11]).toEqual({ clip: 1, slot: 1, source: 10, sampled: false });
    expect(uncoveredSpans(fm.map((m) => m !== undefined))).toEqual([[15, 29]]);
    expect([...sampledFrames([{ frames: [0, 4, 8] }, { frames: [6, 10, 14] }])].sort((a, b) => a - b)).toEqual([0, 4, 6, 8, 10, 14]);
  });
  it('slices and the one range of the video', () => {
    const m = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(mapSlice(m, [3, 2, 2], 1))).toEqual([4, 5, 6, 7]);
    expect(videoRange([m, Float32Array.from([-2, 3])], false)).toEqual([-2, 11]);
    expect(videoRange([m, Float32Array.from([-20, 3])], true)).toEqual([-20, 20]);
    expect(videoRange([Float32Array.from([2, 2])], false)).toEqual([2, 3]);
  });
});

describe('tracks', () => {
  const clips = [{ frames: [0, 5, 10], importance: [0.1, 0.5, 0.3] }];
  it('points at the sampled frames, scaled to the box, y up', () => {
    expect(trackRange(clips)).toEqual([0.1, 0.5]);
    const lines = trackLines(clips, 11, 101, 24);
    expect(lines.length).toBe(1);
    expect(lines[0].map(([x, y]) => [x, Math.round(y * 1e9) / 1e9])).toEqual([[0, 22], [50, 2], [100, 12]]);
    expect(peakFrame(clips)).toBe(5);
    expect(peakFrame([])).toBeUndefined();
  });
  it('uncovered spans at the start, middle and end', () => {
    expect(uncoveredSpans([false, true, false, false, true, false])).toEqual([[0, 0], [2, 3], [5, 5]]);
    expect(uncoveredSpans([true, true])).toEqual([]);
  });
});

describe('BOREx-3D boxes', () => {
  it('read five numbers a sample and land on the slots they cover', () => {
    const boxes = clipBoxes(Float64Array.from([10, 20, 4, 2, 3, 30, 40, 8, 0, 1]));
    expect(boxes).toEqual([{ row: 10, col: 20, halfSize: 4, slot: 2, slots: 3 }, { row: 30, col: 40, halfSize: 8, slot: 0, slots: 1 }]);
    expect(boxesOnSlot(boxes, 0).map((b) => b.index)).toEqual([1]);
    expect(boxesOnSlot(boxes, 4).map((b) => b.index)).toEqual([0]);
    expect(boxesOnSlot(boxes, 5)).toEqual([]);
  });
  it('go back through the centre crop into video pixels', () => {
    // 320×240 video resized to 85×64 (×0.2667), cropped 10 px left to 64×64
    const g = { photoWidth: 320, photoHeight: 240, resizedWidth: 85, resizedHeight: 64, cropLeft: 10, cropTop: 0, width: 64, height: 64 };
    const [x, y, w, h] = boxOnFrame({ row: 32, col: 32, halfSize: 8 }, g);
    expect(x).toBeCloseTo((34 * 320) / 85, 10);
    expect(y).toBeCloseTo(90, 10);
    expect(w).toBeCloseTo((16 * 320) / 85, 10);
    expect(h).toBeCloseTo(60, 10);
  });
});

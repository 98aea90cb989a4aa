/** The video view's frame math (src/renderer/src/lib/video/frames.ts) on the frame-index clips' own time tables. */
import { describe, expect, it } from 'vitest';
import { clampFrame, formatTimestamp, frameAt, frameAtX, frameOfMediaTime, frameTimes, frameTimesOf, seekTime, xOfFrame } from '../../../../src/renderer/src/lib/video/frames.ts';
import { vfrTimes } from '../../../../tools/video/index-clip.ts';

const N = 60;
const tables = {
  '25': Array.from({ length: N }, (_, k) => k / 25),
  ntsc: Array.from({ length: N }, (_, k) => (k * 1001) / 30000),
  vfr: vfrTimes(N),
};

describe.each(Object.entries(tables))('frame times at %s', (kind, pts) => {
  const last = kind === 'ntsc' ? 1001 / 30000 : 0.04;
  const t = frameTimes(pts, pts[N - 1] + last);

  it('seeking to frame k lands in frame k, for every k', () => {
    for (let k = 0; k < N; k++) {
      const at = seekTime(t, k);
      expect(frameAt(t, at)).toBe(k);
      // the midpoint: strictly inside the frame's interval, not on its edge (Chromium showed k−1 there)
      expect(at).toBeGreaterThan(pts[k]);
      expect(at).toBeLessThan(k + 1 < N ? pts[k + 1] : t.end);
    }
  });

  it('a presented frame\'s mediaTime, give or take a millisecond, names its frame', () => {
    for (let k = 0; k < N; k++) {
      expect(frameOfMediaTime(t, pts[k])).toBe(k);
      expect(frameOfMediaTime(t, pts[k] + 0.001)).toBe(k);
      expect(frameOfMediaTime(t, Math.max(pts[k] - 0.001, 0))).toBe(k);
    }
  });

  it('the ends: before 0 is frame 0, after the end the last frame', () => {
    expect(frameAt(t, -1)).toBe(0);
    expect(frameAt(t, 1e6)).toBe(N - 1);
    expect(seekTime(t, -5)).toBe(seekTime(t, 0));
    expect(seekTime(t, N + 5)).toBe(seekTime(t, N - 1));
    expect(t.end).toBeCloseTo(pts[N - 1] + last, 12);
  });
});

describe('frame times', () => {
  it('are taken from the first frame (the browser clock starts at 0)', () => {
    const t = frameTimes([1.5, 1.54, 1.58], 0.12);
    expect(Array.from(t.starts)).toEqual([0, 0.040000000000000036, 0.08000000000000007]);
    expect(t.end).toBe(0.12);
  });
  it('from the API\'s pts and durations (OpenedVideo): the end is the last frame\'s own end', () => {
    const t = frameTimesOf([0.5, 0.54, 0.64], [0.04, 0.1, 0.02]);
    expect(t.end).toBeCloseTo(0.16, 12);
    expect(seekTime(t, 2)).toBeCloseTo(0.15, 12);
    expect(seekTime(t, 1)).toBeCloseTo(0.09, 12);
  });
  it('a duration short of the last frame gets one more gap', () => {
    expect(frameTimes([0, 0.1, 0.2], 0.2).end).toBeCloseTo(0.3, 12);
  });
  it('refuse times that do not rise, and an empty table', () => {
    expect(() => frameTimes([0, 0.1, 0.1], 1)).toThrow(/frame 2 at 0.1 s after 0.1 s/);
    expect(() => frameTimes([], 1)).toThrow(/no frames/);
  });
  it('clamp, timeline x and timestamps', () => {
    expect([clampFrame(-3, 10), clampFrame(4.4, 10), clampFrame(99, 10), clampFrame(NaN, 10)]).toEqual([0, 4, 9, 0]);
    expect([frameAtX(0, 101, 11), frameAtX(100, 101, 11), frameAtX(49, 101, 11), frameAtX(56, 101, 11)]).toEqual([0, 10, 5, 6]);
    for (let k = 0; k < 11; k++) expect(frameAtX(xOfFrame(k, 333, 11), 333, 11)).toBe(k);
    expect([formatTimestamp(0), formatTimestamp(1.0344), formatTimestamp(61.5), formatTimestamp(3725.25)]).toEqual(['0:00.000', '0:01.034', '1:01.500', '1:02:05.250']);
  });
});

/** The video-done event's size bound (src/app/video-done.ts): maps inline up to the bound, left out past it; the bound from the environment. */
import { describe, expect, it } from 'vitest';
import type { VideoExplainDone } from '../../../src/shared/api.ts';
import { inlineMapBytes, VIDEO_DONE_INLINE_BYTES, videoDoneEvent, videoMapBytes } from '../../../src/app/video-done.ts';

const done = (clips: number, prior: boolean): VideoExplainDone => ({
  result: { clips: [] } as unknown as VideoExplainDone['result'],
  maps: Array.from({ length: clips }, (_, c) => new Float32Array(1000).fill(c)),
  ...(prior ? { priorMaps: Array.from({ length: clips }, () => new Float32Array(1000)) } : {}),
  dims: [10, 10, 10],
  geometry: { photoWidth: 10, photoHeight: 10, resizedWidth: 10, resizedHeight: 10, cropLeft: 0, cropTop: 0, width: 10, height: 10 },
  files: ['result.json', 'saliency.npy', ...(prior ? (['prior.npy'] as const) : [])],
});

describe('video-done size bound', () => {
  it('counts every map and prior in float32 bytes', () => {
    expect(videoMapBytes(done(3, false))).toBe(12_000);
    expect(videoMapBytes(done(3, true))).toBe(24_000);
  });

  it('inlines maps up to the bound (inclusive), as the job gave them', () => {
    const d = done(2, true);
    const e = videoDoneEvent('j1', d, 16_000);
    expect(e).toEqual({ type: 'video-done', jobId: 'j1', ...d });
    expect(e.maps[1]).toBe(d.maps[1]);
    expect(e.mapsOmitted).toBeUndefined();
  });

  it('past the bound leaves maps and priors out and says how large they were', () => {
    const d = done(2, true);
    const e = videoDoneEvent('j2', d, 15_999);
    expect(e.maps).toEqual([]);
    expect('priorMaps' in e).toBe(false);
    expect(e.mapsOmitted).toEqual({ bytes: 16_000, limit: 15_999 });
    expect(e).toMatchObject({ type: 'video-done', jobId: 'j2', files: d.files, dims: d.dims, result: d.result });
    expect(d.maps).toHaveLength(2); // the job's own value (kept for exportVideo) is untouched
    expect(d.priorMaps).toHaveLength(2);
  });

  it('reads the bound from BOREX_VIDEO_DONE_INLINE_BYTES and refuses a bad one by name', () => {
    expect(inlineMapBytes({})).toBe(VIDEO_DONE_INLINE_BYTES);
    expect(VIDEO_DONE_INLINE_BYTES).toBe(2 * 2 ** 20);
    expect(inlineMapBytes({ BOREX_VIDEO_DONE_INLINE_BYTES: '0' })).toBe(0);
    expect(inlineMapBytes({ BOREX_VIDEO_DONE_INLINE_BYTES: '300000' })).toBe(300_000);
    expect(() => inlineMapBytes({ BOREX_VIDEO_DONE_INLINE_BYTES: '2MB' })).toThrow('BOREX_VIDEO_DONE_INLINE_BYTES: "2MB" is not a whole number of bytes ≥ 0');
    expect(() => inlineMapBytes({ BOREX_VIDEO_DONE_INLINE_BYTES: '-1' })).toThrow(/not a whole number/);
  });
});

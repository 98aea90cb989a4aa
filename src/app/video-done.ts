/**
 * The size bound of explainVideo's `video-done` event. The event carries every clip's maps (and
 * priors) as Float32Array; a long windowed video at 224² is ~6.4 MB per clip, base64 on the wire
 * and parsed on the UI's main thread. Past the bound the event leaves them out (`mapsOmitted`) and
 * the client fetches saliency.npy / prior.npy, which the job has written anyway, through the file
 * URL (a fetch is parsed off the main thread, and the .npy body is the Float32Array as it is).
 * The backend keeps the whole maps for exportVideo either way.
 */
import type { JobEvent, VideoExplainDone } from '../shared/api.ts';

/** 2 MiB of float32: motion-v1's clips (16×64², 256 KiB a map) inline up to four with priors; one 224² clip (3.2 MB) is fetched. */
export const VIDEO_DONE_INLINE_BYTES = 2 * 2 ** 20;

/** The bound from BOREX_VIDEO_DONE_INLINE_BYTES (whole bytes ≥ 0), else the default; a bad value is refused by name. */
export function inlineMapBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BOREX_VIDEO_DONE_INLINE_BYTES;
  if (raw === undefined || raw === '') return VIDEO_DONE_INLINE_BYTES;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`BOREX_VIDEO_DONE_INLINE_BYTES: "${raw}" is not a whole number of bytes ≥ 0`);
  return n;
}

/** Bytes of float32 the maps and priors of a finished job take. */
export function videoMapBytes(done: Pick<VideoExplainDone, 'maps' | 'priorMaps'>): number {
  let bytes = 0;
  for (const m of done.maps) bytes += m.byteLength;
  for (const m of done.priorMaps ?? []) bytes += m.byteLength;
  return bytes;
}

/** The `video-done` event of a finished job: the maps inline when they fit `limit`, else left for the client to fetch. */
export function videoDoneEvent(jobId: string, done: VideoExplainDone, limit: number): Extract<JobEvent, { type: 'video-done' }> {
  const bytes = videoMapBytes(done);
  if (bytes <= limit) return { type: 'video-done', jobId, ...done };
  const { priorMaps: _left, maps: _out, ...rest } = done;
  return { type: 'video-done', jobId, ...rest, maps: [], mapsOmitted: { bytes, limit } };
}

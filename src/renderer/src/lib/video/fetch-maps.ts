/**
 * A video-done event whose maps were too large to inline (`mapsOmitted`, src/app/video-done.ts):
 * its maps read back from the job's saliency.npy (and prior.npy) through the file URL. The .npy
 * body is the float32 array itself, so nothing is decoded on the main thread but its header.
 */
import type { JobEvent, JobFile } from '../../../../shared/api.ts';

type VideoDone = Extract<JobEvent, { type: 'video-done' }>;

/** A little-endian float32 .npy (version 1–3, C order) as its values and shape; anything else is refused naming `name`. */
export function parseFloat32Npy(bytes: ArrayBuffer, name: string): { data: Float32Array; shape: number[] } {
  const u8 = new Uint8Array(bytes);
  const magic = String.fromCharCode(...u8.subarray(0, 6));
  if (magic !== '\x93NUMPY') throw new Error(`${name}: not a .npy file`);
  const major = u8[6];
  const view = new DataView(bytes);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = new TextDecoder('latin1').decode(u8.subarray(major === 1 ? 10 : 12, start));
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`${name}: not little-endian float32 (${header.trim()})`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${name}: Fortran order is not read`);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((s) => s.trim()).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength - start !== count * 4) throw new Error(`${name}: shape [${shape.join(', ')}] needs ${count * 4} bytes of data, the file has ${bytes.byteLength - start}`);
  // The header is padded so the data starts on a multiple of 64 (a view, no copy); copy if not.
  const data = start % 4 === 0 ? new Float32Array(bytes, start, count) : new Float32Array(bytes.slice(start));
  return { data, shape };
}

/** One [T,H,W] map per clip from a [T,H,W] (one clip) or [clips,T,H,W] file, checked against the job's dims and clip count. */
export function clipMapsOf(file: { data: Float32Array; shape: number[] }, dims: readonly [number, number, number], clips: number, name: string): Float32Array[] {
  const [T, H, W] = dims;
  const expected = clips === 1 ? [T, H, W] : [clips, T, H, W];
  const same = file.shape.length === expected.length && file.shape.every((v, i) => v === expected[i]);
  const oneOfMany = clips === 1 && file.shape.length === 4 && file.shape[0] === 1 && file.shape.slice(1).every((v, i) => v === dims[i]);
  if (!same && !oneOfMany) throw new Error(`${name}: shape [${file.shape.join(', ')}] where the job's maps are [${expected.join(', ')}]`);
  const plane = T * H * W;
  return Array.from({ length: clips }, (_, c) => file.data.subarray(c * plane, (c + 1) * plane));
}

/** The event with its maps (and priors) filled in from the job's files; an event that has them is returned as it is. */
export async function withFetchedMaps(done: VideoDone, fileUrl: (file: JobFile) => string, fetcher: typeof fetch = fetch): Promise<VideoDone> {
  if (!done.mapsOmitted) return done;
  const read = async (file: JobFile) => {
    const res = await fetcher(fileUrl(file));
    if (!res.ok) throw new Error(`${file} of job ${done.jobId}: ${res.status} ${res.statusText}`);
    return clipMapsOf(parseFloat32Npy(await res.arrayBuffer(), file), done.dims, done.result.clips.length, file);
  };
  const refinement = done.files.includes('prior.npy');
  const [maps, priorMaps] = await Promise.all([read('saliency.npy'), refinement ? read('prior.npy') : undefined]);
  return { ...done, maps, ...(priorMaps ? { priorMaps } : {}) };
}

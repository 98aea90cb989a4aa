/**
 * Decode chosen frames BY INDEX (the k-th frame the decoder outputs, as counted by probeVideo) to
 * rgb24, H×W×3 bytes per frame, upright (the file's rotation applied: info.width × info.height),
 * optionally scaled inside ffmpeg. Streams: one frame in memory at a
 * time in streamFrames; decodeFrames keeps only the frames asked for.
 */
import { badInput, BorexError } from '../../errors.ts';
import { decodeArgs } from './args.ts';
import { probeVideo, type VideoInfo } from './probe.ts';
import { ffmpegVersion, lastLines, startTool, ToolFailure } from './spawn.ts';

export interface DecodeOptions {
  /** Scale inside ffmpeg to this size (e.g. 224×224). Default: the upright size (info.width × info.height). */
  size?: { width: number; height: number };
  signal?: AbortSignal;
  /** A probe already made of this file (saves one ffprobe pass). */
  info?: VideoInfo;
}

export interface DecodedFrame {
  /** Frame index in decode order. */
  index: number;
  /** Its presentation time, seconds. */
  pts: number;
  /** height × width × 3 bytes, rgb24. */
  data: Uint8Array;
  width: number;
  height: number;
}

/** Sorted distinct indices, each checked against the frame count. */
function checkIndices(info: VideoInfo, indices: readonly number[]): number[] {
  const n = info.frameCount;
  for (const k of indices) {
    if (!Number.isInteger(k) || k < 0 || k >= n) {
      throw badInput(info.file, `has no frame ${k}: it has ${n} decodable frames (0–${n - 1})`);
    }
  }
  return [...new Set(indices)].sort((a, b) => a - b);
}

function decodeFailure(file: string, err: unknown): unknown {
  if (!(err instanceof ToolFailure)) return err;
  if (/Decoder \(codec [^)]*\) not found|Unknown decoder|unsupported codec/i.test(err.stderr)) {
    return badInput(file, `uses a video codec the bundled ffmpeg cannot decode (${lastLines(err.stderr, 1)})`, err);
  }
  return new BorexError('runtime', `${file}: decoding failed: ${lastLines(err.stderr, 2)}`, { cause: err });
}

/**
 * Yields the frames at `indices` (all frames when undefined) in ascending index order. With
 * `reuse`, every frame is written into the same buffer: use it before asking for the next.
 * Breaking out of the loop kills ffmpeg.
 */
export async function* streamFrames(
  file: string,
  indices?: readonly number[],
  options: DecodeOptions & { reuse?: boolean } = {},
): AsyncGenerator<DecodedFrame> {
  const info = options.info ?? (await probeVideo(file, options));
  const wanted = indices ? checkIndices(info, indices) : undefined;
  const total = wanted ? wanted.length : info.frameCount;
  const width = options.size?.width ?? info.width;
  const height = options.size?.height ?? info.height;
  const frameBytes = width * height * 3;
  const version = await ffmpegVersion();
  const run = startTool('ffmpeg', decodeArgs({ file, stream: info.stream, indices: wanted, size: options.size, rotation: info.rotation, version }), options);
  let data = new Uint8Array(frameBytes);
  let filled = 0;
  let k = 0;
  try {
    for await (const chunk of run.stdout as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length && k < total) {
        const take = Math.min(frameBytes - filled, chunk.length - off);
        data.set(chunk.subarray(off, off + take), filled);
        filled += take;
        off += take;
        if (filled < frameBytes) break;
        const index = wanted ? wanted[k] : k;
        k++;
        filled = 0;
        yield { index, pts: info.pts[index], data, width, height };
        if (!options.reuse) data = new Uint8Array(frameBytes);
      }
    }
    await run.done;
  } catch (err) {
    // Cancel kills ffmpeg and closes its stdout under the reader: report the cancel, not the close.
    if (options.signal?.aborted) throw new BorexError('cancelled', 'cancelled');
    throw decodeFailure(file, err);
  } finally {
    await run.kill();
  }
  if (k < total) {
    throw badInput(file, `ffmpeg decoded only ${k} of the ${total} frames asked for (the file has ${info.frameCount} by ffprobe's count); it may be damaged`);
  }
}

/**
 * The frames at `indices`, in the order of `indices` (a repeated index gives the same array).
 * Only the requested frames are kept; the rest stream past.
 */
export async function decodeFrames(file: string, indices: readonly number[], options: DecodeOptions = {}): Promise<Uint8Array[]> {
  const got = new Map<number, Uint8Array>();
  for await (const f of streamFrames(file, indices, options)) got.set(f.index, f.data);
  return indices.map((k) => got.get(k) as Uint8Array);
}

/**
 * Encode rgb24 frames (H×W×3 bytes each) to H.264 yuv420p MP4: libx264, keyframe every 12 frames (or keyframeInterval),
 * faststart, even size (odd sizes padded with one black column/row, or refused), SAR kept,
 * BT.601 limited range tagged. Constant rate by default; with `timestamps`, each frame keeps its
 * own time (variable rate: encoded to Matroska with setpts, then remuxed to MP4 — see args.ts).
 * Writes to a temporary name beside `out` and renames on success: a cancelled or failed encode
 * leaves no output file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BorexError, throwIfCancelled } from '../../errors.ts';
import type { ProgressListener } from '../../progress.ts';
import { encodeArgs, encodeFilter, encodeVfrArgs, parseRational, remuxArgs, vfrSetpts, type EncodeArgs, type Rational } from './args.ts';
import { ProgressParser } from './progress.ts';
import { ffmpegVersion, lastLines, runTool, startTool, ToolFailure, type Running } from './spawn.ts';

export interface EncodeOptions {
  width: number;
  height: number;
  /** Frames per second (25, "30000/1001", {num, den}); default 25. With timestamps: the last frame's duration is 1/fps. */
  fps?: number | string | Rational;
  /** Per-frame presentation times in seconds (variable frame rate); made relative to the first. */
  timestamps?: ArrayLike<number>;
  /** Sample aspect ratio to keep; default 1:1. */
  sar?: Rational;
  even?: 'pad' | 'require';
  /** libx264 preset; default veryfast (video.md: 309 fps at 340×256). */
  preset?: string;
  crf?: number;
  /** Frames from one keyframe to the next; default 12 (1: all-intra, for frame-exact seeking in a browser). */
  keyframeInterval?: number;
  /** Frames to be written, for progress totals (defaults to timestamps.length). */
  totalFrames?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface EncodeResult {
  file: string;
  frames: number;
  /** Encoded size (odd sizes padded to even). */
  width: number;
  height: number;
  seconds: number;
}

export interface VideoWriter {
  /** Resolves once ffmpeg has the bytes: the caller may then reuse `frame`. */
  write(frame: Uint8Array): Promise<void>;
  /** Finishes the file and moves it to `out`. */
  end(): Promise<EncodeResult>;
  /** Stops, kills ffmpeg and removes every temporary file. */
  abort(): Promise<void>;
}

export async function createVideoWriter(out: string, o: EncodeOptions): Promise<VideoWriter> {
  throwIfCancelled(o.signal);
  const fps = typeof o.fps === 'object' ? o.fps : parseRational(o.fps ?? 25);
  if (!fps) throw new BorexError('usage', `frame rate ${String(o.fps)} is not a positive number`);
  if (!(o.width > 0 && o.height > 0 && Number.isInteger(o.width) && Number.isInteger(o.height))) {
    throw new BorexError('usage', `frame size ${o.width}×${o.height} is not a positive whole size`);
  }
  if ((o.even ?? 'pad') === 'require' && (o.width % 2 || o.height % 2)) {
    throw new BorexError('usage', `H.264 yuv420p needs an even frame size, got ${o.width}×${o.height}`);
  }
  const dir = path.dirname(path.resolve(out));
  if (!fs.existsSync(dir)) throw new BorexError('usage', `${dir}: no such folder for ${path.basename(out)}`);
  const stem = path.join(dir, `.${path.basename(out)}.${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  const tmpMp4 = `${stem}.partial.mp4`;
  const tmpMkv = `${stem}.partial.mkv`;
  const script = `${stem}.filter.txt`;
  const temps = [tmpMp4, tmpMkv, script];
  const cleanup = () => temps.forEach((f) => fs.rmSync(f, { force: true }));

  const a: EncodeArgs = {
    width: o.width,
    height: o.height,
    fps,
    sar: o.sar ?? { num: 1, den: 1 },
    even: o.even ?? 'pad',
    preset: o.preset ?? 'veryfast',
    crf: o.crf ?? 18,
    keyframeInterval: o.keyframeInterval,
    version: await ffmpegVersion(),
  };
  const ts = o.timestamps ? Array.from(o.timestamps, (t, _i) => t - (o.timestamps as ArrayLike<number>)[0]) : undefined;
  let args: string[];
  if (ts) {
    fs.writeFileSync(script, encodeFilter(a, vfrSetpts(ts)));
    args = encodeVfrArgs(a, script, tmpMkv);
  } else {
    args = encodeArgs(a, tmpMp4);
  }
  const total = o.totalFrames ?? ts?.length ?? 0;
  const frameBytes = o.width * o.height * 3;
  const started = performance.now();
  let run: Running;
  try {
    run = startTool('ffmpeg', args, { signal: o.signal });
  } catch (err) {
    cleanup();
    throw err;
  }
  const parser = new ProgressParser();
  run.stdout.setEncoding('utf8');
  run.stdout.on('data', (s: string) => {
    for (const b of parser.push(s)) o.onProgress?.({ stage: 'encode', done: b.frame, total: Math.max(total, b.frame) });
  });
  const failure = (err: unknown): unknown => {
    if (err instanceof ToolFailure) return new BorexError('runtime', `${out}: encoding failed: ${lastLines(err.stderr, 2)}`, { cause: err });
    return err;
  };
  const died = run.done.then(() => {
    throw new BorexError('runtime', `${out}: ffmpeg exited before the last frame`);
  });
  died.catch(() => {});
  let written = 0;
  let finished = false;
  const onAbort = () => void run.kill().then(cleanup);
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const fail = async (err: unknown): Promise<never> => {
    finished = true;
    o.signal?.removeEventListener('abort', onAbort);
    await run.kill();
    cleanup();
    throw failure(err);
  };

  return {
    async write(frame) {
      if (finished) throw new BorexError('runtime', `${out}: write after end`);
      if (frame.length !== frameBytes) {
        return fail(new BorexError('runtime', `${out}: frame ${written} has ${frame.length} bytes, expected ${o.width}×${o.height}×3 = ${frameBytes}`));
      }
      try {
        await Promise.race([
          new Promise<void>((resolve, reject) => run.stdin.write(frame, (err) => (err ? reject(err) : resolve()))),
          died,
        ]);
        written++;
      } catch (err) {
        return fail(o.signal?.aborted ? new BorexError('cancelled', 'cancelled') : await run.done.then(() => err, (e) => e));
      }
    },
    async end() {
      if (finished) throw new BorexError('runtime', `${out}: end called twice`);
      try {
        if (ts && written !== ts.length) throw new BorexError('runtime', `${out}: ${written} frames written for ${ts.length} timestamps`);
        if (written === 0) throw new BorexError('runtime', `${out}: no frame was written`);
        run.stdin.end();
        await run.done;
        if (ts) {
          throwIfCancelled(o.signal);
          await runTool('ffmpeg', remuxArgs(tmpMkv, tmpMp4), { signal: o.signal });
        }
        throwIfCancelled(o.signal);
        fs.renameSync(tmpMp4, out);
        finished = true;
        o.signal?.removeEventListener('abort', onAbort);
        cleanup();
        o.onProgress?.({ stage: 'encode', done: written, total: written });
        const w = o.width + (o.width % 2);
        const h = o.height + (o.height % 2);
        return { file: out, frames: written, width: w, height: h, seconds: (performance.now() - started) / 1000 };
      } catch (err) {
        return fail(err);
      }
    },
    async abort() {
      if (finished) return;
      finished = true;
      o.signal?.removeEventListener('abort', onAbort);
      await run.kill();
      cleanup();
    },
  };
}

/** Encodes every frame of `frames` (sync or async iterable) to `out`. */
export async function encodeVideo(
  out: string,
  frames: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: EncodeOptions,
): Promise<EncodeResult> {
  const writer = await createVideoWriter(out, options);
  try {
    for await (const frame of frames) await writer.write(frame);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return writer.end();
}

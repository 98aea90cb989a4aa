/**
 * What a video file holds, from ffprobe: the video stream, its codec, upright and stored size, SAR, rotation,
 * colour tags, and the timestamp of every DECODED frame (so frame k means the k-th frame the
 * decoder outputs, never time × fps). Bad input becomes a BorexError naming the file.
 *
 * Truncated files are REFUSED: when fewer frames decode than the container's index lists, or
 * the MP4 index (moov) is missing, probeVideo throws. Reason, measured on a frame-index clip cut
 * in half: ffprobe 6.1 decoded 47 frames, the bundled ffmpeg 4.1 46, and ffmpeg's frame 45 showed
 * index 47 — past the damage the two decoders number frames differently, so "frame k" would not
 * be frame-exact. Decoder complaints on a file whose frame count is complete are only a warning.
 */
import fs from 'node:fs';
import path from 'node:path';
import { badInput, BorexError } from '../../errors.ts';
import { MAX_PIXELS_ENV, maxPixels } from '../../image/decode.ts';
import { positiveIntFromEnv } from '../../limit-env.ts';
import { parseRational, probeFramesArgs, probeStreamsArgs, type Rational } from './args.ts';
import { lastLines, runTool, ToolFailure } from './spawn.ts';

export interface ColourTags {
  space?: string;
  primaries?: string;
  transfer?: string;
  range?: string;
}

export interface VideoInfo {
  file: string;
  /** Absolute stream index, for `-map 0:<stream>` / `-select_streams <stream>`. */
  stream: number;
  codec: string;
  /** ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "avi". */
  container: string;
  /**
   * Upright size: what rgb24 decoding gives (decode.ts applies the rotation), what a player shows,
   * what the model, the maps, tubes and the export use. The stored size swapped when rotation is
   * 90 or 270.
   */
  width: number;
  height: number;
  /** Coded size as stored in the file (before the rotation). */
  storedWidth: number;
  storedHeight: number;
  /** Sample aspect ratio of the upright frames (the stored one inverted for 90/270); 1:1 when the file says nothing. Display width = width × sar. */
  sar: Rational;
  displayWidth: number;
  /** The file's rotation: clockwise degrees to show the stored frames upright (0, 90, 180, 270); decoding applies it. */
  rotation: number;
  colour: ColourTags;
  pixFmt?: string;
  /** Number of decoded frames (= ffprobe -count_frames nb_read_frames). */
  frameCount: number;
  /** Presentation time of each decoded frame, seconds, in decode-output order. */
  pts: Float64Array;
  /** Duration of each frame, seconds (from the decoder; else the gap to the next; else 1/avg rate). */
  frameDurations: Float64Array;
  /** pts[last] + duration[last] − pts[0]. */
  duration: number;
  avgFrameRate?: Rational;
  rFrameRate?: Rational;
  /** True when the gaps between frames are not all equal. */
  variableFrameRate: boolean;
  /** Chromium can play it as is (else the app needs an H.264 proxy). */
  browserPlayable: boolean;
  warnings: string[];
}

interface FfStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  pix_fmt?: string;
  color_space?: string;
  color_primaries?: string;
  color_transfer?: string;
  color_range?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface FfFormat {
  format_name?: string;
}

const BROWSER_CODECS = new Set(['h264', 'vp8', 'vp9', 'av1']);

/** Chromium plays H.264/VP8/VP9/AV1 in MP4 (mov family) or WebM; not AVI, MKV, MPEG-4 Part 2, HEVC. Pure. */
export function browserPlayable(container: string, codec: string, file: string): boolean {
  if (!BROWSER_CODECS.has(codec)) return false;
  const ext = path.extname(file).toLowerCase();
  if (container.includes('mp4')) return ext !== '.3gp' && ext !== '.3g2';
  if (container.includes('webm')) return ext === '.webm' && codec !== 'h264';
  return false;
}

/** Clockwise rotation in degrees from the display matrix (ffprobe ≥ 5) or the old `rotate` tag. Pure. */
export function rotationOf(s: Pick<FfStream, 'tags' | 'side_data_list'>): number {
  const matrix = s.side_data_list?.find((d) => typeof d.rotation === 'number');
  const deg = matrix ? -(matrix.rotation as number) : Number(s.tags?.rotate ?? 0);
  return (((Math.round(deg / 90) * 90) % 360) + 360) % 360;
}

/** Reads ffprobe's compact frame lines (key=value|key=value) into times and durations. Pure. */
export function parseFrameLines(text: string, fallbackStep: number): { pts: Float64Array; durations: Float64Array } {
  const lines = text.split('\n').filter((l) => l.includes('='));
  const n = lines.length;
  const pts = new Float64Array(n);
  const durations = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const kv: Record<string, string> = {};
    for (const part of lines[i].split('|')) {
      const eq = part.indexOf('=');
      if (eq > 0) kv[part.slice(0, eq)] = part.slice(eq + 1).trim();
    }
    const t = Number.parseFloat(kv.best_effort_timestamp_time);
    pts[i] = Number.isFinite(t) ? t : i > 0 ? pts[i - 1] + (durations[i - 1] || fallbackStep) : 0;
    const d = Number.parseFloat(kv.duration_time ?? kv.pkt_duration_time);
    const d2 = Number.parseFloat(kv.pkt_duration_time);
    durations[i] = Number.isFinite(d) && d > 0 ? d : Number.isFinite(d2) && d2 > 0 ? d2 : Number.NaN;
  }
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(durations[i])) continue;
    durations[i] = i + 1 < n && pts[i + 1] > pts[i] ? pts[i + 1] - pts[i] : fallbackStep;
  }
  return { pts, durations };
}

/** Turns ffprobe's complaint about the whole file into the user's message. */
/** An ISO-BMFF (MP4/MOV) file begins with an ftyp box. */
function looksLikeMp4(file: string): boolean {
  const head = Buffer.alloc(8);
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readSync(fd, head, 0, 8, 0) === 8 && head.toString('latin1', 4, 8) === 'ftyp';
  } finally {
    fs.closeSync(fd);
  }
}

function unreadable(file: string, err: unknown): BorexError {
  if (!(err instanceof ToolFailure)) return err instanceof BorexError ? err : badInput(file, String(err), err);
  const why = err.stderr;
  if (looksLikeMp4(file) && /moov atom not found|End of file|error reading header/i.test(why)) return badInput(file, 'is truncated or incomplete: its MP4 index (moov atom) is missing, so no frame can be found', err);
  if (/Invalid data found|could not find codec parameters|Unknown input format|unspecified size/i.test(why)) {
    return badInput(file, `is not a video ffmpeg can read (${lastLines(why, 1)})`, err);
  }
  return badInput(file, `cannot be read as a video: ${lastLines(why, 2)}`, err);
}

/**
 * What decoding one clip may cost: the frames × pixels the engine holds as RGB at once (T frames
 * at the stored size, or at the model's size when ffmpeg scales them). Default 256 megapixels
 * (768 MB of rgb24: 16 frames of 4K fit, 32 do not); `BOREX_MAX_CLIP_PIXELS` overrides it. Each
 * frame is also held to the photo limit (BOREX_MAX_PIXELS, default 100 megapixels), checked from
 * ffprobe's stream header before any frame is decoded or counted.
 */
export const DEFAULT_MAX_CLIP_PIXELS = 256_000_000;
export const MAX_CLIP_PIXELS_ENV = 'BOREX_MAX_CLIP_PIXELS';

/** The clip limit in force: BOREX_MAX_CLIP_PIXELS when set (a positive integer), else the default. */
export function maxClipPixels(env: NodeJS.ProcessEnv = process.env): number {
  return positiveIntFromEnv(env, MAX_CLIP_PIXELS_ENV, DEFAULT_MAX_CLIP_PIXELS);
}

const mp = (n: number) => `${Number((n / 1e6).toPrecision(3))} megapixels`;

/** Why a video whose frames are width×height is refused under the per-frame limit, or undefined. Pure. */
export function overFramePixelLimit(width: number, height: number, limit = maxPixels()): string | undefined {
  if (width * height <= limit) return undefined;
  return `its frames are ${width}×${height} = ${width * height} pixels, over the limit of ${limit} (${mp(limit)}) per frame; raise it with ${MAX_PIXELS_ENV}=N`;
}

/** Why decoding a clip of `frames` frames of width×height is refused, or undefined. Pure. */
export function overClipPixelLimit(frames: number, width: number, height: number, limit = maxClipPixels()): string | undefined {
  const total = frames * width * height;
  if (total <= limit) return undefined;
  return `a clip of ${frames} frames decoded at ${width}×${height} is ${total} pixels (${Math.round((total * 3) / 1e6)} MB as RGB), over the limit of ${limit} (${mp(limit)}) per clip; raise it with ${MAX_CLIP_PIXELS_ENV}=N`;
}

const STILL_IMAGE = /(^|,)(image2|[a-z0-9]+_pipe)(,|$)/;

export async function probeVideo(file: string, options: { signal?: AbortSignal } = {}): Promise<VideoInfo> {
  if (!fs.existsSync(file)) throw badInput(file, 'no such file');
  const stat = fs.statSync(file);
  if (stat.isDirectory()) throw badInput(file, 'is a folder, not a video file');
  if (stat.size === 0) throw badInput(file, 'the file is empty (0 bytes), not a video');
  let json: { streams?: FfStream[]; format?: FfFormat };
  try {
    json = JSON.parse((await runTool('ffprobe', probeStreamsArgs(file), options)).stdout);
  } catch (err) {
    throw unreadable(file, err);
  }
  const container = json.format?.format_name ?? '';
  const streams = json.streams ?? [];
  const s = streams.find((x) => x.codec_type === 'video' && x.disposition?.attached_pic !== 1);
  if (!s) {
    const others = [...new Set(streams.map((x) => x.codec_type ?? 'unknown'))];
    throw badInput(file, `has no video stream${others.length ? ` (only ${others.join(', ')})` : ''}`);
  }
  if (STILL_IMAGE.test(container)) throw badInput(file, `is a still image (${s.codec_name}), not a video`);
  const codec = s.codec_name;
  if (!codec || codec === 'none' || codec === 'unknown' || !s.width || !s.height) {
    throw badInput(file, `uses an unsupported video codec (${codec && codec !== 'none' && codec !== 'unknown' ? codec : `fourcc "${s.codec_tag_string ?? '?'}"`}): no decoder for it`);
  }
  // Before the frame probe, which decodes every frame: a 20000² stream is refused from its header.
  const over = overFramePixelLimit(s.width, s.height);
  if (over) throw badInput(file, over);
  const avg = parseRational(s.avg_frame_rate);
  const r = parseRational(s.r_frame_rate);
  const rate = avg ?? r;
  const step = rate ? rate.den / rate.num : 1 / 25;

  let frames: { stdout: string; stderr: string };
  try {
    frames = await runTool('ffprobe', probeFramesArgs(file, s.index), options);
  } catch (err) {
    if (err instanceof BorexError) throw err;
    throw unreadable(file, err);
  }
  const { pts, durations } = parseFrameLines(frames.stdout, step);
  const n = pts.length;
  if (n === 0) {
    const why = lastLines(frames.stderr, 1);
    throw badInput(file, `no frame of its ${codec} video stream could be decoded${why ? ` (${why})` : ''}`);
  }
  const warnings: string[] = [];
  const listed = Number(s.nb_frames);
  if (Number.isFinite(listed) && listed > n) {
    throw badInput(file, `is truncated or damaged: only ${n} of the ${listed} frames its index lists can be decoded (re-download or re-encode it)`);
  }
  if (frames.stderr.trim()) {
    warnings.push(`${file}: the decoder reported damage (${lastLines(frames.stderr, 1)}); ${n} frames decoded and used`);
  }
  let variable = false;
  for (let i = 2; i < n && !variable; i++) variable = Math.abs(pts[i] - pts[i - 1] - (pts[1] - pts[0])) > 1e-4;

  const storedSar = parseRational(s.sample_aspect_ratio) ?? { num: 1, den: 1 };
  const rotation = rotationOf(s);
  // A phone's portrait video is stored landscape with a display matrix: frames are decoded upright
  // (decode.ts), so every size the engine hands on is the upright one; a quarter turn swaps the
  // sides and the pixel aspect with them.
  const quarter = rotation === 90 || rotation === 270;
  const width = quarter ? s.height : s.width;
  const height = quarter ? s.width : s.height;
  const sar = quarter ? { num: storedSar.den, den: storedSar.num } : storedSar;
  return {
    file,
    stream: s.index,
    codec,
    container,
    width,
    height,
    storedWidth: s.width,
    storedHeight: s.height,
    sar,
    displayWidth: Math.round((width * sar.num) / sar.den),
    rotation,
    colour: { space: s.color_space, primaries: s.color_primaries, transfer: s.color_transfer, range: s.color_range },
    pixFmt: s.pix_fmt,
    frameCount: n,
    pts,
    frameDurations: durations,
    duration: pts[n - 1] + durations[n - 1] - pts[0],
    avgFrameRate: avg,
    rFrameRate: r,
    variableFrameRate: variable,
    browserPlayable: browserPlayable(container, codec, file),
    warnings,
  };
}

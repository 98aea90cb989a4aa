/**
 * Pure argument builders for ffmpeg / ffprobe and the small parsers they need. No I/O here: every
 * function is unit-tested with exact expectations.
 */

export interface FfmpegVersion {
  /** The first line of `ffmpeg -version`. */
  banner: string;
  /** libavcodec major and minor (4.1 = 58.35, 5.1 = 59.37, 6.0 = 60.3). */
  avcodec: [number, number];
}

/** Parses `ffmpeg -version`; static builds say "N-47683-g…", so the library version decides. */
export function parseVersion(text: string): FfmpegVersion {
  const m = /libavcodec\s+(\d+)\.\s*(\d+)\./.exec(text);
  if (!m) throw new Error(`cannot read the libavcodec version from: ${text.slice(0, 200)}`);
  return { banner: text.split('\n')[0].trim(), avcodec: [Number(m[1]), Number(m[2])] };
}

/** `-fps_mode` exists from ffmpeg 5.1 (libavcodec 59.37); 4.1 knows only `-vsync`. */
export function passthroughArgs(v: FfmpegVersion): string[] {
  const [major, minor] = v.avcodec;
  const fpsMode = major > 59 || (major === 59 && minor >= 37);
  return fpsMode ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
}

export interface Rational {
  num: number;
  den: number;
}

/** "30000/1001" → {30000, 1001}; "25" or 25 → {25, 1}; "0/0" → undefined. */
export function parseRational(value: string | number | undefined): Rational | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!(value > 0) || !Number.isFinite(value)) return undefined;
    if (Number.isInteger(value)) return { num: value, den: 1 };
    const den = 1_000_000;
    return { num: Math.round(value * den), den };
  }
  const m = /^\s*(\d+)(?:[/:](\d+))?\s*$/.exec(value);
  if (!m) return undefined;
  const num = Number(m[1]);
  const den = m[2] === undefined ? 1 : Number(m[2]);
  return num > 0 && den > 0 ? { num, den } : undefined;
}

export const rationalString = (r: Rational) => `${r.num}/${r.den}`;

/** ffprobe: streams and container as JSON (cheap: reads headers only). */
export function probeStreamsArgs(file: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file];
}

/**
 * ffprobe: one line per DECODED frame of stream `index` (presentation order), so the count equals
 * `-count_frames` nb_read_frames and frame k here is frame k for ffmpeg's `select=eq(n,k)`.
 */
export function probeFramesArgs(file: string, index: number): string[] {
  return [
    '-v', 'error',
    '-select_streams', String(index),
    '-show_entries', 'frame=best_effort_timestamp_time,pkt_duration_time,duration_time',
    '-print_format', 'compact=nokey=0:print_section=0',
    file,
  ];
}

/**
 * An ffmpeg `select` expression for sorted, distinct frame indices: consecutive runs become
 * between(n,a,b), single frames eq(n,k), joined by '+'. `n` counts decoded frames from 0.
 */
export function selectExpression(sorted: readonly number[]): string {
  const terms: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    terms.push(i === j ? `eq(n,${sorted[i]})` : `between(n,${sorted[i]},${sorted[j]})`);
    i = j + 1;
  }
  return terms.join('+');
}

export interface DecodeArgs {
  file: string;
  /** Absolute stream index (probe's `stream`). */
  stream: number;
  /** Sorted distinct frame indices; undefined = every frame. */
  indices?: readonly number[];
  /** Scale inside ffmpeg to this size (upright). */
  size?: { width: number; height: number };
  /** The file's rotation (probe's, clockwise degrees): frames are turned upright after the selection. */
  rotation?: number;
  version: FfmpegVersion;
}

/**
 * The filters that turn stored frames upright for a clockwise rotation of 0/90/180/270 degrees
 * (the rotation probe read from the display matrix). Explicit rather than ffmpeg's autorotate, so
 * the turn is exactly the one probe reported (ffprobe 6.1 and the bundled ffmpeg 4.1 are
 * different builds) and the sizes the engine expects are the sizes that come out. Pure.
 */
export function uprightFilters(rotation: number | undefined): string[] {
  switch (rotation ?? 0) {
    case 0:
      return [];
    case 90:
      return ['transpose=clock'];
    case 180:
      return ['hflip', 'vflip'];
    case 270:
      return ['transpose=cclock'];
    default:
      throw new Error(`rotation must be 0, 90, 180 or 270 degrees, got ${rotation}`);
  }
}

/**
 * Decode to raw rgb24 on stdout. Upright pixels: -noautorotate, then the probe's rotation applied
 * explicitly (uprightFilters); passthrough sync so no frame is duplicated or dropped, selection
 * before turning and scaling, and -frames:v so ffmpeg stops after the last wanted frame.
 */
export function decodeArgs(a: DecodeArgs): string[] {
  const filters: string[] = [];
  if (a.indices) filters.push(`select='${selectExpression(a.indices)}'`);
  filters.push(...uprightFilters(a.rotation));
  if (a.size) filters.push(`scale=${a.size.width}:${a.size.height}`);
  return [
    '-nostdin', '-v', 'error', '-noautorotate',
    '-i', a.file,
    '-map', `0:${a.stream}`, '-an', '-sn', '-dn',
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    ...(a.indices ? ['-frames:v', String(a.indices.length)] : []),
    ...passthroughArgs(a.version),
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
}

/** BT.601 limited range, tagged, so browsers do not guess BT.709 (video.md pitfall 4). */
export const BT601_TAGS = ['-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m', '-color_range', 'tv'];

export interface EncodeArgs {
  width: number;
  height: number;
  /** Frame rate of the input frames (CFR), or the rate used for the last frame's duration (VFR). */
  fps: Rational;
  sar: Rational;
  /** 'pad' adds a black column/row to odd sizes; 'require' refuses them (checked by the caller). */
  even: 'pad' | 'require';
  preset: string;
  crf: number;
  /** Frames from one keyframe to the next (x264 -g); default 12. 1: every frame a keyframe (the app's proxy). */
  keyframeInterval?: number;
  version: FfmpegVersion;
}

/** The video filter of an encode: [settb+setpts,] [pad,] setsar, BT.601 matrix, yuv420p. */
export function encodeFilter(a: Pick<EncodeArgs, 'width' | 'height' | 'sar'>, setpts?: string): string {
  const f: string[] = [];
  if (setpts) f.push('settb=1/90000', `setpts='${setpts}'`);
  if (a.width % 2 || a.height % 2) f.push(`pad=${a.width + (a.width % 2)}:${a.height + (a.height % 2)}:0:0:black`);
  f.push(`setsar=r=${a.sar.num}/${a.sar.den}:max=65535`, 'scale=out_color_matrix=bt601:out_range=tv', 'format=yuv420p');
  return f.join(',');
}

function inputArgs(a: EncodeArgs): string[] {
  return ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${a.width}x${a.height}`, '-framerate', rationalString(a.fps), '-i', 'pipe:0'];
}

function x264Args(a: EncodeArgs): string[] {
  return ['-c:v', 'libx264', '-preset', a.preset, '-crf', String(a.crf), '-pix_fmt', 'yuv420p', '-g', String(a.keyframeInterval ?? 12), ...BT601_TAGS];
}

/** Constant frame rate: rgb24 on stdin → H.264 MP4 at `out`, progress key=value on stdout. */
export function encodeArgs(a: EncodeArgs, out: string): string[] {
  return [
    '-nostdin', '-v', 'error', '-y',
    ...inputArgs(a),
    '-vf', encodeFilter(a),
    ...x264Args(a),
    ...passthroughArgs(a.version),
    '-movflags', '+faststart',
    '-progress', 'pipe:1', '-nostats',
    '-f', 'mp4', out,
  ];
}

/**
 * Variable frame rate, step 1: frames get their own timestamps through setpts (from a filter
 * script file holding encodeFilter(..., vfrSetpts(ts))) into a Matroska file. No B-frames: with
 * them ffmpeg 4.1's MP4 edit list drops the last frames of a setpts'd stream.
 */
export function encodeVfrArgs(a: EncodeArgs, filterScript: string, out: string): string[] {
  return [
    '-nostdin', '-v', 'error', '-y',
    ...inputArgs(a),
    '-filter_script:v', filterScript,
    ...x264Args(a), '-bf', '0',
    ...passthroughArgs(a.version),
    '-enc_time_base', '1/90000',
    '-progress', 'pipe:1', '-nostats',
    '-f', 'matroska', out,
  ];
}

/** Variable frame rate, step 2: Matroska → MP4 without re-encoding (durations come from the gaps). */
export function remuxArgs(mkv: string, out: string): string[] {
  return ['-nostdin', '-v', 'error', '-y', '-i', mkv, '-map', '0:v:0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', out];
}

const num = (x: number) => String(Number(x.toFixed(9)));

/**
 * A setpts expression (in seconds, divided by TB) that gives frame N the timestamp ts[N]. Runs of
 * equal steps (within `tolerance` seconds) become one term each, between(N,a,b)*(start+(N-a)*step), so a CFR stretch costs one
 * term and ffmpeg evaluates one term per run per frame.
 */
export function vfrSetpts(ts: readonly number[], tolerance = 1e-5): string {
  const terms: string[] = [];
  for (let a = 0; a < ts.length; ) {
    let b = a + 1 < ts.length ? a + 1 : a;
    // Grow the run while the next time lies on the line through its ends (the step is
    // re-estimated from the whole run, so microsecond rounding of 30000/1001 does not drift).
    while (b + 1 < ts.length && Math.abs(ts[b + 1] - (ts[a] + ((b + 1 - a) * (ts[b] - ts[a])) / (b - a))) < tolerance) b++;
    const step = b > a ? (ts[b] - ts[a]) / (b - a) : 0;
    if (a === b) terms.push(`eq(N,${a})*${num(ts[a])}`);
    else terms.push(`between(N,${a},${b})*(${num(ts[a])}+(N-${a})*${num(step)})`);
    a = b + 1;
  }
  return `(${terms.join('+')})/TB`;
}

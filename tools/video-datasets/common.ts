/**
 * What both dataset generators share: the tube file and manifest formats `borex video --tube` and
 * `borex batch` read, sha256 of what was written (the committed record a regeneration is checked
 * against), and the fidelity of an encode measured by decoding it back with the engine.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { decodeFrames, probeVideo } from '../../src/engine/media/video/index.ts';
import { runTool } from '../../src/engine/media/video/spawn.ts';

export type Box = [number, number, number, number];

/** One clip of a dataset as the manifest and dataset.json describe it. */
export interface ClipRecord {
  /** File name of the MP4, relative to the dataset folder. */
  video: string;
  /** The class to explain (index into the model's labels). */
  label: number;
  /** File name of CLIP.tube.json beside the clip. */
  tube: string;
  [more: string]: unknown;
}

/** Tube file `{"frame": [[x0,y0,x1,y1],...]}` (video pixels, half-open), frames without the object omitted. */
export function tubeJson(boxes: ReadonlyMap<number, Box[]>): string {
  const o: Record<string, Box[]> = {};
  for (const [frame, b] of [...boxes].sort((a, c) => a[0] - c[0])) o[String(frame)] = b;
  return JSON.stringify(o) + '\n';
}

/** The batch manifest for videos: video,label,tube — paths relative to the manifest's folder. */
export function manifestCsv(clips: readonly ClipRecord[]): string {
  return ['video,label,tube', ...clips.map((c) => `${c.video},${c.label},${c.tube}`)].join('\n') + '\n';
}

export function sha256(bytes: Uint8Array | string): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Writes through a temp name so a killed generator leaves no half file under the final name (the engine's writer). */
export { writeFileAtomic as writeAtomic } from '../../src/engine/jobs/write-outputs.ts';

/**
 * Encodes a raw rgb24 file (frames back to back) to a LOSSLESS H.264 MP4: libx264rgb at qp 0
 * (High 4:4:4 Predictive, RGB planes, no colour conversion), keyframe every 12 frames, faststart.
 * Not the engine's encodeVideo: that writes yuv420p for browsers, and BT.601 4:2:0 moves the
 * colours of these small, saturated objects by up to 212 levels (PSNR 27 dB, measured on dataset
 * A at CRF 0), so the clips would no longer be the frames their tubes describe. Decoding to rgb24
 * gives back every byte (checked per clip by encodeFidelity). Runs through the engine's one
 * ffmpeg spawn point; deterministic (x264 is, with any thread count), so the sha256 is stable for
 * one ffmpeg build.
 */
export async function encodeLosslessRgb(raw: string, out: string, o: { width: number; height: number; fps: number }): Promise<void> {
  const tmp = `${out}.tmp-${process.pid}.mp4`;
  const args = [
    '-nostdin', '-v', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`, '-r', String(o.fps), '-i', raw,
    '-c:v', 'libx264rgb', '-qp', '0', '-preset', 'veryfast', '-g', '12', '-pix_fmt', 'rgb24',
    '-movflags', '+faststart', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', tmp,
  ];
  try {
    await runTool('ffmpeg', args);
    fs.renameSync(tmp, out);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Largest absolute difference and PSNR (dB) of the decoded clip against the frames that were encoded. */
export async function encodeFidelity(file: string, frames: readonly Uint8Array[]): Promise<{ maxAbs: number; psnr: number }> {
  const info = await probeVideo(file);
  if (info.frameCount !== frames.length) throw new Error(`${file}: ${info.frameCount} decodable frames, ${frames.length} encoded`);
  const decoded = await decodeFrames(file, frames.map((_, t) => t), { info });
  let maxAbs = 0;
  let sq = 0;
  let n = 0;
  for (let t = 0; t < frames.length; t++) {
    const a = frames[t];
    const b = decoded[t];
    for (let i = 0; i < a.length; i++) {
      const d = a[i] - b[i];
      if (d > maxAbs) maxAbs = d;
      else if (-d > maxAbs) maxAbs = -d;
      sq += d * d;
    }
    n += a.length;
  }
  const mse = sq / n;
  return { maxAbs, psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse) };
}

/**
 * The committed record (manifest, tubes, dataset.json) against what this run wrote: lists the
 * files that differ or are missing, so `--check` proves a regeneration is bit for bit the same.
 */
export function compareRecord(recordDir: string, outDir: string, names: readonly string[]): string[] {
  const bad: string[] = [];
  for (const name of names) {
    const a = path.join(recordDir, name);
    const b = path.join(outDir, name);
    if (!fs.existsSync(a)) bad.push(`${name}: not in ${recordDir}`);
    else if (!fs.existsSync(b)) bad.push(`${name}: not written to ${outDir}`);
    else if (!fs.readFileSync(a).equals(fs.readFileSync(b))) bad.push(`${name}: differs`);
  }
  return bad;
}

/** Copies the small, committed part of a dataset (everything but the clips) into the record folder. */
export function copyRecord(outDir: string, recordDir: string, names: readonly string[]): void {
  fs.mkdirSync(recordDir, { recursive: true });
  for (const name of names) fs.copyFileSync(path.join(outDir, name), path.join(recordDir, name));
}

/**
 * After a generator wrote `clips` (and manifest.csv, dataset.json) to `outDir`: `--record` copies
 * the committed part into `recordDir`; `--check` compares it with the committed record and sets a
 * failing exit code when a file differs.
 */
export function recordOrCheck(outDir: string, recordDir: string, clips: readonly ClipRecord[], opt: Record<string, string>): void {
  const record = ['manifest.csv', 'dataset.json', ...clips.map((c) => c.tube)];
  if (opt.record === 'true') {
    copyRecord(outDir, recordDir, record);
    console.log(`recorded manifest, dataset.json and ${clips.length} tubes in ${recordDir}`);
  }
  if (opt.check === 'true') {
    const bad = compareRecord(recordDir, outDir, record);
    if (bad.length) {
      console.error(`not the committed dataset:\n  ${bad.join('\n  ')}`);
      process.exitCode = 1;
    } else console.log(`identical to the committed record (${record.length} files, every MP4's sha256)`);
  }
}

/** `--name value` options of a tool, with defaults. */
export function parseArgs(argv: readonly string[], defaults: Record<string, string>): { positional: string[]; opt: Record<string, string> } {
  const opt = { ...defaults };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const key = a.slice(2);
      if (!(key in defaults)) throw new Error(`unknown option ${a}; known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`);
      if (defaults[key] === 'false') opt[key] = 'true';
      else opt[key] = argv[++i] ?? '';
    } else positional.push(a);
  }
  return { positional, opt };
}

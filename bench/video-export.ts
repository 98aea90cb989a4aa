/**
 * Annotated MP4 export speed and memory: decode + blend + encode end to end (fps), the blend alone
 * (ms per frame: map blend, stamps, playhead, the exact per-frame work of the export), and the
 * process RSS of a 300-frame export after 100 and after 300 frames (flat: the video is streamed).
 *
 *   node bin/run-ts.mjs bench/video-export.ts [--write]     (--write: section "video-export" of BENCHMARKS.md)
 *
 * Inputs: ../shared/assets/video/mmaction2/test.mp4 (340×256, 300 frames) and the same clip scaled
 * to 1280×720 through the video layer (made in a temp folder, removed afterwards).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InputGeometry } from '../src/engine/image/preprocess.ts';
import { encodeVideo, probeVideo, streamFrames, type VideoInfo } from '../src/engine/media/video/index.ts';
import { applyStamp, blendFrame, blendTable, premultiply } from '../src/engine/render/blend.ts';
import { colormapTable } from '../src/engine/render/colormap.ts';
import { exportAnnotatedVideo } from '../src/engine/render/video-overlay.ts';
import { VideoMapResampler } from '../src/engine/render/video-map.ts';
import { panelStamps } from '../src/engine/render/video-stamps.ts';
import { machineLine, writeSection } from './machine.ts';

const SOURCE = '../shared/assets/video/mmaction2/test.mp4';
const T = 16;
const S = 224;

/** A smooth blob moving across the model's 224² window, T frames (what a 3-D method might give). */
function movingBlob(): Float32Array {
  const m = new Float32Array(T * S * S);
  for (let t = 0; t < T; t++) {
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) m[(t * S + y) * S + x] = Math.exp(-((x - 20 - 12 * t) ** 2 + (y - 112) ** 2) / 900);
  }
  return m;
}

/** torchvision's Resize(256) + CenterCrop(224) window on a W×H frame (the sides hatched as "not seen"). */
function cropGeometry(W: number, H: number): InputGeometry {
  const scale = 256 / Math.min(W, H);
  const resizedWidth = Math.max(S, Math.round(W * scale));
  const resizedHeight = Math.max(S, Math.round(H * scale));
  return { photoWidth: W, photoHeight: H, resizedWidth, resizedHeight, cropLeft: Math.round((resizedWidth - S) / 2), cropTop: Math.round((resizedHeight - S) / 2), width: S, height: S };
}

const uniform = (n: number) => Array.from({ length: T }, (_, t) => Math.round(((t + 0.5) * n) / T - 0.5));

function options(file: string, info: VideoInfo, out: string, sideBySide: boolean) {
  const saliency = movingBlob();
  return {
    video: file,
    info,
    saliency,
    frameIndices: uniform(info.frameCount),
    geometry: cropGeometry(info.width, info.height),
    label: { name: 'bench label', probability: 0.5 },
    out,
    sideBySide: sideBySide ? { prior: saliency.map((v) => 1 - v), titles: ['prior', 'refined'] as [string, string] } : undefined,
  };
}

/** The per-frame work of the export without decode and encode: ms per frame (median of 5 rounds of 50). */
async function blendMs(file: string, info: VideoInfo): Promise<number> {
  let src: Uint8Array | undefined;
  for await (const f of streamFrames(file, [0], { info })) src = f.data;
  const W = info.width;
  const H = info.height;
  const o = options(file, info, '', false);
  const cmap = colormapTable('turbo');
  const table = blendTable(cmap, 0.5);
  const resampler = new VideoMapResampler(o.geometry);
  const pre = premultiply(resampler.entries(o.saliency.subarray(0, S * S), 0, 1, new Uint16Array(W * H)), table, new Uint8Array(W * H * 3));
  const seen = resampler.seenRect;
  const stamps = panelStamps(W, H, info.frameCount, o.frameIndices, cmap, { label: o.label, lo: 0, hi: 1, unseen: true });
  const out = new Uint8Array(W * H * 3);
  const rounds: number[] = [];
  for (let r = 0; r < 6; r++) {
    const t = performance.now();
    for (let i = 0; i < 50; i++) {
      blendFrame(src as Uint8Array, pre, out, W, H, seen, table);
      for (const s of stamps.always) applyStamp(out, W, H, s);
      applyStamp(out, W, H, stamps.sampled);
      applyStamp(out, W, H, stamps.playhead);
    }
    if (r > 0) rounds.push((performance.now() - t) / 50); // round 0 warms the JIT
  }
  return rounds.sort((a, b) => a - b)[2];
}

async function exportFps(file: string, info: VideoInfo, dir: string, sideBySide = false): Promise<number> {
  const t = performance.now();
  const r = await exportAnnotatedVideo(options(file, info, path.join(dir, 'bench-out.mp4'), sideBySide));
  return r.frames / ((performance.now() - t) / 1000);
}

if (process.argv[2] === '--memory') {
  // Child: one export, RSS sampled at frames 100 and 300, whole-process peak at the end.
  const file = process.argv[3];
  const info = await probeVideo(file);
  const rss: Record<number, number> = {};
  await exportAnnotatedVideo({
    ...options(file, info, path.join(process.argv[4], 'memory-out.mp4'), false),
    onProgress: (e) => {
      if (e.done >= 100 && rss[100] === undefined) rss[100] = process.memoryUsage().rss / 2 ** 20;
      if (e.done === e.total) rss[300] = process.memoryUsage().rss / 2 ** 20;
    },
  });
  console.log(JSON.stringify({ rss100: rss[100], rss300: rss[300], peak: process.resourceUsage().maxRSS / 1024, frames: info.frameCount }));
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-video-bench-'));
  try {
    const small = await probeVideo(SOURCE);
    const hd = path.join(dir, 'test-720p.mp4');
    console.log('making the 720p input…');
    await encodeVideo(hd, (async function* () {
      for await (const f of streamFrames(SOURCE, undefined, { info: small, size: { width: 1280, height: 720 }, reuse: true })) yield f.data;
    })(), { width: 1280, height: 720, fps: small.avgFrameRate, totalFrames: small.frameCount, preset: 'ultrafast' });
    const big = await probeVideo(hd);
    const lines = [`## Annotated video export`, '', `Machine: ${machineLine()} · load average at start ${os.loadavg()[0].toFixed(1)}`, ''];
    lines.push('| input | frames | blend ms/frame | export fps (decode + blend + encode) | side by side fps |', '|---|---:|---:|---:|---:|');
    for (const [name, file, info] of [['340×256 (test.mp4)', SOURCE, small], ['1280×720 (test.mp4 scaled)', hd, big]] as const) {
      console.log(`${name}…`);
      const blend = await blendMs(file, info);
      const fps = Math.max(await exportFps(file, info, dir), await exportFps(file, info, dir));
      const sbs = await exportFps(file, info, dir, true);
      lines.push(`| ${name} | ${info.frameCount} | ${blend.toFixed(2)} | ${fps.toFixed(1)} | ${sbs.toFixed(1)} |`);
    }
    lines.push('', 'Best of 2 exports; T = 16 sampled frames, 224² crop window (sides hatched), veryfast x264 below 1280×720, superfast from there.', '');
    for (const [name, file] of [['340×256', SOURCE], ['1280×720', hd]] as const) {
      const mem = JSON.parse(execFileSync(process.execPath, ['bin/run-ts.mjs', 'bench/video-export.ts', '--memory', file, dir], { encoding: 'utf8' }).trim().split('\n').pop() as string);
      lines.push(`RSS of a ${mem.frames}-frame ${name} export (fresh process): ${mem.rss100.toFixed(0)} MB after 100 frames, ${mem.rss300.toFixed(0)} MB after 300; peak ${mem.peak.toFixed(0)} MB.`, '');
    }
    console.log(lines.join('\n'));
    if (process.argv.includes('--write')) await writeSection('video-export', lines.join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

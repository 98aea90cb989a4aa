import fs from 'node:fs';
import path from 'node:path';
import type { ColormapName } from '../render/colormap.ts';
import { encodeNpy } from '../render/npy.ts';
import { exportAnnotatedVideo } from '../render/video-overlay.ts';
import { makeProxy } from '../media/video/proxy.ts';
import type { JobControl } from '../progress.ts';
import type { VideoExplainOutcome } from './explain-video.ts';
import { removeOutputs, writeFileAtomic } from './write-outputs.ts';

export interface VideoOutputOptions {
  /** The annotated MP4 (`--export FILE.mp4`), anywhere the user chose. */
  export?: { file: string; sideBySide: boolean; opacity?: number; colormap?: ColormapName };
  /** The folder may hold an earlier run: its outputs are removed once the new ones are ready. */
  replace?: boolean;
}

/** Every file `writeVideoOutputs` may write in its folder (result.json first: it marks a folder complete). */
export const VIDEO_OUTPUT_FILES = ['result.json', 'saliency.npy', 'prior.npy', 'proxy.mp4'] as const;

/**
 * `borex video --out DIR`: saliency.npy ([T,H,W] float32 at the model's input resolution;
 * [windows,T,H,W] for a windowed video), prior.npy for refinements, result.json, proxy.mp4 when a
 * browser cannot play the input (the app shows that), and the annotated MP4 where --export says.
 * The slow parts (the videos) are encoded first to hidden names beside their final ones; only
 * when every output is ready are they renamed into place, result.json last — so a failure or a
 * cancel leaves no partial output, and no MP4.
 */
export async function writeVideoOutputs(outDir: string, outcome: VideoExplainOutcome, options: VideoOutputOptions, control: JobControl = {}): Promise<string[]> {
  const { result, info, maps, priorMaps, mapDims } = outcome;
  fs.mkdirSync(outDir, { recursive: true });
  const staged: [string, string][] = [];
  const stage = (file: string) => {
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.staged`);
    staged.push([tmp, file]);
    return tmp;
  };
  try {
    if (options.export) {
      const e = options.export;
      const merged = mergedClips(outcome, maps);
      const first = result.clips[0];
      await exportAnnotatedVideo({
        video: result.video,
        info,
        saliency: merged.map,
        frameIndices: merged.frames,
        geometry: outcome.geometry,
        label: first.label,
        colormap: e.colormap ?? (first.signed ? 'diverging' : 'turbo'),
        symmetric: first.signed,
        opacity: e.opacity,
        sideBySide: e.sideBySide && priorMaps ? { prior: mergedClips(outcome, priorMaps).map, titles: [`prior ${first.prior?.method ?? ''}`.trim(), result.method] } : undefined,
        out: stage(path.resolve(e.file)),
        signal: control.signal,
        onProgress: control.onProgress,
      });
    }
    if (!info.browserPlayable) await makeProxy(result.video, info, stage(path.join(outDir, 'proxy.mp4')), { signal: control.signal, onProgress: control.onProgress });

    const shape = maps.length > 1 ? [maps.length, ...mapDims] : mapDims;
    const files: [string, Uint8Array | string][] = [['saliency.npy', encodeNpy(concat(maps), shape)]];
    if (priorMaps) files.push(['prior.npy', encodeNpy(concat(priorMaps), shape)]);
    if (options.replace) removeOutputs(outDir, VIDEO_OUTPUT_FILES);
    for (const [tmp, file] of staged) fs.renameSync(tmp, file);
    const written = staged.map(([, file]) => file);
    staged.length = 0;
    for (const [name, data] of [...files, ['result.json', JSON.stringify(result, null, 2) + '\n'] as [string, string]]) {
      const file = path.join(outDir, name);
      writeFileAtomic(file, data);
      written.push(file);
    }
    return written;
  } finally {
    for (const [tmp] of staged) fs.rmSync(tmp, { force: true });
  }
}

/**
 * Every clip's frames in one ascending list for the export, each frame's map from the first clip
 * that holds it (windows overlap only where the last window was moved back to cover the tail).
 */
function mergedClips(outcome: VideoExplainOutcome, maps: Float32Array[]): { map: Float32Array; frames: number[] } {
  const [, H, W] = outcome.mapDims;
  const plane = H * W;
  const frames: number[] = [];
  const parts: Float32Array[] = [];
  outcome.result.clips.forEach((clip, c) => {
    clip.frames.forEach((k, t) => {
      if (frames.length > 0 && k <= frames[frames.length - 1]) return;
      frames.push(k);
      parts.push(maps[c].subarray(t * plane, (t + 1) * plane));
    });
  });
  return { map: concat(parts), frames };
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

import fs from 'node:fs';
import path from 'node:path';
import type { ColormapName } from '../render/colormap.ts';
import { encodeNpy } from '../render/npy.ts';
import { exportAnnotatedVideo } from '../render/video-overlay.ts';
import { makeProxy } from '../media/video/proxy.ts';
import type { EncodeResult } from '../media/video/encode.ts';
import type { VideoInfo } from '../media/video/probe.ts';
import type { InputGeometry } from '../image/preprocess.ts';
import { usageError } from '../errors.ts';
import type { JobControl } from '../progress.ts';
import type { VideoExplainOutcome } from './explain-video.ts';
import { removeOutputs, writeFileAtomic } from './write-outputs.ts';

export interface VideoOutputOptions {
  /** The annotated MP4 (`--export FILE.mp4`), anywhere the user chose. */
  export?: { file: string; sideBySide: boolean; opacity?: number; colormap?: ColormapName };
  /** The folder may hold an earlier run: its outputs are removed once the new ones are ready. */
  replace?: boolean;
  /** proxy.mp4 for a video a browser cannot play (default true); the app makes its proxy as a job of its own. */
  proxy?: boolean;
}

/** What an annotated export needs of a finished video explanation (an outcome, or a job's done value). */
export interface ExportableClips {
  video: string;
  info: VideoInfo;
  geometry: InputGeometry;
  clips: { frames: readonly number[]; label: { name: string; probability: number }; signed: boolean }[];
  method: string;
  priorMethod?: string;
  maps: Float32Array[];
  priorMaps?: Float32Array[];
  /** [T,H,W] of one clip. */
  dims: readonly [number, number, number];
}

export interface ExportChoice {
  /** Which map is blended (single layout); default refined. */
  map?: 'refined' | 'prior';
  /** original-map: the plain video | the chosen map; prior-refined: prior | refined (refinements only). */
  layout?: 'single' | 'original-map' | 'prior-refined';
  opacity?: number;
  colormap?: ColormapName;
}

/**
 * The annotated MP4 of a video explanation (render/video-overlay.ts): every clip's frames merged
 * into one ascending list, the chosen map blended, or prior | refined. Written to `out` through the
 * encoder's temporary name: a cancel or failure leaves no file.
 */
export async function exportClips(x: ExportableClips, choice: ExportChoice, out: string, control: JobControl = {}): Promise<EncodeResult> {
  const first = x.clips[0];
  const useprior = choice.map === 'prior';
  if ((useprior || choice.layout === 'prior-refined') && !x.priorMaps) throw usageError(`${x.method} has no prior map to export: prior maps come with borex and bo`);
  const chosen = mergedClips(x, useprior ? x.priorMaps! : x.maps);
  const signed = useprior ? false : first.signed;
  return exportAnnotatedVideo({
    video: x.video,
    info: x.info,
    saliency: choice.layout === 'prior-refined' ? mergedClips(x, x.maps).map : chosen.map,
    frameIndices: chosen.frames,
    geometry: x.geometry,
    label: first.label,
    colormap: choice.colormap ?? (signed ? 'diverging' : 'turbo'),
    symmetric: signed,
    opacity: choice.opacity,
    sideBySide:
      choice.layout === 'prior-refined'
        ? { prior: mergedClips(x, x.priorMaps!).map, titles: [`prior ${x.priorMethod ?? ''}`.trim(), x.method] }
        : choice.layout === 'original-map'
          ? { original: true, titles: ['original', useprior ? `prior ${x.priorMethod ?? ''}`.trim() : x.method] }
          : undefined,
    out,
    signal: control.signal,
    onProgress: control.onProgress,
  });
}

/** Every file `writeVideoOutputs` may write in its folder (result.json first: it marks a folder complete). */
export const VIDEO_OUTPUT_FILES = ['result.json', 'saliency.npy', 'prior.npy', 'uncertainty.npy', 'proxy.mp4'] as const;

/**
 * `borex video --out DIR`: saliency.npy ([T,H,W] float32 at the model's input resolution;
 * [windows,T,H,W] for a windowed video), prior.npy for refinements, uncertainty.npy for BOREx/BO
 * (the GP's posterior σ per voxel, the same shape), result.json, proxy.mp4 when a
 * browser cannot play the input (the app shows that), and the annotated MP4 where --export says.
 * The slow parts (the videos) are encoded first to hidden names beside their final ones; only
 * when every output is ready are they renamed into place, result.json last — so a failure or a
 * cancel leaves no partial output, and no MP4.
 */
export async function writeVideoOutputs(outDir: string, outcome: VideoExplainOutcome, options: VideoOutputOptions, control: JobControl = {}): Promise<string[]> {
  const { result, info, maps, priorMaps, uncertainty, mapDims } = outcome;
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
      const layout = e.sideBySide && priorMaps ? 'prior-refined' : 'single';
      await exportClips(exportable(outcome), { layout, opacity: e.opacity, colormap: e.colormap }, stage(path.resolve(e.file)), control);
    }
    if (!info.browserPlayable && options.proxy !== false) await makeProxy(result.video, info, stage(path.join(outDir, 'proxy.mp4')), { signal: control.signal, onProgress: control.onProgress });

    const shape = maps.length > 1 ? [maps.length, ...mapDims] : mapDims;
    const files: [string, Uint8Array | string][] = [['saliency.npy', encodeNpy(concat(maps), shape)]];
    if (priorMaps) files.push(['prior.npy', encodeNpy(concat(priorMaps), shape)]);
    if (uncertainty) files.push(['uncertainty.npy', encodeNpy(concat(uncertainty), shape)]);
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
function mergedClips(x: Pick<ExportableClips, 'dims' | 'clips'>, maps: Float32Array[]): { map: Float32Array; frames: number[] } {
  const [, H, W] = x.dims;
  const plane = H * W;
  const frames: number[] = [];
  const parts: Float32Array[] = [];
  x.clips.forEach((clip, c) => {
    clip.frames.forEach((k, t) => {
      if (frames.length > 0 && k <= frames[frames.length - 1]) return;
      frames.push(k);
      parts.push(maps[c].subarray(t * plane, (t + 1) * plane));
    });
  });
  return { map: concat(parts), frames };
}

/** An outcome as what exportClips takes. */
export function exportable(o: VideoExplainOutcome): ExportableClips {
  return { video: o.result.video, info: o.info, geometry: o.geometry, clips: o.result.clips, method: o.result.method, priorMethod: o.result.clips[0]?.prior?.method, maps: o.maps, priorMaps: o.priorMaps, dims: o.mapDims };
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

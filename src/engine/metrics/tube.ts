/**
 * Tube files: the ground truth of a video as per-frame boxes in video pixels (stored size),
 * `[x0, y0, x1, y1)` with x1/y1 exclusive, keyed by video frame index (decode order, as probeVideo
 * counts frames). Two formats:
 *   JSON  {"12": [[x0,y0,x1,y1], ...], "13": [...]}
 *   CSV   frame,x0,y0,x1,y1 per line (a header line naming the columns is allowed; # comments)
 * A box outside the video's frame, an inverted box or a frame index the video does not have is
 * refused naming the tube file: such a file belongs to another video or another size.
 */
import fs from 'node:fs';
import { badInput, BorexError } from '../errors.ts';
import { readWholeText } from '../file-limits.ts';
import { boxToInput, type InputGeometry } from '../image/preprocess.ts';
import { tubeToMask, type Box, type Tube } from './localisation.ts';
import type { PhotoBox } from './voc.ts';

/** Video frame index → its boxes in video pixels. */
export type VideoTube = Map<number, PhotoBox[]>;

export interface TubeVideo {
  width: number;
  height: number;
  frameCount: number;
}

export function readTubeFile(file: string, video: TubeVideo): VideoTube {
  let text: string;
  try {
    text = readWholeText(file, 'tube file');
  } catch (err) {
    if (err instanceof BorexError) throw err;
    throw badInput(file, `cannot read the tube file (${(err as NodeJS.ErrnoException).code ?? err})`, err);
  }
  return parseTube(text, file, video);
}

export function parseTube(text: string, file: string, video: TubeVideo): VideoTube {
  const entries = text.trimStart().startsWith('{') ? jsonEntries(text, file) : csvEntries(text, file);
  const tube: VideoTube = new Map();
  for (const [frame, box] of entries) {
    checkBox(frame, box, file, video);
    const list = tube.get(frame);
    if (list) list.push(box);
    else tube.set(frame, [box]);
  }
  if (tube.size === 0) throw badInput(file, 'the tube file has no boxes');
  return tube;
}

function jsonEntries(text: string, file: string): [number, PhotoBox][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badInput(file, `not valid JSON (${err instanceof Error ? err.message : err})`, err);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badInput(file, 'a JSON tube file is an object {"frame": [[x0,y0,x1,y1], ...]}');
  const out: [number, PhotoBox][] = [];
  for (const [key, boxes] of Object.entries(parsed)) {
    const frame = frameIndex(key, file);
    if (!Array.isArray(boxes)) throw badInput(file, `frame ${key}: a list of boxes [[x0,y0,x1,y1], ...] is needed`);
    for (const b of boxes) {
      if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === 'number' && Number.isFinite(v))) throw badInput(file, `frame ${key}: ${JSON.stringify(b)} is not a box [x0,y0,x1,y1]`);
      out.push([frame, b as PhotoBox]);
    }
  }
  return out;
}

function csvEntries(text: string, file: string): [number, PhotoBox][] {
  const out: [number, PhotoBox][] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    if (i === 0 && cells[0].toLowerCase() === 'frame') return; // header
    const values = cells.map(Number);
    if (cells.length !== 5 || !values.every(Number.isFinite)) throw badInput(file, `line ${i + 1}: "frame,x0,y0,x1,y1" is needed, got "${line}"`);
    out.push([frameIndex(cells[0], file), values.slice(1) as PhotoBox]);
  });
  return out;
}

function frameIndex(key: string, file: string): number {
  if (!/^\d+$/.test(key.trim())) throw badInput(file, `"${key}" is not a frame index (0, 1, 2, …)`);
  return Number(key);
}

function checkBox(frame: number, [x0, y0, x1, y1]: PhotoBox, file: string, v: TubeVideo): void {
  if (frame >= v.frameCount) throw badInput(file, `has boxes for frame ${frame}, but the video has ${v.frameCount} frames (0–${v.frameCount - 1})`);
  if (!(x1 > x0 && y1 > y0)) throw badInput(file, `frame ${frame}: box [${x0}, ${y0}, ${x1}, ${y1}] is empty or inverted`);
  if (x0 < 0 || y0 < 0 || x1 > v.width || y1 > v.height) {
    throw badInput(file, `frame ${frame}: box [${x0}, ${y0}, ${x1}, ${y1}] lies outside the video's ${v.width}×${v.height} frame; the tube does not fit this video's size`);
  }
}

/** The tube on a clip's input: for each sampled frame (video index), its boxes through the input geometry. */
export function tubeOnInput(tube: VideoTube, frames: readonly number[], geometry: InputGeometry): Box[][] {
  return frames.map((k) => (tube.get(k) ?? []).map((b) => boxToInput(b, geometry)).filter((b): b is Box => b !== null));
}

/** Voxels a tube covers on the input (0: no box falls on any sampled frame, so no F or pointing game). */
export function tubeVoxels(tube: Tube, height: number, width: number): number {
  return tubeToMask(tube, height, width).reduce((a, b) => a + b, 0);
}

/**
 * A video's tube on one clip's input (frames, geometry, dims [C,T,H,W]): its boxes per sampled
 * frame, the voxels they cover, and `truth`, the tube to score against — absent when no box falls
 * on a sampled frame (nothing to score F or the pointing game against).
 */
export function tubeOnClip(tube: VideoTube, input: { frames: readonly number[]; geometry: InputGeometry; dims: readonly number[] }): { boxes: Box[][]; voxels: number; truth?: Tube } {
  const boxes = tubeOnInput(tube, input.frames, input.geometry);
  const voxels = tubeVoxels(boxes, input.dims[2], input.dims[3]);
  return { boxes, voxels, truth: voxels > 0 ? boxes : undefined };
}

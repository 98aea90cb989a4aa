/**
 * A video as a clip model's input (docs/algorithms.md, "Video"): which T frames to take, decoding
 * exactly those frames by index, and writing them normalised into one planar [3, T, H, W] tensor.
 *
 * Frame choice (by decoded frame index, never time × fps):
 * - uniform: frame round((i + 0.5)·n/T − 0.5) for i < T — the frame nearest the centre of the
 *   i-th of T equal slices of the video (TSN's test-time rule); T = n gives every frame.
 * - windows of T consecutive frames starting every S frames (0, S, 2S, … while the window fits),
 *   plus one window ending at the last frame when the stride leaves a tail uncovered, so every
 *   frame is in some window; one result per window.
 * Geometry: a `stretch` spec is scaled inside ffmpeg; `shorter-side-crop` is decoded at the stored
 * size and resized/cropped by the image code (image/preprocess.ts), so every frame shares one
 * InputGeometry and the maps carry back exactly as for photos.
 */
import { badInput } from '../../errors.ts';
import { inputGeometry, normalise, preprocess, type InputGeometry, type ModelInput, type ResizeFilter } from '../../image/preprocess.ts';
import { clipFrames, inputDims, pixelScale, type ModelSpec } from '../../model/spec.ts';
import { decodeFrames } from './decode.ts';
import type { VideoInfo } from './probe.ts';

/** One clip input: the tensor [3,T,H,W], and which video frames (index and pts, seconds) it holds. */
export interface ClipInput extends ModelInput {
  frames: number[];
  pts: number[];
}

/** The T frame indices of uniform sampling over n frames (see above). */
export function uniformFrameIndices(frameCount: number, frames: number): number[] {
  return Array.from({ length: frames }, (_, i) => Math.round(((i + 0.5) * frameCount) / frames - 0.5));
}

/** Windows of `frames` consecutive indices every `stride` frames, the tail covered by a last window (see above). */
export function windowFrameIndices(frameCount: number, frames: number, stride: number): number[][] {
  const starts: number[] = [];
  for (let s = 0; s + frames <= frameCount; s += stride) starts.push(s);
  const last = frameCount - frames;
  if (starts.length > 0 && starts[starts.length - 1] < last) starts.push(last);
  return starts.map((s) => Array.from({ length: frames }, (_, i) => s + i));
}

/** The frame indices of every clip the spec takes from this video; refuses a video shorter than T. */
export function clipWindows(info: VideoInfo, spec: ModelSpec, name = info.file): number[][] {
  const T = clipFrames(spec);
  if (info.frameCount < T) throw badInput(name, `has ${info.frameCount} frames; the model needs ${T}`);
  const sampling = spec.sampling ?? 'uniform';
  return sampling === 'uniform' ? [uniformFrameIndices(info.frameCount, T)] : windowFrameIndices(info.frameCount, T, sampling.stride);
}

const PLAIN: Pick<ModelSpec, 'mean' | 'std' | 'channelOrder'> = { mean: [0, 0, 0], std: [1, 1, 1], channelOrder: 'RGB' };

/** Decodes `frames` of the video (by index) and writes them normalised into one [3,T,H,W] input. */
export async function readClip(info: VideoInfo, spec: ModelSpec, frames: readonly number[], options: { resizeFilter?: ResizeFilter; signal?: AbortSignal } = {}): Promise<ClipInput> {
  const dims = inputDims(spec);
  const [, T, H, W] = dims;
  if (frames.length !== T) throw new Error(`a clip of this model has ${T} frames, got ${frames.length} indices`);
  const geometry: InputGeometry = inputGeometry(info.width, info.height, spec);
  const stretch = spec.resize === 'stretch';
  const decoded = await decodeFrames(info.file, frames, { info, signal: options.signal, ...(stretch ? { size: { width: W, height: H } } : {}) });
  const tensor = new Float32Array(3 * T * H * W);
  const plainSpec = { ...spec, ...PLAIN };
  for (let t = 0; t < T; t++) {
    // Both paths give the frame planar, RGB, v/255; the spec's range, order and mean/std come after.
    const rgb01 = stretch
      ? normalise(decoded[t], W, H, plainSpec)
      : (await preprocess({ width: info.width, height: info.height, data: decoded[t] }, plainSpec, options.resizeFilter)).tensor;
    writeFrame(rgb01, t, T, H * W, spec, tensor);
  }
  return { tensor, dims, height: H, width: W, geometry, frames: [...frames], pts: frames.map((k) => info.pts[k]) };
}

/** Frame t, planar RGB in [0,1], into the clip: (v·range − mean)/std in the spec's channel order. */
function writeFrame(rgb01: Float32Array, t: number, T: number, plane: number, spec: ModelSpec, out: Float32Array): void {
  const scale = pixelScale(spec) * 255;
  const order = spec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const src = order[c] * plane;
    const dst = (c * T + t) * plane;
    const mean = spec.mean[c];
    const invStd = 1 / spec.std[c];
    for (let i = 0; i < plane; i++) out[dst + i] = (rgb01[src + i] * scale - mean) * invStd;
  }
}

/**
 * The clip side of the item pipeline's prepareInput (pipeline/item.ts): probe a video, choose its
 * clips (media/video/clip.ts: uniform T frames, or windows), and for each clip decode its frames,
 * normalise them into [3,T,H,W] and classify it once. itemTarget, computeItemMap and scoreMap then
 * take the clip's ModelInput as they take a photo's: one code path, the rank is in the dims.
 */
import { badInput, BorexError } from '../errors.ts';
import type { ResizeFilter } from '../image/preprocess.ts';
import { clipWindows, readClip, type ClipInput } from '../media/video/clip.ts';
import { probeVideo, type VideoInfo } from '../media/video/index.ts';
import { overClipPixelLimit } from '../media/video/probe.ts';
import type { Classifier } from '../model/classifier.ts';
import { inputDims, isClipSpec } from '../model/spec.ts';

/** A video, probed, with the frame indices of each clip the model's spec takes from it. */
export interface PreparedVideo {
  video: VideoInfo;
  /** The frames of each clip (one for uniform sampling; one per window). */
  windows: number[][];
}

/** One clip of a video, ready for its items: the model's input and its class probabilities. */
export interface PreparedClip {
  input: ClipInput;
  probabilities: Float32Array;
  /** Which of the video's windows (0 for uniform sampling). */
  window: number;
}

/** Probes `file` (named `name` in messages) and chooses its clips; refuses a video shorter than T. */
export async function prepareVideo(classifier: Classifier, file: string, name: string, signal?: AbortSignal): Promise<PreparedVideo> {
  if (!isClipSpec(classifier.spec)) throw new BorexError('usage', `${classifier.name} is an image model; a video needs a clip model (layout NCTHW, NTCHW or NTHWC)`);
  const video = await probeVideo(file, { signal });
  // What one clip costs to decode (media/video/clip.ts readClip): T frames at the stored size, or
  // at the model's when ffmpeg scales them (stretch). Refused here, before any frame is decoded.
  const [, T, H, W] = inputDims(classifier.spec);
  const stretch = classifier.spec.resize === 'stretch';
  const over = overClipPixelLimit(T, stretch ? W : video.width, stretch ? H : video.height);
  if (over) throw badInput(name, over);
  return { video, windows: clipWindows(video, classifier.spec, name) };
}

/** Decodes clip `window` of a prepared video, normalises it and classifies it once. */
export async function prepareClipInput(classifier: Classifier, prepared: PreparedVideo, window: number, name: string, resizeFilter?: ResizeFilter, signal?: AbortSignal): Promise<PreparedClip> {
  const input = await readClip(prepared.video, classifier.spec, prepared.windows[window], { resizeFilter, signal });
  const probabilities = await classifier.classify(input.tensor, 1);
  for (let i = 0; i < probabilities.length; i++) if (!Number.isFinite(probabilities[i])) throw new BorexError('model', `the model returned NaN or Inf for ${name}`);
  return { input, probabilities, window };
}

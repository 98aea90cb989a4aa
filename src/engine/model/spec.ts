/**
 * A model spec says how to turn a photo into the model's input tensor and how to read its output.
 * It comes from a sidecar `NAME.borex.json` next to the `.onnx`, from CLI flags, or from the
 * torchvision-style defaults below.
 */
import type { BaselineChoice } from '../../shared/requests.ts';
import type { Dims } from '../tensor/dims.ts';

export type ResizeMode = 'shorter-side-crop' | 'stretch';
export type ImageLayout = 'NCHW' | 'NHWC';
/** Clip layouts: N, then channels/time/space in the model's order (torchvision/mmaction2 NCTHW; TF-Hub I3D NTHWC). */
export type ClipLayout = 'NCTHW' | 'NTCHW' | 'NTHWC';
export type Layout = ImageLayout | ClipLayout;
export const CLIP_LAYOUTS: readonly ClipLayout[] = ['NCTHW', 'NTCHW', 'NTHWC'];
export const LAYOUTS: readonly Layout[] = ['NCHW', 'NHWC', ...CLIP_LAYOUTS];

/**
 * How a clip's T frames are chosen from a video: `uniform` (one clip spread over the whole video),
 * or windows of T consecutive frames every `stride` frames (long videos; one result per window).
 */
export type Sampling = 'uniform' | { window: number; stride: number };
export type OutputKind = 'logits' | 'probabilities' | 'auto';

export interface ModelSpec {
  /** Input tensor name; default: the model's only (first) input. */
  inputName?: string;
  /** Output tensor name; default: the model's first output. */
  outputName?: string;
  layout: Layout;
  height: number;
  width: number;
  /** `shorter-side-crop`: shorter side to round(size / cropFraction), then centre crop. */
  resize: ResizeMode;
  cropFraction: number;
  channelOrder: 'RGB' | 'BGR';
  /** Clip models: the number of frames T of one input. Absent for image models. */
  frames?: number;
  /** Pixel values are mapped to this range ([0,1] default; [0,255] allowed) before (v − mean)/std. */
  valueRange?: [number, number];
  /** Clip models: how frames are sampled from a video (default uniform). */
  sampling?: Sampling;
  /**
   * The occlusion baseline the model is meant to be explained with when the user names none
   * (default `mean`); motion-v1 says `temporal-mean` (engine/image/baseline.ts says why).
   */
  baseline?: BaselineChoice;
  /** Pixel values are divided by 255 then normalised as (v - mean) / std per channel. */
  mean: [number, number, number];
  std: [number, number, number];
  output: OutputKind;
  /** Class names: a path (relative to the spec file) to a one-name-per-line file, or the names. */
  labels?: string | string[];
}

/** torchvision's ImageNet preprocessing: shorter side 256, centre crop 224, ImageNet mean/std. */
export const TORCHVISION_DEFAULTS: ModelSpec = {
  layout: 'NCHW',
  height: 224,
  width: 224,
  resize: 'shorter-side-crop',
  cropFraction: 224 / 256,
  channelOrder: 'RGB',
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  output: 'auto',
};

export function isClipLayout(layout: Layout): layout is ClipLayout {
  return (CLIP_LAYOUTS as readonly string[]).includes(layout);
}

/** A spec for clips (a 5-D input): its layout is one of the clip layouts. */
export function isClipSpec(spec: ModelSpec): boolean {
  return isClipLayout(spec.layout);
}

/** T of a clip spec; refuses a clip spec without a positive integer `frames`. */
export function clipFrames(spec: ModelSpec): number {
  const t = spec.frames;
  if (!(Number.isInteger(t) && (t as number) > 0)) throw new Error(`a ${spec.layout} model spec needs frames (T), a positive integer; got ${t}`);
  return t as number;
}

/** One input's dims, channels first whatever the layout: [C,H,W], or [C,T,H,W] for a clip model. */
export function inputDims(spec: ModelSpec): Dims {
  return isClipSpec(spec) ? [3, clipFrames(spec), spec.height, spec.width] : [3, spec.height, spec.width];
}

/** The model's input tensor dims for a batch of n, in its layout. */
export function batchDims(spec: ModelSpec, n: number): number[] {
  const [c, ...spatial] = inputDims(spec);
  switch (spec.layout) {
    case 'NCHW':
    case 'NCTHW':
      return [n, c, ...spatial];
    case 'NHWC':
    case 'NTHWC':
      return [n, ...spatial, c];
    case 'NTCHW':
      return [n, spatial[0], c, ...spatial.slice(1)];
  }
}

/** Problems with the clip fields of a spec (frames, valueRange, sampling), as messages; [] when fine. */
export function clipSpecProblems(spec: ModelSpec): string[] {
  const problems: string[] = [];
  const clip = isClipSpec(spec);
  if (clip && !(Number.isInteger(spec.frames) && (spec.frames as number) > 0)) problems.push(`frames must be a positive integer for a ${spec.layout} model, got ${spec.frames}`);
  if (!clip && spec.frames !== undefined) problems.push(`frames is only for clip layouts (${CLIP_LAYOUTS.join(', ')}); layout is ${spec.layout}`);
  const range = spec.valueRange;
  if (range !== undefined && !(Array.isArray(range) && range.length === 2 && range[0] === 0 && (range[1] === 1 || range[1] === 255))) {
    problems.push(`valueRange must be [0, 1] or [0, 255], got ${JSON.stringify(range)}`);
  }
  const s = spec.sampling;
  if (s !== undefined && s !== 'uniform') {
    const ok = typeof s === 'object' && s !== null && Number.isInteger(s.window) && Number.isInteger(s.stride) && s.stride > 0 && s.window === spec.frames;
    if (!ok) problems.push(`sampling must be "uniform" or {"window": T, "stride": S} with T = frames (${spec.frames}) and S a positive integer, got ${JSON.stringify(s)}`);
  }
  return problems;
}

/** The factor from 8-bit pixel values to the spec's value range: 1/255 for [0,1], 1 for [0,255]. */
export function pixelScale(spec: ModelSpec): number {
  return (spec.valueRange?.[1] ?? 1) / 255;
}

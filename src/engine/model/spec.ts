/**
 * A model spec says how to turn a photo into the model's input tensor and how to read its output.
 * It comes from a sidecar `NAME.borex.json` next to the `.onnx`, from CLI flags, or from the
 * torchvision-style defaults below.
 */
import type { Dims } from '../tensor/dims.ts';

export type ResizeMode = 'shorter-side-crop' | 'stretch';
export type Layout = 'NCHW' | 'NHWC';
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

/** One input's dims, channels first whatever the layout: [C,H,W] (a clip model adds T: [C,T,H,W]). */
export function inputDims(spec: ModelSpec): Dims {
  return [3, spec.height, spec.width];
}

/** The model's input tensor dims for a batch of n, in its layout. */
export function batchDims(spec: ModelSpec, n: number): number[] {
  const [c, ...spatial] = inputDims(spec);
  return spec.layout === 'NHWC' ? [n, ...spatial, c] : [n, c, ...spatial];
}

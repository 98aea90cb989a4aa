import sharp from 'sharp';
import { inputDims, type ModelSpec } from '../model/spec.ts';
import type { Dims } from '../tensor/dims.ts';
import type { RgbImage } from './decode.ts';
import type { Geometry } from '../../shared/api.ts';

/**
 * Where the model's input came from in the photo: the photo was resized to resizedWidth×resizedHeight
 * and the window [cropLeft, cropLeft+width) × [cropTop, cropTop+height) of it was fed to the model.
 * This is all the inverse mapping (map → photo) needs.
 */
export type InputGeometry = Geometry;

/** A preprocessed image: planar CHW float32 in the model's normalised space, channel order RGB. */
export interface ModelInput {
  tensor: Float32Array;
  /** The tensor's dims, [3,H,W] (the model's inputDims). */
  dims: Dims;
  height: number;
  width: number;
  geometry: InputGeometry;
}

export function inputGeometry(photoWidth: number, photoHeight: number, spec: ModelSpec): InputGeometry {
  const { width, height } = spec;
  if (spec.resize === 'stretch') {
    return { photoWidth, photoHeight, resizedWidth: width, resizedHeight: height, cropLeft: 0, cropTop: 0, width, height };
  }
  // torchvision: Resize(round(size / cropFraction)) on the shorter side, then CenterCrop(size).
  const shorterTarget = Math.round(Math.max(width, height) / spec.cropFraction);
  const scale = shorterTarget / Math.min(photoWidth, photoHeight);
  const resizedWidth = Math.max(width, photoWidth <= photoHeight ? shorterTarget : Math.round(photoWidth * scale));
  const resizedHeight = Math.max(height, photoHeight < photoWidth ? shorterTarget : Math.round(photoHeight * scale));
  return {
    photoWidth,
    photoHeight,
    resizedWidth,
    resizedHeight,
    cropLeft: Math.round((resizedWidth - width) / 2),
    cropTop: Math.round((resizedHeight - height) / 2),
    width,
    height,
  };
}

/** Resize filter used for the model input (sharp kernel); `linear` is closest to torchvision's bilinear. */
export type ResizeFilter = 'linear' | 'lanczos3' | 'cubic' | 'nearest';

export async function preprocess(image: RgbImage, spec: ModelSpec, filter: ResizeFilter = 'linear'): Promise<ModelInput> {
  const geometry = inputGeometry(image.width, image.height, spec);
  const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(geometry.resizedWidth, geometry.resizedHeight, { fit: 'fill', kernel: filter })
    .extract({ left: geometry.cropLeft, top: geometry.cropTop, width: geometry.width, height: geometry.height })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { tensor: normalise(data, geometry.width, geometry.height, spec), dims: inputDims(spec), height: spec.height, width: spec.width, geometry };
}

/** HWC uint8 RGB → CHW float32, (v/255 − mean)/std, in the model's channel order. */
export function normalise(rgb: Uint8Array, width: number, height: number, spec: ModelSpec): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const order = spec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const src = order[c];
    const mean = spec.mean[c];
    const invStd = 1 / spec.std[c];
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = (rgb[i * 3 + src] / 255 - mean) * invStd;
  }
  return out;
}

/** CHW normalised float32 → HWC uint8 RGB (for drawing what the model saw). */
export function denormalise(tensor: Float32Array, width: number, height: number, spec: ModelSpec): Uint8Array {
  const plane = width * height;
  const out = new Uint8Array(3 * plane);
  const order = spec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const dst = order[c];
    for (let i = 0; i < plane; i++) {
      const v = (tensor[c * plane + i] * spec.std[c] + spec.mean[c]) * 255;
      out[i * 3 + dst] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
  return out;
}

/**
 * Carries a map at the model's input resolution back onto the photo (bilinear, half-pixel centres).
 * Photo pixels the model never saw (cut away by the centre crop) get seen = 0 and value 0.
 */
export function mapToPhoto(map: Float32Array, g: InputGeometry): { values: Float32Array; seen: Uint8Array } {
  const values = new Float32Array(g.photoWidth * g.photoHeight);
  const seen = new Uint8Array(g.photoWidth * g.photoHeight);
  const sx = g.resizedWidth / g.photoWidth;
  const sy = g.resizedHeight / g.photoHeight;
  for (let py = 0; py < g.photoHeight; py++) {
    const ry = (py + 0.5) * sy - 0.5 - g.cropTop;
    if (ry < -0.5 || ry > g.height - 0.5) continue;
    const y = Math.min(Math.max(ry, 0), g.height - 1);
    const y0 = Math.floor(y);
    const y1 = Math.min(y0 + 1, g.height - 1);
    const fy = y - y0;
    for (let px = 0; px < g.photoWidth; px++) {
      const rx = (px + 0.5) * sx - 0.5 - g.cropLeft;
      if (rx < -0.5 || rx > g.width - 0.5) continue;
      const x = Math.min(Math.max(rx, 0), g.width - 1);
      const x0 = Math.floor(x);
      const x1 = Math.min(x0 + 1, g.width - 1);
      const fx = x - x0;
      const top = map[y0 * g.width + x0] * (1 - fx) + map[y0 * g.width + x1] * fx;
      const bottom = map[y1 * g.width + x0] * (1 - fx) + map[y1 * g.width + x1] * fx;
      const i = py * g.photoWidth + px;
      values[i] = top * (1 - fy) + bottom * fy;
      seen[i] = 1;
    }
  }
  return { values, seen };
}

/** Maps a photo-space box [x0, y0, x1, y1) to a clipped box in model-input pixels, or null if unseen. */
export function boxToInput(box: readonly [number, number, number, number], g: InputGeometry): [number, number, number, number] | null {
  const sx = g.resizedWidth / g.photoWidth;
  const sy = g.resizedHeight / g.photoHeight;
  const x0 = Math.max(0, Math.round(box[0] * sx - g.cropLeft));
  const y0 = Math.max(0, Math.round(box[1] * sy - g.cropTop));
  const x1 = Math.min(g.width, Math.round(box[2] * sx - g.cropLeft));
  const y1 = Math.min(g.height, Math.round(box[3] * sy - g.cropTop));
  return x1 > x0 && y1 > y0 ? [x0, y0, x1, y1] : null;
}

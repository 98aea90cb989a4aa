/**
 * Closed-form Grad-CAM and Grad-CAM++ for a classifier whose head is global average pooling of a
 * feature map A followed by one linear layer (docs/algorithms.md, "Grad-CAM and Grad-CAM++"):
 *
 *   y_c = sum_k W[k,c] * mean(A_k) + b_c,  so  dy_c/dA_k(i,j) = W[k,c] / Z  (Z = positions), and
 *   Grad-CAM:   L_c = ReLU(sum_k W[k,c] * A_k)
 *   Grad-CAM++: alpha_k = 1 / (2 + W[k,c] * mean(A_k))  (0 where that denominator <= 0),
 *               w_k = alpha_k * ReLU(W[k,c]),  L_c = ReLU(sum_k w_k * A_k)
 *
 * then linear upsampling with half-pixel centres (bilinear for [K,h,w], trilinear for [K,t,h,w];
 * the same as torch.nn.functional.interpolate(..., align_corners=False)) and min-max scaling to
 * [0, 1] (an all-equal map becomes all zeros).
 *
 * Pure functions on Float32Array (float64 accumulation); the head (W, b) comes from
 * engine/model/graph (findCamHead) and A from its CamSession.
 */
import type { CamHead } from '../model/graph/head.ts';

export type CamMethod = 'gradcam' | 'gradcam++';

/** The part of a CamHead these functions use: W is K x C row-major (W[k*C + c]). */
export type LinearHead = Pick<CamHead, 'weights' | 'bias' | 'channels' | 'classes'>;

interface Sample {
  /** A_k for one batch item: K planes of `positions` values. */
  a: Float32Array;
  spatial: number[];
  positions: number;
}

function sample(head: LinearHead, features: Float32Array, featureDims: readonly number[], batchIndex: number): Sample {
  if (featureDims.length !== 4 && featureDims.length !== 5) throw new Error(`feature dims [${featureDims.join(',')}]: expected [N,K,h,w] or [N,K,t,h,w]`);
  const [n, k, ...spatial] = featureDims;
  if (k !== head.channels) throw new Error(`the feature map has ${k} channels but the head's weights have ${head.channels} rows`);
  if (head.weights.length !== head.channels * head.classes) throw new Error('head weights are not channels x classes');
  const positions = spatial.reduce((a, b) => a * b, 1);
  if (features.length !== n * k * positions) throw new Error(`features hold ${features.length} values, dims [${featureDims.join(',')}] need ${n * k * positions}`);
  if (!(batchIndex >= 0 && batchIndex < n)) throw new Error(`batch index ${batchIndex} outside 0..${n - 1}`);
  return { a: features.subarray(batchIndex * k * positions, (batchIndex + 1) * k * positions), spatial, positions };
}

/** Per-channel weights w_k of the chosen method for class c. */
export function camChannelWeights(head: LinearHead, features: Float32Array, featureDims: readonly number[], classIndex: number, method: CamMethod, batchIndex = 0): Float64Array {
  if (!(Number.isInteger(classIndex) && classIndex >= 0 && classIndex < head.classes)) throw new Error(`class ${classIndex} outside 0..${head.classes - 1}`);
  const { a, positions } = sample(head, features, featureDims, batchIndex);
  const K = head.channels;
  const C = head.classes;
  const w = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const wkc = head.weights[k * C + classIndex];
    if (method === 'gradcam') {
      w[k] = wkc;
      continue;
    }
    if (wkc <= 0) continue; // ReLU(W) = 0
    let sum = 0;
    const off = k * positions;
    for (let i = 0; i < positions; i++) sum += a[off + i];
    const denom = 2 + wkc * (sum / positions);
    w[k] = denom > 0 ? wkc / denom : 0;
  }
  return w;
}

/** ReLU(sum_k w_k A_k) at the feature map's resolution; dims = [h, w] or [t, h, w]. */
export function camLowRes(head: LinearHead, features: Float32Array, featureDims: readonly number[], classIndex: number, method: CamMethod, batchIndex = 0): { map: Float32Array; dims: number[] } {
  const w = camChannelWeights(head, features, featureDims, classIndex, method, batchIndex);
  const { a, spatial, positions } = sample(head, features, featureDims, batchIndex);
  const acc = new Float64Array(positions);
  for (let k = 0; k < head.channels; k++) {
    const wk = w[k];
    if (wk === 0) continue;
    const off = k * positions;
    for (let i = 0; i < positions; i++) acc[i] += wk * a[off + i];
  }
  const map = new Float32Array(positions);
  for (let i = 0; i < positions; i++) map[i] = acc[i] > 0 ? acc[i] : 0;
  return { map, dims: spatial };
}

/** Source indices and weights of 1-D linear interpolation with half-pixel centres (torch, align_corners=False). */
function linearTaps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; l1: Float64Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l1 = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    let src = scale * (o + 0.5) - 0.5;
    if (src < 0) src = 0;
    let lo = Math.floor(src);
    if (lo > inSize - 1) lo = inSize - 1;
    i0[o] = lo;
    i1[o] = lo < inSize - 1 ? lo + 1 : lo;
    l1[o] = lo < inSize - 1 ? src - lo : 0;
  }
  return { i0, i1, l1 };
}

/** Resamples one axis of a row-major array (dims) to `outSize`. */
function resampleAxis(src: Float64Array, dims: number[], axis: number, outSize: number): { data: Float64Array; dims: number[] } {
  const inSize = dims[axis];
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= dims[i];
  let inner = 1;
  for (let i = axis + 1; i < dims.length; i++) inner *= dims[i];
  const { i0, i1, l1 } = linearTaps(inSize, outSize);
  const out = new Float64Array(outer * outSize * inner);
  for (let o = 0; o < outer; o++) {
    const sBase = o * inSize * inner;
    const dBase = o * outSize * inner;
    for (let j = 0; j < outSize; j++) {
      const a = sBase + i0[j] * inner;
      const b = sBase + i1[j] * inner;
      const t = l1[j];
      const d = dBase + j * inner;
      for (let r = 0; r < inner; r++) out[d + r] = (1 - t) * src[a + r] + t * src[b + r];
    }
  }
  const nd = dims.slice();
  nd[axis] = outSize;
  return { data: out, dims: nd };
}

/** Separable linear resampling with half-pixel centres over every axis of `inDims`. */
export function upsampleLinear(src: Float32Array, inDims: readonly number[], outDims: readonly number[]): Float32Array {
  if (inDims.length !== outDims.length) throw new Error('upsampleLinear: rank mismatch');
  const n = inDims.reduce((a, b) => a * b, 1);
  if (src.length !== n) throw new Error(`upsampleLinear: ${src.length} values for dims [${inDims.join(',')}]`);
  if (inDims.some((d) => d < 1) || outDims.some((d) => !Number.isInteger(d) || d < 1)) throw new Error('upsampleLinear: sizes must be positive integers');
  let cur: { data: Float64Array; dims: number[] } = { data: new Float64Array(src), dims: [...inDims] };
  for (let axis = 0; axis < inDims.length; axis++) {
    if (cur.dims[axis] !== outDims[axis]) cur = resampleAxis(cur.data, cur.dims, axis, outDims[axis]);
  }
  return new Float32Array(cur.data);
}

/** Bilinear, half-pixel centres (F.interpolate(mode='bilinear', align_corners=False)); h x w -> H x W. */
export function upsampleBilinear(src: Float32Array, h: number, w: number, H: number, W: number): Float32Array {
  return upsampleLinear(src, [h, w], [H, W]);
}

/** Trilinear, half-pixel centres (F.interpolate(mode='trilinear', align_corners=False)). */
export function upsampleTrilinear(src: Float32Array, t: number, h: number, w: number, T: number, H: number, W: number): Float32Array {
  return upsampleLinear(src, [t, h, w], [T, H, W]);
}

/** (x - min) / (max - min); an all-equal (or empty) map becomes all zeros. */
export function minMaxScale(map: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of map) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float32Array(map.length);
  if (!(hi > lo)) return out;
  const inv = 1 / (hi - lo);
  for (let i = 0; i < map.length; i++) out[i] = (map[i] - lo) * inv;
  return out;
}

export interface CamOptions {
  method?: CamMethod;
  /** Output size: [H, W] for 2-D maps, [T, H, W] for video; default the feature map's own size. */
  size?: readonly number[];
  batchIndex?: number;
}

/** The full map: closed form, upsampled to `size`, min-max scaled to [0, 1]. */
export function computeCam(head: LinearHead, features: Float32Array, featureDims: readonly number[], classIndex: number, options: CamOptions = {}): Float32Array {
  const { map, dims } = camLowRes(head, features, featureDims, classIndex, options.method ?? 'gradcam', options.batchIndex ?? 0);
  const size = options.size ?? dims;
  if (size.length !== dims.length) throw new Error(`output size [${size.join(',')}] does not match the ${dims.length}-D feature map`);
  return minMaxScale(upsampleLinear(map, dims, size));
}

export const gradCam = (head: LinearHead, features: Float32Array, featureDims: readonly number[], classIndex: number, options: Omit<CamOptions, 'method'> = {}): Float32Array =>
  computeCam(head, features, featureDims, classIndex, { ...options, method: 'gradcam' });

export const gradCamPlusPlus = (head: LinearHead, features: Float32Array, featureDims: readonly number[], classIndex: number, options: Omit<CamOptions, 'method'> = {}): Float32Array =>
  computeCam(head, features, featureDims, classIndex, { ...options, method: 'gradcam++' });

// ---------------------------------------------------------------------------------------------
// Reconstruction check

/**
 * Default tolerance of the reconstruction check: |mean(A)·W + b - logits| must stay within
 * `absolute + relative * max|logits|` (max over the batch).  Float heads reproduce the logits to
 * ~1e-6 relative; int8 heads (quantised pooled activations, weights and output) to ~1 %
 * (MobileNetV2 int8 of the ONNX Model Zoo: max 0.17 = 1.0 % of max |logit| 16.5 on two photos,
 * mean 0.03; its output quantisation step alone is 0.16).  A wrong
 * feature tensor, a transposed weight or a head that is not GAP + linear gives errors of the
 * order of the logits themselves, so 5 % separates the two cases with margin on both sides.
 */
export const RECONSTRUCTION_TOLERANCE = { relative: 0.05, absolute: 1e-4 } as const;

export interface ReconstructionResult {
  /** max |mean(A)·W + b - logits| over the batch and classes. */
  maxAbsError: number;
  /** mean |mean(A)·W + b - logits|. */
  meanAbsError: number;
  /** max |logits| (the scale the relative tolerance refers to). */
  maxAbsLogit: number;
  /** maxAbsError / max(maxAbsLogit, tiny). */
  relativeError: number;
  /** The tolerance applied: absolute + relative * maxAbsLogit. */
  allowed: number;
  ok: boolean;
  /** mean(A)·W + b, [N, C]. */
  reconstructed: Float32Array;
}

/** mean(A)·W + b for every batch item, [N, C]. */
export function reconstructLogits(head: LinearHead, features: Float32Array, featureDims: readonly number[]): Float32Array {
  const [n, k] = featureDims;
  const C = head.classes;
  const out = new Float32Array(n * C);
  for (let b = 0; b < n; b++) {
    const { a, positions } = sample(head, features, featureDims, b);
    const acc = new Float64Array(head.bias);
    for (let kk = 0; kk < k; kk++) {
      let s = 0;
      const off = kk * positions;
      for (let i = 0; i < positions; i++) s += a[off + i];
      const mean = s / positions;
      const row = kk * C;
      for (let c = 0; c < C; c++) acc[c] += mean * head.weights[row + c];
    }
    out.set(acc, b * C);
  }
  return out;
}

/** Max abs error between mean(A)·W + b and the model's logits ([N, C] row-major). */
export function reconstructionError(head: LinearHead, features: Float32Array, featureDims: readonly number[], logits: Float32Array): number {
  return checkReconstruction(head, features, featureDims, logits).maxAbsError;
}

/** The reconstruction check; the caller refuses the white-box map when `ok` is false. */
export function checkReconstruction(
  head: LinearHead,
  features: Float32Array,
  featureDims: readonly number[],
  logits: Float32Array,
  tolerance: { relative: number; absolute: number } = RECONSTRUCTION_TOLERANCE,
): ReconstructionResult {
  const rec = reconstructLogits(head, features, featureDims);
  if (logits.length !== rec.length) throw new Error(`the model gave ${logits.length} logits, the head predicts ${rec.length} (batch ${featureDims[0]} x ${head.classes} classes)`);
  let maxAbsError = 0;
  let sumAbsError = 0;
  let maxAbsLogit = 0;
  let nan = false;
  for (let i = 0; i < rec.length; i++) {
    const e = Math.abs(rec[i] - logits[i]);
    if (Number.isNaN(e)) nan = true;
    sumAbsError += e;
    if (e > maxAbsError) maxAbsError = e;
    const m = Math.abs(logits[i]);
    if (m > maxAbsLogit) maxAbsLogit = m;
  }
  if (nan) maxAbsError = NaN; // a NaN anywhere fails the check
  const allowed = tolerance.absolute + tolerance.relative * maxAbsLogit;
  return {
    maxAbsError,
    meanAbsError: sumAbsError / Math.max(rec.length, 1),
    maxAbsLogit,
    relativeError: maxAbsError / Math.max(maxAbsLogit, 1e-12),
    allowed,
    ok: maxAbsError <= allowed,
    reconstructed: rec,
  };
}

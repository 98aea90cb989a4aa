/**
 * Arithmetic on constant tensors read out of a graph (weights, biases, scales, zero points), in
 * float64 so that dequantising and transposing add no rounding before the final float32 copy.
 */
import { NotACamHead } from './head-refusal.ts';

/** A constant's values, row-major, and its dims. */
export interface ConstantTensor {
  values: Float64Array;
  dims: number[];
}

/** The ONNX Transpose of a constant: output axis i is input axis perm[i]. */
export function transpose(values: Float64Array, dims: number[], perm: number[]): ConstantTensor {
  const r = dims.length;
  if (perm.length !== r) throw new NotACamHead(`Transpose perm [${perm}] does not match rank ${r}`);
  const outDims = perm.map((p) => dims[p]);
  const inStrides = new Array<number>(r);
  let s = 1;
  for (let i = r - 1; i >= 0; i--) { inStrides[i] = s; s *= dims[i]; }
  const out = new Float64Array(values.length);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < r; i++) src += idx[i] * inStrides[perm[i]];
    out[o] = values[src];
    for (let i = r - 1; i >= 0; i--) {
      if (++idx[i] < outDims[i]) break;
      idx[i] = 0;
    }
  }
  return { values: out, dims: outDims };
}

/** (q - zp) * scale, per tensor (one scale) or per slice along `axis`. */
export function dequantise(q: Float64Array, dims: number[], scale: Float64Array, zp: Float64Array | undefined, axis: number): Float64Array {
  const out = new Float64Array(q.length);
  if (scale.length === 1) {
    const s = scale[0];
    const z = zp ? zp[0] : 0;
    for (let i = 0; i < q.length; i++) out[i] = (q[i] - z) * s;
    return out;
  }
  if (axis < 0 || axis >= dims.length || dims[axis] !== scale.length) {
    throw new NotACamHead(`a scale of ${scale.length} values does not match axis ${axis} of dims [${dims.join(',')}]`);
  }
  let inner = 1;
  for (let i = axis + 1; i < dims.length; i++) inner *= dims[i];
  const n = dims[axis];
  const outer = q.length / (n * inner);
  for (let o = 0, i = 0; o < outer; o++) {
    for (let a = 0; a < n; a++) {
      const z = zp ? zp[a] : 0;
      const s = scale[a];
      for (let r = 0; r < inner; r++, i++) out[i] = (q[i] - z) * s;
    }
  }
  return out;
}

/**
 * Dequantises a 2-D QLinearMatMul weight [K, C].  The operator allows a scale / zero point per
 * tensor or per column ([C] or [1, C]); the two may differ in kind, so a per-tensor one is
 * widened to C columns when the other is per column.
 */
export function dequantiseWeightMatrix(q: Float64Array, dims: number[], scale: ConstantTensor, zp: ConstantTensor | undefined): Float64Array {
  const [k, c] = dims;
  const fits = (t: ConstantTensor) =>
    t.values.length === 1 || (t.values.length === c && (t.dims.length === 1 || (t.dims.length === 2 && t.dims[0] === 1)));
  if (!fits(scale) || (zp && !fits(zp))) {
    throw new NotACamHead(`weight scale / zero point of shape [${scale.dims.join(',')}] / [${zp?.dims.join(',') ?? ''}] do not fit the ${k}x${c} weight (per tensor or per column expected)`);
  }
  if (scale.values.length === 1 && (!zp || zp.values.length === 1)) return dequantise(q, dims, scale.values, zp?.values, 0);
  const perColumn = (t: Float64Array) => (t.length === 1 ? new Float64Array(c).fill(t[0]) : t);
  return dequantise(q, dims, perColumn(scale.values), zp ? perColumn(zp.values) : undefined, 1);
}

/**
 * Finding the classifier head "global average pooling -> (Flatten/Reshape/Squeeze)? -> linear"
 * of an ONNX graph, for closed-form Grad-CAM / Grad-CAM++ (docs/algorithms.md, "Grad-CAM and
 * Grad-CAM++").
 *
 * Walk, from the graph output back (names as in the ONNX operator set):
 *   1. optional Softmax / LogSoftmax, Identity, QuantizeLinear -> DequantizeLinear pairs (QDQ
 *      models); the linear layer's (float) output is then the logits;
 *   2. the linear layer, one of
 *      - Gemm(x, B, C) with transA = 0, transB 0 or 1, alpha, beta (B and C constant),
 *      - Add(MatMul(x, W), b) in either operand order, or a MatMul alone (bias 0),
 *      - DequantizeLinear(QLinearAdd(QLinearMatMul(x_q, W_q), b_q)) (com.microsoft QLinearAdd), or
 *        QLinearMatMul alone; weights and bias are dequantised with their scale / zero point
 *        initialisers (per tensor, per column or per row),
 *      a constant operand may itself be an initialiser, a Constant node, or DequantizeLinear /
 *      Transpose / Identity / Cast of a constant (QDQ models: DequantizeLinear -> MatMul);
 *   3. pass-through ops: Flatten(axis 1), Reshape, Squeeze, Identity, Dropout, and
 *      QuantizeLinear -> DequantizeLinear pairs (QDQ activations);
 *   4. the pooling, whose input is the feature map A:
 *      - GlobalAveragePool (rank 4 or 5),
 *      - ReduceMean over exactly the spatial axes {2..r-1} (axes attribute before opset 18,
 *        axes input from opset 18), keepdims either way,
 *      - QLinearGlobalAveragePool (channels_last = 0) on a quantised map: A is the float tensor
 *        that was quantised (the QuantizeLinear input) or, failing that, the float tensor that a
 *        DequantizeLinear makes from the same quantised map (the ONNX Model Zoo MobileNetV2 int8
 *        has `627` = DequantizeLinear(`627_quantized`)).
 * Anything else is refused with REFUSAL_MESSAGE plus what was found.  In particular a nonlinearity
 * between pooling and the linear layer, two linear layers, a linear layer over an un-pooled map,
 * partial means and channels-last pooling are refused.  Nonlinearities *before* the pooling
 * (DenseNet's final ReLU) are part of A and are fine: the closed form holds for the pooled tensor.
 */
import { DataType, dataTypeName, parseOnnxModel, tensorValues, type OnnxModel, type OnnxNode } from './onnx.ts';

export interface CamHead {
  /** The feature map A: float tensor [N, K, h, w] (rank 4) or [N, K, t, h, w] (rank 5). */
  featureTensor: string;
  /** K x C row-major: W[k*C + c]. */
  weights: Float32Array;
  /** C entries. */
  bias: Float32Array;
  channels: number;
  classes: number;
  rank: 4 | 5;
  /** False when no shape information fixed the rank and 4 was assumed (the session checks it). */
  rankKnown: boolean;
  /** The linear layer's float output (pre-softmax logits). */
  logitsTensor: string;
  /** The graph output the walk started from (logits or probabilities). */
  outputTensor: string;
  /** True when a Softmax / LogSoftmax follows the linear layer. */
  softmax: boolean;
  /** True when the weights / bias were dequantised. */
  quantised: boolean;
  /** The ops walked, from A to the output, e.g. ['GlobalAveragePool', 'Flatten', 'Gemm']. */
  ops: string[];
}

export const REFUSAL_MESSAGE = "this model's head is not GAP + linear; use a black-box prior or import one";

export type CamHeadResult = { ok: true; head: CamHead } | { ok: false; message: string; found: string };

/** Thrown by requireCamHead. */
export class CamHeadRefusal extends Error {
  constructor(readonly found: string) {
    super(`${REFUSAL_MESSAGE} (found: ${found})`);
    this.name = 'CamHeadRefusal';
  }
}

class Refuse extends Error {}

const PASS_THROUGH = new Set(['Flatten', 'Reshape', 'Squeeze', 'Identity', 'Dropout']);
const ELEMENTWISE = new Set([
  'Relu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Celu', 'Tanh', 'Gelu',
  'Erf', 'Softplus', 'Mish', 'Mul', 'Add', 'Sub', 'Div', 'Max', 'Min', 'Sum', 'Mean', 'Identity', 'Dropout',
  'BatchNormalization', 'InstanceNormalization', 'QuantizeLinear', 'DequantizeLinear', 'Cast', 'Concat', 'Pad',
  'Resize', 'Upsample', 'QLinearAdd', 'QLinearMul', 'QLinearSigmoid', 'QLinearLeakyRelu', 'QLinearConcat', 'Abs',
  'Neg', 'Exp', 'Sqrt', 'Pow', 'Where', 'Transpose', 'LRN', 'Shrink', 'ThresholdedRelu', 'Softsign', 'Swish',
]);

class Graph {
  readonly producer = new Map<string, OnnxNode>();
  readonly consumers = new Map<string, OnnxNode[]>();
  private readonly rankMemo = new Map<string, number | undefined>();

  constructor(readonly model: OnnxModel) {
    for (const n of model.graph.nodes) {
      for (const o of n.outputs) if (o) this.producer.set(o, n);
      for (const i of n.inputs) {
        if (!i) continue;
        const list = this.consumers.get(i);
        if (list) list.push(n);
        else this.consumers.set(i, [n]);
      }
    }
  }

  get defaultOpset(): number {
    return this.model.opsets.get('') ?? 1;
  }

  attrInt(n: OnnxNode, name: string, dflt: number): number {
    const a = n.attributes.get(name);
    return a ? (a.i ?? dflt) : dflt;
  }

  attrFloat(n: OnnxNode, name: string, dflt: number): number {
    const a = n.attributes.get(name);
    return a ? (a.f ?? dflt) : dflt;
  }

  attrInts(n: OnnxNode, name: string): number[] | undefined {
    const a = n.attributes.get(name);
    return a ? a.ints : undefined;
  }

  /** A constant tensor's values and dims: initialiser, Constant node, or a constant-only chain. */
  constant(name: string, depth = 0): { values: Float64Array; dims: number[] } | undefined {
    if (!name || depth > 8) return undefined;
    const init = this.model.graph.initializers.get(name);
    if (init) return { values: tensorValues(init), dims: init.dims };
    const n = this.producer.get(name);
    if (!n) return undefined;
    switch (n.opType) {
      case 'Constant': {
        const a = n.attributes;
        const t = a.get('value')?.t;
        if (t) return { values: tensorValues(t), dims: t.dims };
        if (a.has('value_float')) return { values: Float64Array.of(a.get('value_float')!.f ?? 0), dims: [] };
        if (a.has('value_int')) return { values: Float64Array.of(a.get('value_int')!.i ?? 0), dims: [] };
        if (a.has('value_floats')) { const v = a.get('value_floats')!.floats; return { values: Float64Array.from(v), dims: [v.length] }; }
        if (a.has('value_ints')) { const v = a.get('value_ints')!.ints; return { values: Float64Array.from(v), dims: [v.length] }; }
        return undefined;
      }
      case 'Identity':
      case 'Cast':
        return this.constant(n.inputs[0], depth + 1);
      case 'Transpose': {
        const c = this.constant(n.inputs[0], depth + 1);
        if (!c) return undefined;
        const perm = this.attrInts(n, 'perm') ?? c.dims.map((_, i) => c.dims.length - 1 - i);
        return transpose(c.values, c.dims, perm);
      }
      case 'DequantizeLinear': {
        const q = this.constant(n.inputs[0], depth + 1);
        const s = this.constant(n.inputs[1], depth + 1);
        const z = n.inputs[2] ? this.constant(n.inputs[2], depth + 1) : undefined;
        if (!q || !s || (n.inputs[2] && !z)) return undefined;
        if (n.attributes.has('block_size') && this.attrInt(n, 'block_size', 0) > 0) return undefined;
        const axis = this.attrInt(n, 'axis', 1);
        return { values: dequantise(q.values, q.dims, s.values, z?.values, axis < 0 ? axis + q.dims.length : axis), dims: q.dims };
      }
      default:
        return undefined;
    }
  }

  /** The rank of a tensor, from shapes in the graph or from the op that makes it. */
  rank(name: string, depth = 0): number | undefined {
    if (this.rankMemo.has(name)) return this.rankMemo.get(name);
    let r: number | undefined;
    const vi = this.model.graph.valueInfo.get(name);
    const init = this.model.graph.initializers.get(name);
    if (vi?.shape) r = vi.shape.length;
    else if (init) r = init.dims.length;
    else if (depth < 200) {
      const n = this.producer.get(name);
      if (n) r = this.rankFromProducer(n, depth + 1);
    }
    this.rankMemo.set(name, r);
    return r;
  }

  private rankFromProducer(n: OnnxNode, depth: number): number | undefined {
    const op = n.opType;
    if (op === 'Conv' || op === 'ConvTranspose' || op === 'ConvInteger') return this.rank(n.inputs[1], depth);
    if (op === 'QLinearConv') return this.rank(n.inputs[3], depth);
    if (op === 'MaxPool' || op === 'AveragePool' || op === 'LpPool' || op === 'QLinearAveragePool') {
      const k = this.attrInts(n, 'kernel_shape');
      return k ? k.length + 2 : this.rank(n.inputs[0], depth);
    }
    if (op === 'GlobalAveragePool' || op === 'GlobalMaxPool' || op === 'QLinearGlobalAveragePool') return this.rank(n.inputs[0], depth);
    if (ELEMENTWISE.has(op)) {
      let best: number | undefined;
      for (const i of n.inputs) {
        if (!i || this.model.graph.initializers.has(i)) continue;
        const r = this.rank(i, depth);
        if (r !== undefined && (best === undefined || r > best)) best = r;
        if (op !== 'Concat' && op !== 'Add' && op !== 'Mul' && op !== 'Sum' && op !== 'Max' && op !== 'Min' && op !== 'Sub' && op !== 'Div' && op !== 'Where' && best !== undefined) break;
      }
      return best;
    }
    return undefined;
  }
}

function transpose(values: Float64Array, dims: number[], perm: number[]): { values: Float64Array; dims: number[] } {
  const r = dims.length;
  if (perm.length !== r) throw new Refuse(`Transpose perm [${perm}] does not match rank ${r}`);
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
function dequantise(q: Float64Array, dims: number[], scale: Float64Array, zp: Float64Array | undefined, axis: number): Float64Array {
  const out = new Float64Array(q.length);
  if (scale.length === 1) {
    const s = scale[0];
    const z = zp ? zp[0] : 0;
    for (let i = 0; i < q.length; i++) out[i] = (q[i] - z) * s;
    return out;
  }
  if (axis < 0 || axis >= dims.length || dims[axis] !== scale.length) {
    throw new Refuse(`a scale of ${scale.length} values does not match axis ${axis} of dims [${dims.join(',')}]`);
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

/** Dequantises a 2-D QLinearMatMul weight [K, C]: scale / zero point per tensor, or per column ([C] or [1, C]). */
function dequantiseMatrix(q: Float64Array, dims: number[], scale: { values: Float64Array; dims: number[] }, zp: { values: Float64Array; dims: number[] } | undefined): Float64Array {
  const [k, c] = dims;
  const fits = (t: { values: Float64Array; dims: number[] }) =>
    t.values.length === 1 || (t.values.length === c && (t.dims.length === 1 || (t.dims.length === 2 && t.dims[0] === 1)));
  if (!fits(scale) || (zp && !fits(zp))) {
    throw new Refuse(`weight scale / zero point of shape [${scale.dims.join(',')}] / [${zp?.dims.join(',') ?? ''}] do not fit the ${k}x${c} weight (per tensor or per column expected)`);
  }
  if (scale.values.length === 1 && (!zp || zp.values.length === 1)) return dequantise(q, dims, scale.values, zp?.values, 0);
  const full = (t: Float64Array) => (t.length === 1 ? new Float64Array(c).fill(t[0]) : t);
  return dequantise(q, dims, full(scale.values), zp ? full(zp.values) : undefined, 1);
}

interface Linear {
  input: string;
  /** K x C */
  w: Float64Array;
  k: number;
  c: number;
  bias: Float64Array;
  ops: string[];
  quantised: boolean;
  /** The activation input is a quantised tensor (QLinearMatMul). */
  quantisedInput: boolean;
}

const describe = (g: Graph, name: string): string => {
  const n = g.producer.get(name);
  if (!n) return g.model.graph.initializers.has(name) ? `constant '${name}'` : `graph input '${name}'`;
  return n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
};

function matrix(c: { values: Float64Array; dims: number[] } | undefined, what: string): { values: Float64Array; k: number; c: number } {
  if (!c) throw new Refuse(`${what} is not a constant`);
  if (c.dims.length !== 2) throw new Refuse(`${what} has ${c.dims.length} dimensions [${c.dims.join(',')}], expected 2`);
  return { values: c.values, k: c.dims[0], c: c.dims[1] };
}

function biasVector(c: { values: Float64Array; dims: number[] }, classes: number, scale: number, what: string): Float64Array {
  const out = new Float64Array(classes);
  const n = c.values.length;
  const okShape = c.dims.filter((d) => d !== 1).length <= 1;
  if (!okShape || (n !== classes && n !== 1)) throw new Refuse(`${what} of shape [${c.dims.join(',')}] does not broadcast to ${classes} classes`);
  for (let i = 0; i < classes; i++) out[i] = scale * c.values[n === 1 ? 0 : i];
  return out;
}

function matchLinear(g: Graph, name: string, trail: string[]): Linear {
  const n = g.producer.get(name);
  if (!n) throw new Refuse(`the logits '${name}' are a ${describe(g, name)}, not the output of a linear layer`);
  trail.push(describe(g, name));

  if (n.opType === 'Gemm' && !n.domain) {
    if (g.attrInt(n, 'transA', 0) !== 0) throw new Refuse('Gemm with transA = 1');
    const alpha = g.attrFloat(n, 'alpha', 1);
    const beta = g.attrFloat(n, 'beta', 1);
    const transB = g.attrInt(n, 'transB', 0) !== 0;
    const b = matrix(g.constant(n.inputs[1]), `Gemm weight '${n.inputs[1]}'`);
    const k = transB ? b.c : b.k;
    const c = transB ? b.k : b.c;
    const w = new Float64Array(k * c);
    const bv = b.values;
    if (transB) {
      for (let cc = 0; cc < c; cc++) for (let kk = 0, src = cc * k; kk < k; kk++, src++) w[kk * c + cc] = alpha * bv[src];
    } else {
      for (let i = 0; i < w.length; i++) w[i] = alpha * bv[i];
    }
    let bias: Float64Array = new Float64Array(c);
    if (n.inputs[2]) {
      const bc = g.constant(n.inputs[2]);
      if (!bc) throw new Refuse(`Gemm bias '${n.inputs[2]}' is not a constant`);
      bias = biasVector(bc, c, beta, `Gemm bias '${n.inputs[2]}'`);
    }
    return { input: n.inputs[0], w, k, c, bias, ops: ['Gemm'], quantised: isDequantised(g, n.inputs[1]), quantisedInput: false };
  }

  if (n.opType === 'Add' && !n.domain) {
    const [a0, a1] = n.inputs;
    const c0 = g.constant(a0);
    const c1 = g.constant(a1);
    const biasC = c1 ?? c0;
    const other = c1 ? a0 : a1;
    if (!biasC || (c0 && c1)) throw new Refuse('an Add that is not a bias add (MatMul + constant)');
    const mm = g.producer.get(other);
    if (!mm || mm.opType !== 'MatMul') throw new Refuse(`an Add of a constant to ${describe(g, other)}, not to a MatMul`);
    trail.push('MatMul');
    const lin = matMul(g, mm);
    lin.bias = biasVector(biasC, lin.c, 1, `bias '${c1 ? a1 : a0}'`);
    lin.ops = ['MatMul', 'Add'];
    lin.quantised ||= isDequantised(g, c1 ? a1 : a0);
    return lin;
  }

  if (n.opType === 'MatMul' && !n.domain) return matMul(g, n);

  if (n.opType === 'DequantizeLinear' && !n.domain) {
    const q = g.producer.get(n.inputs[0]);
    if (q && (q.opType === 'QLinearAdd' || q.opType === 'QLinearMatMul')) return qlinear(g, q, trail);
    throw new Refuse(`the logits are DequantizeLinear of ${describe(g, n.inputs[0])}, not of QLinearAdd / QLinearMatMul`);
  }

  throw new Refuse(`the logits are produced by ${describe(g, name)}, not by a linear layer (Gemm, MatMul + Add, QLinearMatMul + QLinearAdd)`);
}

function isDequantised(g: Graph, name: string): boolean {
  for (let i = 0, cur = name; i < 8; i++) {
    const n = g.producer.get(cur);
    if (!n) return false;
    if (n.opType === 'DequantizeLinear') return true;
    cur = n.inputs[0];
  }
  return false;
}

function matMul(g: Graph, n: OnnxNode): Linear {
  const wc = g.constant(n.inputs[1]);
  if (!wc) throw new Refuse(`MatMul weight '${n.inputs[1]}' is not a constant (${describe(g, n.inputs[1])})`);
  const m = matrix(wc, `MatMul weight '${n.inputs[1]}'`);
  return { input: n.inputs[0], w: m.values, k: m.k, c: m.c, bias: new Float64Array(m.c), ops: ['MatMul'], quantised: isDequantised(g, n.inputs[1]), quantisedInput: false };
}

function qlinear(g: Graph, q: OnnxNode, trail: string[]): Linear {
  let bias: Float64Array | undefined;
  let mmNode = q;
  const ops: string[] = [];
  trail.push(describe(g, q.outputs[0]));
  if (q.opType === 'QLinearAdd') {
    // QLinearAdd(A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp)
    const aIsConst = g.constant(q.inputs[0]) !== undefined;
    const bIsConst = g.constant(q.inputs[3]) !== undefined;
    if (aIsConst === bIsConst) throw new Refuse('a QLinearAdd that is not a bias add');
    const base = bIsConst ? 3 : 0;
    const other = bIsConst ? q.inputs[0] : q.inputs[3];
    const bq = g.constant(q.inputs[base])!;
    const bs = g.constant(q.inputs[base + 1]);
    const bz = q.inputs[base + 2] ? g.constant(q.inputs[base + 2]) : undefined;
    if (!bs || (q.inputs[base + 2] && !bz)) throw new Refuse('QLinearAdd bias scale / zero point are not constants');
    bias = dequantise(bq.values, [bq.values.length], bs.values, bz?.values, 0);
    const mm = g.producer.get(other);
    if (!mm || mm.opType !== 'QLinearMatMul') throw new Refuse(`a QLinearAdd of ${describe(g, other)}, not of a QLinearMatMul`);
    trail.push('QLinearMatMul');
    mmNode = mm;
  }
  // QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp)
  const bq = matrix(g.constant(mmNode.inputs[3]), `QLinearMatMul weight '${mmNode.inputs[3]}'`);
  const bs = g.constant(mmNode.inputs[4]);
  const bz = g.constant(mmNode.inputs[5]);
  if (!bs || !bz) throw new Refuse('QLinearMatMul weight scale / zero point are not constants');
  const w = dequantiseMatrix(bq.values, [bq.k, bq.c], bs, bz);
  const c = bq.c;
  let b: Float64Array = new Float64Array(c);
  if (bias) b = biasVector({ values: bias, dims: [bias.length] }, c, 1, 'QLinearAdd bias');
  ops.push('QLinearMatMul');
  if (q.opType === 'QLinearAdd') ops.push('QLinearAdd');
  ops.push('DequantizeLinear');
  return { input: mmNode.inputs[0], w, k: bq.k, c, bias: b, ops, quantised: true, quantisedInput: true };
}

interface Pool {
  feature: string;
  rank: number | undefined;
  ops: string[];
}

function walkToPool(g: Graph, start: string, quantised: boolean, trail: string[], ops: string[]): Pool {
  let cur = start;
  for (let steps = 0; steps < 32; steps++) {
    const n = g.producer.get(cur);
    if (!n) throw new Refuse(`the linear layer's input comes from ${describe(g, cur)}, not from global average pooling`);
    trail.push(describe(g, cur));
    const op = n.opType;
    if (PASS_THROUGH.has(op) && !n.domain) {
      if (op === 'Flatten' && g.attrInt(n, 'axis', 1) !== 1) throw new Refuse(`Flatten with axis ${g.attrInt(n, 'axis', 1)}`);
      ops.unshift(op);
      cur = n.inputs[0];
      continue;
    }
    if (!quantised && op === 'DequantizeLinear' && !n.domain) {
      const qn = g.producer.get(n.inputs[0]);
      if (qn && qn.opType === 'QuantizeLinear') {
        ops.unshift('QuantizeLinear', 'DequantizeLinear');
        trail.push('QuantizeLinear');
        cur = qn.inputs[0];
        continue;
      }
      throw new Refuse(`DequantizeLinear of ${describe(g, n.inputs[0])} between pooling and the linear layer`);
    }
    if (!quantised && op === 'GlobalAveragePool' && !n.domain) {
      ops.unshift(op);
      return { feature: n.inputs[0], rank: g.rank(n.inputs[0]), ops };
    }
    if (!quantised && op === 'ReduceMean' && !n.domain) {
      ops.unshift(op);
      return reduceMean(g, n, ops);
    }
    if (quantised && op === 'QLinearGlobalAveragePool') {
      if (g.attrInt(n, 'channels_last', 0) !== 0) throw new Refuse('QLinearGlobalAveragePool with channels_last = 1 (channels-last maps are not supported)');
      ops.unshift(op);
      return { feature: floatOfQuantised(g, n.inputs[0], n.inputs[1], n.inputs[2], ops), rank: g.rank(n.inputs[0]), ops };
    }
    if (op === 'GlobalMaxPool' || op === 'ReduceMax') throw new Refuse(`${op} (max pooling) before the linear layer`);
    throw new Refuse(`the linear layer's input comes from ${describe(g, cur)}, not from global average pooling (through Flatten / Reshape / Squeeze)`);
  }
  throw new Refuse('too many pass-through ops between pooling and the linear layer');
}

function reduceMean(g: Graph, n: OnnxNode, ops: string[]): Pool {
  let axes: number[] | undefined;
  if (n.inputs[1]) {
    const c = g.constant(n.inputs[1]);
    if (!c) throw new Refuse('ReduceMean with non-constant axes');
    axes = Array.from(c.values);
  } else {
    axes = g.attrInts(n, 'axes');
  }
  if (!axes || axes.length === 0) {
    if (g.attrInt(n, 'noop_with_empty_axes', 0) !== 0) throw new Refuse('ReduceMean with no axes and noop_with_empty_axes = 1 (no pooling)');
    throw new Refuse('ReduceMean over all axes (the channels are averaged too)');
  }
  let rank = g.rank(n.inputs[0]);
  const assumed = rank === undefined;
  if (rank === undefined) {
    // no shape information: the axes must be the trailing ones after N and K
    rank = axes.length + 2;
  }
  const norm = [...new Set(axes.map((a) => (a < 0 ? a + rank! : a)))].sort((a, b) => a - b);
  const want = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  if (norm.length !== want.length || norm.some((a, i) => a !== want[i])) {
    const hint = norm.length && norm.every((a) => a >= 1 && a < rank! - 1) && norm[0] === 1 ? ' (channels-last pooling is not supported)' : '';
    throw new Refuse(`ReduceMean over axes [${axes.join(',')}] of a rank-${rank} tensor, not over all spatial axes [${want.join(',')}]${hint}`);
  }
  return { feature: n.inputs[0], rank: assumed ? rank : rank, ops };
}

/** The float tensor behind a quantised feature map: the QuantizeLinear input, or a DequantizeLinear output. */
function floatOfQuantised(g: Graph, q: string, scale: string | undefined, zp: string | undefined, ops: string[]): string {
  const p = g.producer.get(q);
  if (p && p.opType === 'QuantizeLinear') {
    ops.unshift('QuantizeLinear');
    return p.inputs[0];
  }
  const same = (a: string | undefined, b: string | undefined): boolean => {
    if ((a ?? '') === (b ?? '')) return true;
    const ca = a ? g.constant(a) : undefined;
    const cb = b ? g.constant(b) : undefined;
    if (!ca || !cb || ca.values.length !== cb.values.length) return false;
    return ca.values.every((v, i) => v === cb.values[i]);
  };
  for (const c of g.consumers.get(q) ?? []) {
    if (c.opType === 'DequantizeLinear' && c.inputs[0] === q && same(c.inputs[1], scale) && same(c.inputs[2], zp)) {
      return c.outputs[0];
    }
  }
  throw new Refuse(`the quantised feature map '${q}' (from ${describe(g, q)}) has no float version in the graph (no QuantizeLinear input and no DequantizeLinear of it)`);
}

export interface FindCamHeadOptions {
  /** The graph output to start from; default: the first graph output. */
  output?: string;
}

/** Finds the GAP + linear head, or says why not. */
export function findCamHead(model: OnnxModel | Uint8Array, options: FindCamHeadOptions = {}): CamHeadResult {
  const m = model instanceof Uint8Array ? parseOnnxModel(model) : model;
  const g = new Graph(m);
  const trail: string[] = [];
  try {
    const outputs = m.graph.outputs.map((o) => o.name);
    const output = options.output ?? outputs[0];
    if (!output) throw new Refuse('the graph has no outputs');
    if (!outputs.includes(output)) throw new Refuse(`'${output}' is not a graph output (outputs: ${outputs.join(', ')})`);
    let cur = output;
    let softmax = false;
    const tailOps: string[] = [];
    for (let i = 0; i < 8; i++) {
      const n = g.producer.get(cur);
      if (n && !n.domain && (n.opType === 'Softmax' || n.opType === 'LogSoftmax') && !softmax) {
        trail.push(n.opType);
        tailOps.unshift(n.opType);
        softmax = true;
        cur = n.inputs[0];
        continue;
      }
      if (n && !n.domain && n.opType === 'Identity') {
        trail.push('Identity');
        cur = n.inputs[0];
        continue;
      }
      // QDQ models may quantise the logits: DequantizeLinear(QuantizeLinear(linear output))
      const qn = n && !n.domain && n.opType === 'DequantizeLinear' ? g.producer.get(n.inputs[0]) : undefined;
      if (qn && !qn.domain && qn.opType === 'QuantizeLinear') {
        trail.push('DequantizeLinear', 'QuantizeLinear');
        tailOps.unshift('QuantizeLinear', 'DequantizeLinear');
        cur = qn.inputs[0];
        continue;
      }
      break;
    }
    const logitsTensor = cur;
    const lin = matchLinear(g, cur, trail);
    const ops: string[] = [...lin.ops, ...tailOps];
    const pool = walkToPool(g, lin.input, lin.quantisedInput, trail, ops);
    let rank = pool.rank;
    const rankKnown = rank !== undefined;
    rank ??= 4;
    if (rank !== 4 && rank !== 5) throw new Refuse(`the pooled feature map has rank ${rank}; only [N,K,h,w] and [N,K,t,h,w] are supported`);
    const vi = m.graph.valueInfo.get(pool.feature);
    if (vi?.elemType !== undefined && vi.elemType !== DataType.FLOAT) {
      throw new Refuse(`the feature map '${pool.feature}' is ${dataTypeName(vi.elemType)}, not float`);
    }
    const kDim = vi?.shape?.[1];
    if (typeof kDim === 'number' && kDim !== lin.k) throw new Refuse(`the feature map has ${kDim} channels but the linear layer takes ${lin.k} inputs`);
    const head: CamHead = {
      featureTensor: pool.feature,
      weights: new Float32Array(lin.w),
      bias: new Float32Array(lin.bias),
      channels: lin.k,
      classes: lin.c,
      rank,
      rankKnown,
      logitsTensor,
      outputTensor: output,
      softmax,
      quantised: lin.quantised,
      ops: pool.ops,
    };
    return { ok: true, head };
  } catch (err) {
    if (err instanceof Refuse) {
      const found = `${trail.length ? `output <- ${trail.join(' <- ')}` : 'nothing'}: ${err.message}`;
      return { ok: false, message: `${REFUSAL_MESSAGE} (found: ${found})`, found };
    }
    throw err;
  }
}

/** findCamHead, throwing CamHeadRefusal (whose message starts with REFUSAL_MESSAGE) when refused. */
export function requireCamHead(model: OnnxModel | Uint8Array, options: FindCamHeadOptions = {}): CamHead {
  const r = findCamHead(model, options);
  if (!r.ok) throw new CamHeadRefusal(r.found);
  return r.head;
}

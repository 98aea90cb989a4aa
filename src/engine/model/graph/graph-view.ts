/**
 * GraphView: the look-ups the CAM-head walk makes on a parsed ONNX graph: who produces and who
 * consumes a tensor, node attributes with their ONNX defaults, the values of constant tensors, and
 * tensor ranks where the graph carries no shapes.
 */
import { tensorValues, type OnnxModel, type OnnxNode } from './onnx.ts';
import { dequantise, transpose, type ConstantTensor } from './constant-tensors.ts';

/** Ops whose output has the rank of their (largest) non-constant input; only used to infer ranks. */
const RANK_PRESERVING_OPS = new Set([
  'Relu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Celu', 'Tanh', 'Gelu',
  'Erf', 'Softplus', 'Mish', 'Mul', 'Add', 'Sub', 'Div', 'Max', 'Min', 'Sum', 'Mean', 'Identity', 'Dropout',
  'BatchNormalization', 'InstanceNormalization', 'QuantizeLinear', 'DequantizeLinear', 'Cast', 'Concat', 'Pad',
  'Resize', 'Upsample', 'QLinearAdd', 'QLinearMul', 'QLinearSigmoid', 'QLinearLeakyRelu', 'QLinearConcat', 'Abs',
  'Neg', 'Exp', 'Sqrt', 'Pow', 'Where', 'Transpose', 'LRN', 'Shrink', 'ThresholdedRelu', 'Softsign', 'Swish',
]);

/**
 * Among those, the ops whose inputs broadcast against each other (or are concatenated): every input
 * is looked at and the largest rank wins.  For the others the first input with a known rank decides.
 */
const RANK_OF_LARGEST_INPUT_OPS = new Set(['Concat', 'Add', 'Mul', 'Sum', 'Max', 'Min', 'Sub', 'Div', 'Where']);

/** Bounds the recursion through chains of constant ops (and cycles in a malformed graph). */
const MAX_CONSTANT_DEPTH = 8;
/** Bounds the recursion of rank inference back through the network. */
const MAX_RANK_DEPTH = 200;

/** True when `n` is one of `opTypes` in the default ONNX domain (not, say, com.microsoft). */
export function isOnnxOp(n: OnnxNode, ...opTypes: string[]): boolean {
  return !n.domain && opTypes.includes(n.opType);
}

export class GraphView {
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

  /** What makes a tensor, for refusal messages: its op (with a non-default domain), or constant / graph input. */
  describe(name: string): string {
    const n = this.producer.get(name);
    if (!n) return this.model.graph.initializers.has(name) ? `constant '${name}'` : `graph input '${name}'`;
    return n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
  }

  /** A constant tensor's values and dims: initialiser, Constant node, or a constant-only chain. */
  constant(name: string, depth = 0): ConstantTensor | undefined {
    if (!name || depth > MAX_CONSTANT_DEPTH) return undefined;
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
        const quantisation = this.quantisation(n.inputs[1], n.inputs[2], depth + 1);
        if (!q || !quantisation) return undefined;
        // blocked quantisation (opset 21) is not folded
        if (n.attributes.has('block_size') && this.attrInt(n, 'block_size', 0) > 0) return undefined;
        const axis = this.attrInt(n, 'axis', 1);
        const { scale, zeroPoint } = quantisation;
        return { values: dequantise(q.values, q.dims, scale.values, zeroPoint?.values, axis < 0 ? axis + q.dims.length : axis), dims: q.dims };
      }
      default:
        return undefined;
    }
  }

  /**
   * A constant scale and its zero point, as DequantizeLinear and QLinearAdd take them: the zero
   * point is optional (no name: none), but a named one must be constant too.
   */
  quantisation(scaleName: string, zeroPointName: string | undefined, depth = 0): { scale: ConstantTensor; zeroPoint?: ConstantTensor } | undefined {
    const scale = this.constant(scaleName, depth);
    const zeroPoint = zeroPointName ? this.constant(zeroPointName, depth) : undefined;
    if (!scale || (zeroPointName && !zeroPoint)) return undefined;
    return { scale, zeroPoint };
  }

  /** The rank of a tensor, from shapes in the graph or from the op that makes it. */
  rank(name: string, depth = 0): number | undefined {
    if (this.rankMemo.has(name)) return this.rankMemo.get(name);
    let r: number | undefined;
    const vi = this.model.graph.valueInfo.get(name);
    const init = this.model.graph.initializers.get(name);
    if (vi?.shape) r = vi.shape.length;
    else if (init) r = init.dims.length;
    else if (depth < MAX_RANK_DEPTH) {
      const n = this.producer.get(name);
      if (n) r = this.rankFromProducer(n, depth + 1);
    }
    this.rankMemo.set(name, r);
    return r;
  }

  private rankFromProducer(n: OnnxNode, depth: number): number | undefined {
    const op = n.opType;
    // a convolution's output has the rank of its weight [M, C/group, k1, ..., kn]
    if (op === 'Conv' || op === 'ConvTranspose' || op === 'ConvInteger') return this.rank(n.inputs[1], depth);
    if (op === 'QLinearConv') return this.rank(n.inputs[3], depth);
    if (op === 'MaxPool' || op === 'AveragePool' || op === 'LpPool' || op === 'QLinearAveragePool') {
      const k = this.attrInts(n, 'kernel_shape');
      return k ? k.length + 2 : this.rank(n.inputs[0], depth);
    }
    if (op === 'GlobalAveragePool' || op === 'GlobalMaxPool' || op === 'QLinearGlobalAveragePool') return this.rank(n.inputs[0], depth);
    if (RANK_PRESERVING_OPS.has(op)) {
      let best: number | undefined;
      for (const i of n.inputs) {
        if (!i || this.model.graph.initializers.has(i)) continue;
        const r = this.rank(i, depth);
        if (r !== undefined && (best === undefined || r > best)) best = r;
        if (!RANK_OF_LARGEST_INPUT_OPS.has(op) && best !== undefined) break;
      }
      return best;
    }
    return undefined;
  }
}

/**
 * Recognising the linear layer that makes the logits, and reading its weights W [K, C] and bias
 * b [C] out of the graph (dequantised where the model stores them quantised):
 *   - Gemm(x, B, C) with transA = 0, transB 0 or 1, alpha, beta (B and C constant),
 *   - Add(MatMul(x, W), b) in either operand order, or a MatMul alone (bias 0),
 *   - DequantizeLinear(QLinearAdd(QLinearMatMul(x_q, W_q), b_q)) (com.microsoft QLinearAdd), or
 *     DequantizeLinear(QLinearMatMul(x_q, W_q)) alone.
 */
import type { OnnxNode } from './onnx.ts';
import { dequantise, dequantiseWeightMatrix, transpose, type ConstantTensor } from './constant-tensors.ts';
import { isOnnxOp, type GraphView } from './graph-view.ts';
import { NotACamHead } from './head-refusal.ts';

export interface LinearLayer {
  /** The activation the layer reads: the pooled features, possibly flattened / reshaped. */
  input: string;
  /** K x C row-major: weights[k*C + c]. */
  weights: Float64Array;
  /** K, the inputs per sample (the feature map's channels). */
  channels: number;
  /** C, the outputs (the logits). */
  classes: number;
  /** C entries. */
  bias: Float64Array;
  /** The ops that make up the layer, in graph order. */
  ops: string[];
  /** The weights or bias went through DequantizeLinear. */
  quantised: boolean;
  /** The activation input is a quantised tensor (QLinearMatMul). */
  quantisedInput: boolean;
}

/** The linear layer whose float output is `logits`; records what it looked at in `trail`. */
export function matchLinearLayer(g: GraphView, logits: string, trail: string[]): LinearLayer {
  const n = g.producer.get(logits);
  if (!n) throw new NotACamHead(`the logits '${logits}' are a ${g.describe(logits)}, not the output of a linear layer`);
  trail.push(g.describe(logits));

  if (isOnnxOp(n, 'Gemm')) return gemm(g, n);
  if (isOnnxOp(n, 'Add')) return matMulPlusBias(g, n, trail);
  if (isOnnxOp(n, 'MatMul')) return matMul(g, n);
  if (isOnnxOp(n, 'DequantizeLinear')) {
    const q = g.producer.get(n.inputs[0]);
    if (q && (q.opType === 'QLinearAdd' || q.opType === 'QLinearMatMul')) return quantisedLinear(g, q, trail);
    throw new NotACamHead(`the logits are DequantizeLinear of ${g.describe(n.inputs[0])}, not of QLinearAdd / QLinearMatMul`);
  }
  throw new NotACamHead(`the logits are produced by ${g.describe(logits)}, not by a linear layer (Gemm, MatMul + Add, QLinearMatMul + QLinearAdd)`);
}

/** Gemm(x, B, C) = alpha * x * B + beta * C, with B stored transposed ([C, K]) when transB = 1. */
function gemm(g: GraphView, n: OnnxNode): LinearLayer {
  if (g.attrInt(n, 'transA', 0) !== 0) throw new NotACamHead('Gemm with transA = 1');
  const alpha = g.attrFloat(n, 'alpha', 1);
  const beta = g.attrFloat(n, 'beta', 1);
  const transB = g.attrInt(n, 'transB', 0) !== 0;
  const stored = weightMatrix(g.constant(n.inputs[1]), `Gemm weight '${n.inputs[1]}'`);
  const kByC = transB ? transpose(stored.values, [stored.rows, stored.cols], [1, 0]) : { values: stored.values, dims: [stored.rows, stored.cols] };
  const [k, c] = kByC.dims;
  const weights = kByC.values.map((v) => alpha * v);
  let bias: Float64Array = new Float64Array(c);
  if (n.inputs[2]) {
    const bc = g.constant(n.inputs[2]);
    if (!bc) throw new NotACamHead(`Gemm bias '${n.inputs[2]}' is not a constant`);
    bias = biasVector(bc, c, beta, `Gemm bias '${n.inputs[2]}'`);
  }
  return { input: n.inputs[0], weights, channels: k, classes: c, bias, ops: ['Gemm'], quantised: isDequantised(g, n.inputs[1]), quantisedInput: false };
}

/** Add(MatMul(x, W), b), the bias being either operand. */
function matMulPlusBias(g: GraphView, add: OnnxNode, trail: string[]): LinearLayer {
  const operands = splitConstantOperand(g, add.inputs[0], add.inputs[1]);
  if (!operands) throw new NotACamHead('an Add that is not a bias add (MatMul + constant)');
  const mm = g.producer.get(operands.other);
  if (!mm || mm.opType !== 'MatMul') throw new NotACamHead(`an Add of a constant to ${g.describe(operands.other)}, not to a MatMul`);
  trail.push('MatMul');
  const linear = matMul(g, mm);
  linear.bias = biasVector(operands.constant, linear.classes, 1, `bias '${operands.constantName}'`);
  linear.ops = ['MatMul', 'Add'];
  linear.quantised ||= isDequantised(g, operands.constantName);
  return linear;
}

/** MatMul(x, W) with a constant W [K, C]: a linear layer without bias. */
function matMul(g: GraphView, n: OnnxNode): LinearLayer {
  const wc = g.constant(n.inputs[1]);
  if (!wc) throw new NotACamHead(`MatMul weight '${n.inputs[1]}' is not a constant (${g.describe(n.inputs[1])})`);
  const m = weightMatrix(wc, `MatMul weight '${n.inputs[1]}'`);
  return { input: n.inputs[0], weights: m.values, channels: m.rows, classes: m.cols, bias: new Float64Array(m.cols), ops: ['MatMul'], quantised: isDequantised(g, n.inputs[1]), quantisedInput: false };
}

/** `q` is QLinearAdd(QLinearMatMul(...), bias) or QLinearMatMul alone, read by the DequantizeLinear that makes the logits. */
function quantisedLinear(g: GraphView, q: OnnxNode, trail: string[]): LinearLayer {
  let bias: Float64Array | undefined;
  let matMulNode = q;
  trail.push(g.describe(q.outputs[0]));
  if (q.opType === 'QLinearAdd') {
    // QLinearAdd(A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp): the bias is A or B
    const operands = splitConstantOperand(g, q.inputs[0], q.inputs[3]);
    if (!operands) throw new NotACamHead('a QLinearAdd that is not a bias add');
    const base = operands.constantIndex * 3;
    const biasQuantisation = g.quantisation(q.inputs[base + 1], q.inputs[base + 2]);
    if (!biasQuantisation) throw new NotACamHead('QLinearAdd bias scale / zero point are not constants');
    const quantisedBias = operands.constant.values;
    bias = dequantise(quantisedBias, [quantisedBias.length], biasQuantisation.scale.values, biasQuantisation.zeroPoint?.values, 0);
    const mm = g.producer.get(operands.other);
    if (!mm || mm.opType !== 'QLinearMatMul') throw new NotACamHead(`a QLinearAdd of ${g.describe(operands.other)}, not of a QLinearMatMul`);
    trail.push('QLinearMatMul');
    matMulNode = mm;
  }
  // QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): the weight is b, its zero point is required
  const quantisedWeights = weightMatrix(g.constant(matMulNode.inputs[3]), `QLinearMatMul weight '${matMulNode.inputs[3]}'`);
  const scale = g.constant(matMulNode.inputs[4]);
  const zeroPoint = g.constant(matMulNode.inputs[5]);
  if (!scale || !zeroPoint) throw new NotACamHead('QLinearMatMul weight scale / zero point are not constants');
  const weights = dequantiseWeightMatrix(quantisedWeights.values, [quantisedWeights.rows, quantisedWeights.cols], scale, zeroPoint);
  const classes = quantisedWeights.cols;
  const biasOfClasses = bias ? biasVector({ values: bias, dims: [bias.length] }, classes, 1, 'QLinearAdd bias') : new Float64Array(classes);
  const ops = q.opType === 'QLinearAdd' ? ['QLinearMatMul', 'QLinearAdd', 'DequantizeLinear'] : ['QLinearMatMul', 'DequantizeLinear'];
  return { input: matMulNode.inputs[0], weights, channels: quantisedWeights.rows, classes, bias: biasOfClasses, ops, quantised: true, quantisedInput: true };
}

/**
 * The operands of a bias add: exactly one of the two must be constant (the bias); undefined
 * when both or neither are.  constantIndex says which one it was (0: first, 1: second).
 */
function splitConstantOperand(g: GraphView, first: string, second: string): { constant: ConstantTensor; constantName: string; constantIndex: 0 | 1; other: string } | undefined {
  const c0 = g.constant(first);
  const c1 = g.constant(second);
  if ((c0 === undefined) === (c1 === undefined)) return undefined;
  return c1 ? { constant: c1, constantName: second, constantIndex: 1, other: first } : { constant: c0!, constantName: first, constantIndex: 0, other: second };
}

/**
 * Whether a weight or bias was made by DequantizeLinear (QDQ models), looking back a few ops
 * along first inputs so that Transpose / Identity / Cast of the dequantised constant count too.
 */
function isDequantised(g: GraphView, name: string): boolean {
  for (let i = 0, cur = name; i < 8; i++) {
    const n = g.producer.get(cur);
    if (!n) return false;
    if (n.opType === 'DequantizeLinear') return true;
    cur = n.inputs[0];
  }
  return false;
}

function weightMatrix(c: ConstantTensor | undefined, what: string): { values: Float64Array; rows: number; cols: number } {
  if (!c) throw new NotACamHead(`${what} is not a constant`);
  if (c.dims.length !== 2) throw new NotACamHead(`${what} has ${c.dims.length} dimensions [${c.dims.join(',')}], expected 2`);
  return { values: c.values, rows: c.dims[0], cols: c.dims[1] };
}

/** `scale` times a bias of one value or of C values (any other dims of size 1), as C values. */
function biasVector(c: ConstantTensor, classes: number, scale: number, what: string): Float64Array {
  const out = new Float64Array(classes);
  const n = c.values.length;
  const okShape = c.dims.filter((d) => d !== 1).length <= 1;
  if (!okShape || (n !== classes && n !== 1)) throw new NotACamHead(`${what} of shape [${c.dims.join(',')}] does not broadcast to ${classes} classes`);
  for (let i = 0; i < classes; i++) out[i] = scale * c.values[n === 1 ? 0 : i];
  return out;
}

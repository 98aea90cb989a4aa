/**
 * The ops the CAM-head walk steps over on its way back from the graph output:
 *   - after the linear layer, back from the graph output to the logits: one Softmax / LogSoftmax,
 *     Identity, and QuantizeLinear -> DequantizeLinear pairs (QDQ models quantise the logits);
 *   - between the pooling and the linear layer: Flatten (axis 1), Reshape, Squeeze, Identity,
 *     Dropout, and, on float activations, QuantizeLinear -> DequantizeLinear pairs.
 */
import type { OnnxNode } from './onnx.ts';
import { isOnnxOp, type GraphView } from './graph-view.ts';
import { NotACamHead } from './head-refusal.ts';

/** How many ops after the linear layer are stepped over at most. */
const MAX_TAIL_STEPS = 8;

/**
 * After the pooling the map is [N, K] or [N, K, 1, 1(, 1)]; these ops are taken to only drop the
 * 1s (a Reshape's target shape is not checked).
 */
const SHAPE_ONLY_OPS = new Set(['Flatten', 'Reshape', 'Squeeze', 'Identity', 'Dropout']);

export interface LogitsTail {
  /** The linear layer's float output. */
  logits: string;
  /** A Softmax / LogSoftmax was stepped over. */
  softmax: boolean;
  /** The ops stepped over, in graph order (Identity is not listed). */
  ops: string[];
}

/** Walks back from the graph output to the tensor the linear layer should make. */
export function walkBackToLogits(g: GraphView, output: string, trail: string[]): LogitsTail {
  let cur = output;
  let softmax = false;
  const ops: string[] = [];
  for (let i = 0; i < MAX_TAIL_STEPS; i++) {
    const n = g.producer.get(cur);
    if (!n) break;
    if (isOnnxOp(n, 'Softmax', 'LogSoftmax') && !softmax) {
      trail.push(n.opType);
      ops.unshift(n.opType);
      softmax = true;
      cur = n.inputs[0];
      continue;
    }
    if (isOnnxOp(n, 'Identity')) {
      trail.push('Identity');
      cur = n.inputs[0];
      continue;
    }
    // QDQ models may quantise the logits: DequantizeLinear(QuantizeLinear(linear output))
    const qn = isOnnxOp(n, 'DequantizeLinear') ? g.producer.get(n.inputs[0]) : undefined;
    if (qn && isOnnxOp(qn, 'QuantizeLinear')) {
      trail.push('DequantizeLinear', 'QuantizeLinear');
      ops.unshift('QuantizeLinear', 'DequantizeLinear');
      cur = qn.inputs[0];
      continue;
    }
    break;
  }
  return { logits: cur, softmax, ops };
}

/**
 * One step back from the linear layer towards the pooling.  Returns the tensor before `n` when
 * `n` is a pass-through op (recording it in `ops` / `trail`), undefined when it is not; refuses
 * the look-alikes that would change the numbers (Flatten of other axes, a lone DequantizeLinear).
 * `quantised`: the linear layer reads a quantised tensor, whose QDQ pairs are not stepped over.
 */
export function stepBackOverPassThrough(g: GraphView, n: OnnxNode, quantised: boolean, trail: string[], ops: string[]): { before: string } | undefined {
  const op = n.opType;
  if (SHAPE_ONLY_OPS.has(op) && !n.domain) {
    if (op === 'Flatten' && g.attrInt(n, 'axis', 1) !== 1) throw new NotACamHead(`Flatten with axis ${g.attrInt(n, 'axis', 1)}`);
    ops.unshift(op);
    return { before: n.inputs[0] };
  }
  if (!quantised && isOnnxOp(n, 'DequantizeLinear')) {
    const qn = g.producer.get(n.inputs[0]);
    if (qn && qn.opType === 'QuantizeLinear') {
      ops.unshift('QuantizeLinear', 'DequantizeLinear');
      trail.push('QuantizeLinear');
      return { before: qn.inputs[0] };
    }
    throw new NotACamHead(`DequantizeLinear of ${g.describe(n.inputs[0])} between pooling and the linear layer`);
  }
  return undefined;
}

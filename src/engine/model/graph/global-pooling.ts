/**
 * Recognising the global average pooling in front of the linear layer; its input is the feature
 * map A:
 *   - GlobalAveragePool (rank 4 or 5),
 *   - ReduceMean over exactly the spatial axes {2..r-1} (axes attribute before opset 18, axes
 *     input from opset 18), keepdims either way,
 *   - QLinearGlobalAveragePool (channels_last = 0) on a quantised map: A is the float tensor that
 *     was quantised (the QuantizeLinear input) or, failing that, the float tensor that a
 *     DequantizeLinear makes from the same quantised map (the ONNX Model Zoo MobileNetV2 int8 has
 *     `627` = DequantizeLinear(`627_quantized`)).
 * Max pooling, partial means and channels-last pooling are refused.
 */
import type { OnnxNode } from './onnx.ts';
import { isOnnxOp, type GraphView } from './graph-view.ts';
import { NotACamHead } from './head-refusal.ts';
import { stepBackOverPassThrough } from './pass-through.ts';

/** How many pass-through ops between pooling and linear layer are stepped over at most. */
const MAX_PASS_THROUGH_STEPS = 32;

export interface Pooling {
  /** The feature map A (float). */
  feature: string;
  /** A's rank, when the graph fixes it. */
  rank: number | undefined;
  /** The ops from A to the output (the caller's `ops` with the pooling side prepended). */
  ops: string[];
}

/**
 * Walks back from the linear layer's input over pass-through ops to the pooling.  `quantised`:
 * the linear layer reads a quantised tensor, so the pooling must be QLinearGlobalAveragePool.
 * The ops found are prepended to `ops`.
 */
export function walkBackToPooling(g: GraphView, linearInput: string, quantised: boolean, trail: string[], ops: string[]): Pooling {
  let cur = linearInput;
  for (let steps = 0; steps < MAX_PASS_THROUGH_STEPS; steps++) {
    const n = g.producer.get(cur);
    if (!n) throw new NotACamHead(`the linear layer's input comes from ${g.describe(cur)}, not from global average pooling`);
    trail.push(g.describe(cur));
    const step = stepBackOverPassThrough(g, n, quantised, trail, ops);
    if (step) {
      cur = step.before;
      continue;
    }
    return recognisePooling(g, n, cur, quantised, ops);
  }
  throw new NotACamHead('too many pass-through ops between pooling and the linear layer');
}

/** `n` makes `tensor`, the first tensor before the linear layer that no pass-through op made. */
function recognisePooling(g: GraphView, n: OnnxNode, tensor: string, quantised: boolean, ops: string[]): Pooling {
  const op = n.opType;
  if (!quantised && isOnnxOp(n, 'GlobalAveragePool')) {
    ops.unshift(op);
    return { feature: n.inputs[0], rank: g.rank(n.inputs[0]), ops };
  }
  if (!quantised && isOnnxOp(n, 'ReduceMean')) {
    ops.unshift(op);
    return reduceMeanPooling(g, n, ops);
  }
  if (quantised && op === 'QLinearGlobalAveragePool') {
    if (g.attrInt(n, 'channels_last', 0) !== 0) throw new NotACamHead('QLinearGlobalAveragePool with channels_last = 1 (channels-last maps are not supported)');
    ops.unshift(op);
    // QLinearGlobalAveragePool(X, x_scale, x_zero_point, y_scale, y_zero_point)
    return { feature: floatFeatureMap(g, n.inputs[0], n.inputs[1], n.inputs[2], ops), rank: g.rank(n.inputs[0]), ops };
  }
  if (op === 'GlobalMaxPool' || op === 'ReduceMax') throw new NotACamHead(`${op} (max pooling) before the linear layer`);
  throw new NotACamHead(`the linear layer's input comes from ${g.describe(tensor)}, not from global average pooling (through Flatten / Reshape / Squeeze)`);
}

/** A ReduceMean is global average pooling when it averages exactly the axes after N and K. */
function reduceMeanPooling(g: GraphView, n: OnnxNode, ops: string[]): Pooling {
  let axes: number[] | undefined;
  if (n.inputs[1]) {
    const c = g.constant(n.inputs[1]);
    if (!c) throw new NotACamHead('ReduceMean with non-constant axes');
    axes = Array.from(c.values);
  } else {
    axes = g.attrInts(n, 'axes');
  }
  if (!axes || axes.length === 0) {
    if (g.attrInt(n, 'noop_with_empty_axes', 0) !== 0) throw new NotACamHead('ReduceMean with no axes and noop_with_empty_axes = 1 (no pooling)');
    throw new NotACamHead('ReduceMean over all axes (the channels are averaged too)');
  }
  // With no shape information the axes must be the trailing ones after N and K, which fixes the
  // rank; the rank so found is reported like one read from the graph.
  const rank = g.rank(n.inputs[0]) ?? axes.length + 2;
  const norm = [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  const want = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  if (norm.length !== want.length || norm.some((a, i) => a !== want[i])) {
    const hint = norm.length && norm.every((a) => a >= 1 && a < rank - 1) && norm[0] === 1 ? ' (channels-last pooling is not supported)' : '';
    throw new NotACamHead(`ReduceMean over axes [${axes.join(',')}] of a rank-${rank} tensor, not over all spatial axes [${want.join(',')}]${hint}`);
  }
  return { feature: n.inputs[0], rank, ops };
}

/**
 * The float tensor behind a quantised feature map: the QuantizeLinear input, or the output of a
 * DequantizeLinear of the map with the same scale and zero point as the pooling reads it with.
 */
function floatFeatureMap(g: GraphView, quantisedMap: string, scale: string | undefined, zeroPoint: string | undefined, ops: string[]): string {
  const p = g.producer.get(quantisedMap);
  if (p && p.opType === 'QuantizeLinear') {
    ops.unshift('QuantizeLinear');
    return p.inputs[0];
  }
  // the same tensor name, or two constants with equal values (an empty name: no zero point)
  const same = (a: string | undefined, b: string | undefined): boolean => {
    if ((a ?? '') === (b ?? '')) return true;
    const ca = a ? g.constant(a) : undefined;
    const cb = b ? g.constant(b) : undefined;
    if (!ca || !cb || ca.values.length !== cb.values.length) return false;
    return ca.values.every((v, i) => v === cb.values[i]);
  };
  for (const c of g.consumers.get(quantisedMap) ?? []) {
    if (c.opType === 'DequantizeLinear' && c.inputs[0] === quantisedMap && same(c.inputs[1], scale) && same(c.inputs[2], zeroPoint)) {
      return c.outputs[0];
    }
  }
  throw new NotACamHead(`the quantised feature map '${quantisedMap}' (from ${g.describe(quantisedMap)}) has no float version in the graph (no QuantizeLinear input and no DequantizeLinear of it)`);
}

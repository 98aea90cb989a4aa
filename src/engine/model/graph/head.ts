/**
 * Finding the classifier head "global average pooling -> (Flatten/Reshape/Squeeze)? -> linear"
 * of an ONNX graph, for closed-form Grad-CAM / Grad-CAM++ (docs/algorithms.md, "Grad-CAM and
 * Grad-CAM++").
 *
 * Walk, from the graph output back (names as in the ONNX operator set):
 *   1. optional Softmax / LogSoftmax, Identity, QuantizeLinear -> DequantizeLinear pairs (QDQ
 *      models); the linear layer's (float) output is then the logits (pass-through.ts);
 *   2. the linear layer: Gemm, MatMul (+ Add), or QLinearMatMul (+ QLinearAdd) with dequantised
 *      weights; a constant operand may itself be an initialiser, a Constant node, or
 *      DequantizeLinear / Transpose / Identity / Cast of a constant (linear-layer.ts, graph-view.ts);
 *   3. pass-through ops: Flatten(axis 1), Reshape, Squeeze, Identity, Dropout, and
 *      QuantizeLinear -> DequantizeLinear pairs (QDQ activations) (pass-through.ts);
 *   4. the pooling, whose input is the feature map A: GlobalAveragePool, ReduceMean over the
 *      spatial axes, or QLinearGlobalAveragePool of a quantised map (global-pooling.ts).
 * Anything else is refused with REFUSAL_MESSAGE plus what was found.  In particular a nonlinearity
 * between pooling and the linear layer, two linear layers, a linear layer over an un-pooled map,
 * partial means and channels-last pooling are refused.  Nonlinearities *before* the pooling
 * (DenseNet's final ReLU) are part of A and are fine: the closed form holds for the pooled tensor.
 */
import { DataType, dataTypeName, parseOnnxModel, type OnnxModel } from './onnx.ts';
import { GraphView } from './graph-view.ts';
import { CamHeadRefusal, NotACamHead, REFUSAL_MESSAGE } from './head-refusal.ts';
import { matchLinearLayer } from './linear-layer.ts';
import { walkBackToLogits } from './pass-through.ts';
import { walkBackToPooling } from './global-pooling.ts';

export { CamHeadRefusal, REFUSAL_MESSAGE } from './head-refusal.ts';

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

export type CamHeadResult = { ok: true; head: CamHead } | { ok: false; message: string; found: string };

export interface FindCamHeadOptions {
  /** The graph output to start from; default: the first graph output. */
  output?: string;
}

/** Finds the GAP + linear head, or says why not. */
export function findCamHead(model: OnnxModel | Uint8Array, options: FindCamHeadOptions = {}): CamHeadResult {
  const m = model instanceof Uint8Array ? parseOnnxModel(model) : model;
  const g = new GraphView(m);
  // what the walk has looked at, output first, for the refusal message
  const trail: string[] = [];
  try {
    const outputs = m.graph.outputs.map((o) => o.name);
    const output = options.output ?? outputs[0];
    if (!output) throw new NotACamHead('the graph has no outputs');
    if (!outputs.includes(output)) throw new NotACamHead(`'${output}' is not a graph output (outputs: ${outputs.join(', ')})`);
    const tail = walkBackToLogits(g, output, trail);
    const linear = matchLinearLayer(g, tail.logits, trail);
    const pool = walkBackToPooling(g, linear.input, linear.quantisedInput, trail, [...linear.ops, ...tail.ops]);
    const rankKnown = pool.rank !== undefined;
    const rank = pool.rank ?? 4;
    if (rank !== 4 && rank !== 5) throw new NotACamHead(`the pooled feature map has rank ${rank}; only [N,K,h,w] and [N,K,t,h,w] are supported`);
    const vi = m.graph.valueInfo.get(pool.feature);
    if (vi?.elemType !== undefined && vi.elemType !== DataType.FLOAT) {
      throw new NotACamHead(`the feature map '${pool.feature}' is ${dataTypeName(vi.elemType)}, not float`);
    }
    const kDim = vi?.shape?.[1];
    if (typeof kDim === 'number' && kDim !== linear.channels) throw new NotACamHead(`the feature map has ${kDim} channels but the linear layer takes ${linear.channels} inputs`);
    const head: CamHead = {
      featureTensor: pool.feature,
      weights: new Float32Array(linear.weights),
      bias: new Float32Array(linear.bias),
      channels: linear.channels,
      classes: linear.classes,
      rank,
      rankKnown,
      logitsTensor: tail.logits,
      outputTensor: output,
      softmax: tail.softmax,
      quantised: linear.quantised,
      ops: pool.ops,
    };
    return { ok: true, head };
  } catch (err) {
    if (err instanceof NotACamHead) {
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

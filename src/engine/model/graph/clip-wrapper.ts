/**
 * wrapAsClipModel: any image classifier with a GAP + linear head (head.ts) as a clip classifier,
 * one ONNX graph:
 *
 *   clip            [N, 3, T, H, W]     the new input (NCTHW, as the engine's clips)
 *   Transpose       [N, T, 3, H, W]
 *   Reshape         [N·T, 3, H, W]      = the image model's input tensor, under its own name
 *   ... the image model's body, unchanged, up to its feature map A [N·T, K, h, w] ...
 *   Reshape         [N, T, K, h, w]     (K, h, w read with Shape at run time: no shape guessing)
 *   Transpose       clip_features [N, K, T, h, w]   the 5-D feature map Grad-CAM++ exposes
 *   GlobalAveragePool, Flatten          [N, K]      the mean over (T, h, w)
 *   Gemm(W, b)      [N, C]              the image model's linear head (and its Softmax, if any)
 *
 * Because the head is linear after the pooling, mean over (T, h, w) then W·+b equals the image
 * model's per-frame logits averaged over the T frames.  The image model's own head (everything
 * after A) is dropped and rebuilt as one float Gemm from the weights head.ts read out of it: for a
 * float head these are its own weights (alpha, beta and transB folded in); for a quantised head
 * (QLinearGlobalAveragePool + QLinearMatMul + QLinearAdd) they are the dequantised weights, and the
 * pooling runs on the float map A in float, so the int8 model's requantisation of the pooled map
 * and of the logits is not reproduced (its clip logits match the per-frame ones only to within
 * that quantisation).  A QuantizeLinear → DequantizeLinear pair on the logits (QDQ models) is left
 * out for the same reason.
 *
 * The batch N stays dynamic, T is fixed.  Edits are byte splices (protobuf-splice.ts): the body's
 * nodes and weights are the image model's bytes.  New tensor names start with `clip`, not
 * `borex_`, so that the masked-input wrapper (masked-input.ts) can still wrap the clip model.
 */
import { encodeValueInfo } from './add-outputs.ts';
import { requireCamHead, type CamHead } from './head.ts';
import { DataType, NodeProtoType, parseOnnxModel, TensorProtoType, ValueInfoProtoType, type OnnxModel } from './onnx.ts';
import { editGraph, GraphField, lengthDelimited, scanFields, type ProtoField } from './protobuf-splice.ts';

export const CLIP_INPUT = 'clip';
export const CLIP_FEATURES = 'clip_features';

export interface ClipWrapOptions {
  /** T, the clip length the graph is built for. */
  frames: number;
  /** Only NCTHW is built: the engine's own clip layout. */
  layout?: 'NCTHW';
  /** The image input's height and width when the graph leaves them symbolic (from the model's spec). */
  height?: number;
  width?: number;
}

export interface ClipWrapResult {
  bytes: Uint8Array;
  /** The image model's head as found (featureTensor is the image model's A). */
  imageHead: CamHead;
  inputName: string;
  outputName: string;
  /** The 5-D feature map [N, K, T, h, w]. */
  featureTensor: string;
  frames: number;
  height: number;
  width: number;
  channels: number;
  classes: number;
  /** The linear head's weights were dequantised (the image model's head was quantised). */
  dequantisedHead: boolean;
}

/** Thrown when the model cannot be wrapped; the caller names the file (modelError). */
export class ClipWrapRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClipWrapRefusal';
  }
}

const MIN_OPSET = 7; // Gemm with broadcast bias, Reshape with a shape input
const MAX_FRAMES = 4096;
const AttributeType = { INT: 2, TENSOR: 4, INTS: 7 } as const;
/** GraphProto.value_info (not in GraphField, which lists only what other edits use). */
const VALUE_INFO_FIELD = 13;

/** Builds the clip graph from the image model's bytes; throws ClipWrapRefusal (or CamHeadRefusal: no GAP + linear head). */
export function wrapAsClipModel(imageModel: Uint8Array, options: ClipWrapOptions): ClipWrapResult {
  const T = options.frames;
  if (!Number.isInteger(T) || T < 1 || T > MAX_FRAMES) throw new ClipWrapRefusal(`the clip length must be an integer from 1 to ${MAX_FRAMES}, got ${T}`);
  if ((options.layout ?? 'NCTHW') !== 'NCTHW') throw new ClipWrapRefusal(`only the NCTHW layout is built, not ${options.layout}`);
  const model = parseOnnxModel(imageModel);
  const g = model.graph;
  const opset = model.opsets.get('') ?? 0;
  if (opset < MIN_OPSET) throw new ClipWrapRefusal(`opset ${opset} is older than ${MIN_OPSET}`);
  const head = requireCamHead(model);
  if (head.rank !== 4) throw new ClipWrapRefusal(`its feature map '${head.featureTensor}' has rank ${head.rank}; only image models ([N,K,h,w] feature maps) are wrapped`);
  if (g.inputs.length !== 1) throw new ClipWrapRefusal(`it has ${g.inputs.length} inputs (${g.inputs.map((i) => i.name).join(', ')}); only single-input image models are wrapped`);
  const image = g.inputs[0];
  const shape = image.shape;
  if (shape && shape.length !== 4) throw new ClipWrapRefusal(`its input '${image.name}' has rank ${shape.length}, not 4 ([N,3,H,W])`);
  if (typeof shape?.[1] === 'number' && shape[1] !== 3) throw new ClipWrapRefusal(`its input '${image.name}' is [${shape.join(',')}], not channels-first with 3 channels (NCHW)`);
  const height = sizeOf(shape?.[2], options.height, 'height');
  const width = sizeOf(shape?.[3], options.width, 'width');

  const kept = bodyNodes(model, head.featureTensor);
  const names = tensorNames(model);
  const softmaxOp = head.ops.includes('LogSoftmax') ? 'LogSoftmax' : head.ops.includes('Softmax') ? 'Softmax' : undefined;
  const output = head.outputTensor;
  const t = {
    frames5: 'clip_frames_ntchw',
    frameShape: 'clip_frame_shape',
    shape: 'clip_feature_shape4',
    khwIndex: 'clip_khw_index',
    khw: 'clip_khw',
    nt: 'clip_n_t',
    shape5: 'clip_feature_shape5',
    ntkhw: 'clip_features_ntkhw',
    pooled: 'clip_pooled',
    flat: 'clip_pooled_flat',
    weight: 'clip_head_weight',
    bias: 'clip_head_bias',
    logits: softmaxOp ? 'clip_logits' : output,
  };
  for (const name of [CLIP_INPUT, CLIP_FEATURES, ...Object.values(t)]) {
    if (name !== output && names.has(name)) throw new ClipWrapRefusal(`the graph already uses the name '${name}'`);
  }

  const A = head.featureTensor;
  const aShape = g.valueInfo.get(A)?.shape;
  const h = typeof aShape?.[2] === 'number' ? aShape[2] : null;
  const w = typeof aShape?.[3] === 'number' ? aShape[3] : null;
  const front = [
    valueInfo(CLIP_INPUT, ['N', 3, T, height, width], GraphField.input),
    node('Transpose', [CLIP_INPUT], [t.frames5], [intsAttribute('perm', [0, 2, 1, 3, 4])]),
    constantInt64(t.frameShape, [-1, 3, height, width]),
    node('Reshape', [t.frames5, t.frameShape], [image.name]),
  ];
  const back = [
    node('Shape', [A], [t.shape]),
    constantInt64(t.khwIndex, [1, 2, 3]),
    node('Gather', [t.shape, t.khwIndex], [t.khw], [intAttribute('axis', 0)]),
    constantInt64(t.nt, [-1, T]),
    node('Concat', [t.nt, t.khw], [t.shape5], [intAttribute('axis', 0)]),
    node('Reshape', [A, t.shape5], [t.ntkhw]),
    node('Transpose', [t.ntkhw], [CLIP_FEATURES], [intsAttribute('perm', [0, 2, 1, 3, 4])]),
    valueInfo(CLIP_FEATURES, ['N', head.channels, T, h, w], VALUE_INFO_FIELD),
    node('GlobalAveragePool', [CLIP_FEATURES], [t.pooled]),
    node('Flatten', [t.pooled], [t.flat], [intAttribute('axis', 1)]),
    initializer(t.weight, head.weights, [head.channels, head.classes]),
    initializer(t.bias, head.bias, [head.classes]),
    node('Gemm', [t.flat, t.weight, t.bias], [t.logits]),
    ...(softmaxOp ? [node(softmaxOp, [t.logits], [output], [intAttribute('axis', 1)])] : []),
    valueInfo(output, ['N', head.classes], GraphField.output),
  ];

  const keptNodes = new Set(kept);
  const usedByKept = new Set<string>();
  for (const n of kept) for (const i of n.inputs) usedByKept.add(i);
  // tensors only the dropped head made: their value_info would describe nothing (or the old shapes)
  const dropped = new Set<string>([image.name, A]);
  for (const n of g.nodes) if (!keptNodes.has(n)) for (const o of n.outputs) dropped.add(o);
  let nodeIndex = 0;
  const drop = (f: ProtoField, graph: Uint8Array): boolean => {
    const payload = graph.subarray(f.payload, f.end);
    switch (f.field) {
      case GraphField.node: return !keptNodes.has(g.nodes[nodeIndex++]);
      case GraphField.initializer: return !usedByKept.has(tensorName(payload));
      case GraphField.input: return !usedByKept.has(valueInfoName(payload)) || valueInfoName(payload) === image.name;
      case GraphField.output: return true;
      case VALUE_INFO_FIELD: return dropped.has(valueInfoName(payload));
      default: return false;
    }
  };
  // nodes are listed in topological order: the frame reshaping before the body, the head after
  const bytes = editGraph(imageModel, { prepend: front, append: back, drop });
  if (nodeIndex !== g.nodes.length) throw new ClipWrapRefusal('its graph is split over several graph fields, which this wrapper does not merge');
  return {
    bytes,
    imageHead: head,
    inputName: CLIP_INPUT,
    outputName: output,
    featureTensor: CLIP_FEATURES,
    frames: T,
    height,
    width,
    channels: head.channels,
    classes: head.classes,
    dequantisedHead: head.quantised,
  };
}

function sizeOf(fromGraph: number | string | null | undefined, given: number | undefined, what: string): number {
  if (typeof fromGraph === 'number') {
    if (given !== undefined && given !== fromGraph) throw new ClipWrapRefusal(`its input ${what} is ${fromGraph}, not ${given} as its spec says`);
    return fromGraph;
  }
  if (given !== undefined && Number.isInteger(given) && given > 0) return given;
  throw new ClipWrapRefusal(`its input ${what} is not fixed by the graph; give it (the model spec's ${what})`);
}

/** The nodes A depends on (A's producer included), in graph order: the per-frame body. */
function bodyNodes(model: OnnxModel, feature: string): OnnxModel['graph']['nodes'] {
  const producer = new Map<string, OnnxModel['graph']['nodes'][number]>();
  for (const n of model.graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const needed = new Set<OnnxModel['graph']['nodes'][number]>();
  const stack = [feature];
  while (stack.length) {
    const n = producer.get(stack.pop()!);
    if (!n || needed.has(n)) continue;
    needed.add(n);
    for (const i of n.inputs) if (i) stack.push(i);
  }
  return model.graph.nodes.filter((n) => needed.has(n));
}

function tensorNames(model: OnnxModel): Set<string> {
  const g = model.graph;
  const names = new Set<string>([...g.inputs.map((i) => i.name), ...g.outputs.map((o) => o.name), ...g.initializers.keys(), ...g.valueInfo.keys()]);
  for (const n of g.nodes) for (const x of [...n.inputs, ...n.outputs]) names.add(x);
  return names;
}

/** TensorProto.name (field 8) without decoding the payload. */
function tensorName(tensor: Uint8Array): string {
  const f = scanFields(tensor).find((x) => x.field === 8 && x.wire === 2);
  return f ? new TextDecoder().decode(tensor.subarray(f.payload, f.end)) : '';
}

const valueInfoName = (bytes: Uint8Array): string => String(ValueInfoProtoType.decode(bytes).toJSON().name ?? '');

function node(opType: string, input: string[], output: string[], attribute: object[] = []): Uint8Array {
  return lengthDelimited(GraphField.node, NodeProtoType.encode({ op_type: opType, name: output[0], input, output, attribute }).finish());
}

function constantInt64(name: string, values: number[]): Uint8Array {
  const value = { dims: [values.length], data_type: DataType.INT64, int64_data: values };
  return node('Constant', [], [name], [{ name: 'value', type: AttributeType.TENSOR, t: TensorProtoType.fromObject(value) }]);
}

/** A float32 initializer stored as raw little-endian bytes. */
function initializer(name: string, values: Float32Array, dims: number[]): Uint8Array {
  const raw = new Uint8Array(values.length * 4);
  const dv = new DataView(raw.buffer); // little-endian whatever the host

  for (let i = 0; i < values.length; i++) dv.setFloat32(4 * i, values[i], true);
  return lengthDelimited(GraphField.initializer, TensorProtoType.encode({ name, dims, data_type: DataType.FLOAT, raw_data: raw }).finish());
}

const intAttribute = (name: string, i: number) => ({ name, type: AttributeType.INT, i });
const intsAttribute = (name: string, ints: number[]) => ({ name, type: AttributeType.INTS, ints });

function valueInfo(name: string, shape: Array<number | string | null>, field: number): Uint8Array {
  return lengthDelimited(field, encodeValueInfo(name, { name, elemType: DataType.FLOAT, shape }));
}

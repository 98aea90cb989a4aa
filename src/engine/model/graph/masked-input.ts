/**
 * addMaskedInput: an in-memory copy of a classifier whose image input is computed inside the
 * graph from factored soft masks (see FactoredMasks) and which also returns, per batch, the class
 * score of every masked image and the score-weighted sum of the masks.
 *
 *   m        = rows · grid · cols                       [B, H, W]    (two batched MatMuls)
 *   input    = baseline + m ⊙ (x − baseline)            [B, 3, H, W] (or NHWC; m ⊙ x for a zero baseline)
 *
 * x − baseline and the baseline are fed as [3, H·W] (NHWC: [H·W, 3]), the same bytes as one image.
 *   p        = softmax(model(input)) or model(input)    [B, K]
 *   weighted = p[:, label]ᵀ · m                         [1, H·W]
 *
 * RISE then hands onnxruntime a few kilobytes per mask instead of writing 3·H·W floats in
 * JavaScript, and onnxruntime does that work on all its threads. Only ops of the default domain
 * that exist unchanged since opset 7 are used (MatMul, Reshape, Mul, Add, Softmax, Gather,
 * Transpose, Constant), so any model from opset 7 on can be wrapped.
 *
 * Clips (layouts NCTHW, NTCHW, NTHWC; `frames` = T): trilinear masks are separable too, so a
 * mask is frames · (rows · grid_k · cols) with a T×s_t time factor and an s_t×s×s grid:
 *   slices   = rows · grid · cols                       [B, s_t, H, W] (rows fed [B,1,H,s], cols [B,1,s,W]: broadcast MatMuls)
 *   m        = frames · slices                          [B, T, H·W]
 *   input    = baseline + m ⊙ (x − baseline)            [B, 3, T, H, W] (or NTCHW / NTHWC)
 * with x − baseline fed as [3, T·H·W] (NTCHW: [T, 3, H·W]; NTHWC: [T·H·W, 3]), the clip's bytes in
 * the model's layout, and weighted = p[:, label]ᵀ · m  [1, T·H·W].
 */
import { encodeValueInfo } from './add-outputs.ts';
import { DataType, NodeProtoType, parseOnnxModel, TensorProtoType, ValueInfoProtoType, type OnnxModel } from './onnx.ts';
import { editGraph, GraphField, lengthDelimited } from './protobuf-splice.ts';

export const MASKED_INPUTS = {
  frames: 'borex_mask_frames',
  rows: 'borex_mask_rows',
  grid: 'borex_mask_grid',
  cols: 'borex_mask_cols',
  baseline: 'borex_baseline',
  difference: 'borex_difference',
  label: 'borex_label',
} as const;

export const MASKED_OUTPUTS = {
  probabilities: 'borex_probabilities',
  weighted: 'borex_weighted_masks',
} as const;

export interface MaskedInputOptions {
  /** The model's image input, replaced by the masked images. */
  inputName: string;
  /** The model's class output ([B, K], or [B, K, 1, 1] and the like). */
  outputName: string;
  layout: 'NCHW' | 'NHWC' | 'NCTHW' | 'NTCHW' | 'NTHWC';
  /** Clips: T (the clip layouts need it). */
  frames?: number;
  height: number;
  width: number;
  numClasses: number;
  /** True when the output is logits (softmax is added), false for probabilities. */
  softmax: boolean;
  /**
   * The baseline is all zeros (the default 'mean' baseline in normalised space): the graph then
   * has no baseline input and skips the Add, ~4 % of a MobileNetV2's time per image.
   */
  zeroBaseline: boolean;
}

const MIN_OPSET = 7; // numpy-style broadcasting of Mul and Add

const AttributeType = { INT: 2, TENSOR: 4, INTS: 7 } as const;

export function addMaskedInput(modelBytes: Uint8Array, o: MaskedInputOptions, parsed?: OnnxModel): Uint8Array {
  const model = parsed ?? parseOnnxModel(modelBytes);
  const g = model.graph;
  const opset = model.opsets.get('') ?? 0;
  if (opset < MIN_OPSET) throw new Error(`opset ${opset} is older than ${MIN_OPSET}`);
  if (!g.inputs.some((i) => i.name === o.inputName)) throw new Error(`the graph has no input '${o.inputName}'`);
  if (!g.outputs.some((i) => i.name === o.outputName)) throw new Error(`the graph has no output '${o.outputName}'`);
  const names = new Set<string>([...g.inputs.map((i) => i.name), ...g.outputs.map((i) => i.name), ...g.initializers.keys()]);
  for (const n of g.nodes) for (const t of [...n.inputs, ...n.outputs]) names.add(t);
  for (const t of names) if (t.startsWith('borex_')) throw new Error(`the graph already uses the name '${t}'`);

  const { height: H, width: W, numClasses: K } = o;
  const t = (name: string) => `borex_${name}`;
  if (o.layout !== 'NCHW' && o.layout !== 'NHWC') return addClipMaskedInput(modelBytes, o, o.layout, t);
  // The masking runs on [B, 1, H·W] × [3, H·W] (NHWC: [B, H·W, 1] × [H·W, 3]): onnxruntime's
  // broadcasting is a third faster on these 3-D shapes than on 4-D ones.
  const nchw = o.layout === 'NCHW';
  const front = [
    node('MatMul', [MASKED_INPUTS.rows, MASKED_INPUTS.grid], [t('rows_grid')]),
    node('MatMul', [t('rows_grid'), MASKED_INPUTS.cols], [t('masks')]),
    constantInt64(t('mask_shape'), nchw ? [-1, 1, H * W] : [-1, H * W, 1]),
    node('Reshape', [t('masks'), t('mask_shape')], [t('masks3')]),
    ...(o.zeroBaseline
      ? [node('Mul', [t('masks3'), MASKED_INPUTS.difference], [t('images')])]
      : [node('Mul', [t('masks3'), MASKED_INPUTS.difference], [t('masked_difference')]), node('Add', [t('masked_difference'), MASKED_INPUTS.baseline], [t('images')])]),
    constantInt64(t('image_shape'), nchw ? [-1, 3, H, W] : [-1, H, W, 3]),
    node('Reshape', [t('images'), t('image_shape')], [o.inputName]),
  ];
  const back = [
    constantInt64(t('output_shape'), [-1, K]),
    node('Reshape', [o.outputName, t('output_shape')], [o.softmax ? t('logits') : MASKED_OUTPUTS.probabilities]),
    ...(o.softmax ? [node('Softmax', [t('logits')], [MASKED_OUTPUTS.probabilities], [intAttribute('axis', 1)])] : []),
    node('Gather', [MASKED_OUTPUTS.probabilities, MASKED_INPUTS.label], [t('scores')], [intAttribute('axis', 1)]),
    node('Transpose', [t('scores')], [t('scores_row')], [intsAttribute('perm', [1, 0])]),
    constantInt64(t('flat_shape'), [-1, H * W]),
    node('Reshape', [t('masks'), t('flat_shape')], [t('masks_flat')]),
    node('MatMul', [t('scores_row'), t('masks_flat')], [MASKED_OUTPUTS.weighted]),
  ];
  const image = nchw ? [3, H * W] : [H * W, 3];
  const inputs = [
    valueInfo(MASKED_INPUTS.rows, DataType.FLOAT, ['B', H, 's']),
    valueInfo(MASKED_INPUTS.grid, DataType.FLOAT, ['B', 's', 's']),
    valueInfo(MASKED_INPUTS.cols, DataType.FLOAT, ['B', 's', W]),
    ...(o.zeroBaseline ? [] : [valueInfo(MASKED_INPUTS.baseline, DataType.FLOAT, image)]),
    valueInfo(MASKED_INPUTS.difference, DataType.FLOAT, image),
    valueInfo(MASKED_INPUTS.label, DataType.INT64, [1]),
  ];
  const outputs = [
    valueInfo(MASKED_OUTPUTS.probabilities, DataType.FLOAT, ['B', K], GraphField.output),
    valueInfo(MASKED_OUTPUTS.weighted, DataType.FLOAT, [1, H * W], GraphField.output),
  ];
  return editGraph(modelBytes, {
    // Nodes are listed in topological order: the masking nodes come before the model's own.
    prepend: [...inputs, ...front],
    append: [...back, ...outputs],
    drop: (f, graph) => f.field === GraphField.input && ValueInfoProtoType.decode(graph.subarray(f.payload, f.end)).toJSON().name === o.inputName,
  });
}

/** The clip form of addMaskedInput (see the file's comment), for the three clip layouts. */
function addClipMaskedInput(modelBytes: Uint8Array, o: MaskedInputOptions, layout: 'NCTHW' | 'NTCHW' | 'NTHWC', t: (name: string) => string): Uint8Array {
  const { height: H, width: W, numClasses: K } = o;
  const T = o.frames;
  if (!(Number.isInteger(T) && (T as number) > 0)) throw new Error(`a ${layout} model needs frames (T) to be wrapped`);
  const plane = H * W;
  const volume = (T as number) * plane;
  // Where the mask broadcasts against x − b, per layout: [B,1,T·HW]×[3,T·HW], [B,T,1,HW]×[T,3,HW], [B,T·HW,1]×[T·HW,3].
  const maskShape = layout === 'NCTHW' ? [-1, 1, volume] : layout === 'NTCHW' ? [-1, T as number, 1, plane] : [-1, volume, 1];
  const imageShape = layout === 'NCTHW' ? [-1, 3, T as number, H, W] : layout === 'NTCHW' ? [-1, T as number, 3, H, W] : [-1, T as number, H, W, 3];
  const image = layout === 'NCTHW' ? [3, volume] : layout === 'NTCHW' ? [T as number, 3, plane] : [volume, 3];
  const front = [
    // rows [B,1,H,s] and cols [B,1,s,W] (the image factors' bytes, one more axis) broadcast over s_t.
    node('MatMul', [MASKED_INPUTS.rows, MASKED_INPUTS.grid], [t('rows_grid')]), // [B,s_t,H,s]
    node('MatMul', [t('rows_grid'), MASKED_INPUTS.cols], [t('slices')]), // [B,s_t,H,W]
    constantInt64(t('slices_shape'), [0, 0, plane]),
    node('Reshape', [t('slices'), t('slices_shape')], [t('slices3')]),
    node('MatMul', [MASKED_INPUTS.frames, t('slices3')], [t('masks')]), // [B,T,HW]
    constantInt64(t('mask_shape'), maskShape),
    node('Reshape', [t('masks'), t('mask_shape')], [t('masks_b')]),
    ...(o.zeroBaseline
      ? [node('Mul', [t('masks_b'), MASKED_INPUTS.difference], [t('images')])]
      : [node('Mul', [t('masks_b'), MASKED_INPUTS.difference], [t('masked_difference')]), node('Add', [t('masked_difference'), MASKED_INPUTS.baseline], [t('images')])]),
    constantInt64(t('image_shape'), imageShape),
    node('Reshape', [t('images'), t('image_shape')], [o.inputName]),
  ];
  const back = [
    constantInt64(t('output_shape'), [-1, K]),
    node('Reshape', [o.outputName, t('output_shape')], [o.softmax ? t('logits') : MASKED_OUTPUTS.probabilities]),
    ...(o.softmax ? [node('Softmax', [t('logits')], [MASKED_OUTPUTS.probabilities], [intAttribute('axis', 1)])] : []),
    node('Gather', [MASKED_OUTPUTS.probabilities, MASKED_INPUTS.label], [t('scores')], [intAttribute('axis', 1)]),
    node('Transpose', [t('scores')], [t('scores_row')], [intsAttribute('perm', [1, 0])]),
    constantInt64(t('flat_shape'), [-1, volume]),
    node('Reshape', [t('masks'), t('flat_shape')], [t('masks_flat')]),
    node('MatMul', [t('scores_row'), t('masks_flat')], [MASKED_OUTPUTS.weighted]),
  ];
  const inputs = [
    valueInfo(MASKED_INPUTS.frames, DataType.FLOAT, ['B', T as number, 'st']),
    valueInfo(MASKED_INPUTS.rows, DataType.FLOAT, ['B', 1, H, 's']),
    valueInfo(MASKED_INPUTS.grid, DataType.FLOAT, ['B', 'st', 's', 's']),
    valueInfo(MASKED_INPUTS.cols, DataType.FLOAT, ['B', 1, 's', W]),
    ...(o.zeroBaseline ? [] : [valueInfo(MASKED_INPUTS.baseline, DataType.FLOAT, image)]),
    valueInfo(MASKED_INPUTS.difference, DataType.FLOAT, image),
    valueInfo(MASKED_INPUTS.label, DataType.INT64, [1]),
  ];
  const outputs = [
    valueInfo(MASKED_OUTPUTS.probabilities, DataType.FLOAT, ['B', K], GraphField.output),
    valueInfo(MASKED_OUTPUTS.weighted, DataType.FLOAT, [1, volume], GraphField.output),
  ];
  return editGraph(modelBytes, {
    prepend: [...inputs, ...front],
    append: [...back, ...outputs],
    drop: (f, graph) => f.field === GraphField.input && ValueInfoProtoType.decode(graph.subarray(f.payload, f.end)).toJSON().name === o.inputName,
  });
}

function node(opType: string, input: string[], output: string[], attribute: object[] = []): Uint8Array {
  return lengthDelimited(GraphField.node, NodeProtoType.encode({ op_type: opType, name: output[0], input, output, attribute }).finish());
}

function constantInt64(name: string, values: number[]): Uint8Array {
  const value = { dims: [values.length], data_type: DataType.INT64, int64_data: values };
  return node('Constant', [], [name], [{ name: 'value', type: AttributeType.TENSOR, t: TensorProtoType.fromObject(value) }]);
}

const intAttribute = (name: string, i: number) => ({ name, type: AttributeType.INT, i });
const intsAttribute = (name: string, ints: number[]) => ({ name, type: AttributeType.INTS, ints });

function valueInfo(name: string, elemType: number, shape: Array<number | string>, field: number = GraphField.input): Uint8Array {
  return lengthDelimited(field, encodeValueInfo(name, { name, elemType, shape }));
}

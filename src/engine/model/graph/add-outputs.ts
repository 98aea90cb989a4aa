/**
 * addOutputs: an in-memory copy of an ONNX model with extra graph outputs, appended to the graph's
 * bytes as new `output` entries (see protobuf-splice.ts); the rest of the model is kept as is.
 */
import { DataType, parseOnnxModel, ValueInfoProtoType, type OnnxModel, type OnnxValueInfo } from './onnx.ts';
import { editGraph, GraphField, lengthDelimited } from './protobuf-splice.ts';

export function encodeValueInfo(name: string, info: OnnxValueInfo | undefined): Uint8Array {
  const tensorType: Record<string, unknown> = { elem_type: info?.elemType ?? DataType.FLOAT };
  if (info?.shape) {
    tensorType.shape = {
      dim: info.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : typeof d === 'string' ? { dim_param: d } : {})),
    };
  }
  return ValueInfoProtoType.encode({ name, type: { tensor_type: tensorType } }).finish();
}

/**
 * Returns a copy of `modelBytes` whose graph also outputs `tensorNames` (names already among the
 * outputs are skipped).  The value_info of each tensor, when the model has one, gives the output's
 * type and shape; otherwise it is declared float with no shape (onnxruntime fills it in).
 */
export function addOutputs(modelBytes: Uint8Array, tensorNames: readonly string[], parsed?: OnnxModel): Uint8Array {
  const model = parsed ?? parseOnnxModel(modelBytes);
  const g = model.graph;
  const existing = new Set(g.outputs.map((o) => o.name));
  const known = new Set<string>([...g.inputs.map((i) => i.name), ...g.initializers.keys()]);
  for (const n of g.nodes) for (const o of n.outputs) known.add(o);
  const extra: Uint8Array[] = [];
  for (const name of [...new Set(tensorNames)]) {
    if (!known.has(name)) throw new Error(`tensor '${name}' is not produced by any node of the graph`);
    if (existing.has(name)) continue;
    extra.push(lengthDelimited(GraphField.output, encodeValueInfo(name, g.valueInfo.get(name))));
  }
  if (extra.length === 0) return modelBytes.slice();
  return editGraph(modelBytes, { append: extra });
}

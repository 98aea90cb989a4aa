/**
 * addOutputs: an in-memory copy of an ONNX model with extra graph outputs.
 *
 * The model is not decoded and re-encoded: the bytes of the top-level `graph` field (ModelProto
 * field 7) are copied and new `output` entries (GraphProto field 12, ValueInfoProto) are appended
 * to them, which protobuf's merge rules make equivalent to listing them after the existing
 * outputs.  Every other byte of the model (including fields this project's schema does not know)
 * is kept as is.  The user's file is never written.
 */
import { DataType, parseOnnxModel, ValueInfoProtoType, type OnnxModel, type OnnxValueInfo } from './onnx.ts';

interface Field {
  field: number;
  wire: number;
  /** Offset of the tag. */
  start: number;
  /** Offset of the payload (after the length prefix for wire type 2). */
  payload: number;
  end: number;
}

function readVarint(b: Uint8Array, pos: number): { value: number; pos: number } {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= b.length) throw new Error('truncated protobuf varint');
    const byte = b[pos++];
    value += (byte & 0x7f) * mul;
    if ((byte & 0x80) === 0) return { value, pos };
    mul *= 128;
  }
  throw new Error('malformed protobuf varint');
}

function writeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** The top-level fields of a protobuf message. */
function scanFields(b: Uint8Array): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < b.length) {
    const start = pos;
    const tag = readVarint(b, pos);
    pos = tag.pos;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    let payload = pos;
    switch (wire) {
      case 0: pos = readVarint(b, pos).pos; break;
      case 1: pos += 8; break;
      case 5: pos += 4; break;
      case 2: {
        const len = readVarint(b, pos);
        payload = len.pos;
        pos = len.pos + len.value;
        break;
      }
      default: throw new Error(`unsupported protobuf wire type ${wire} at byte ${start}`);
    }
    if (pos > b.length) throw new Error('truncated protobuf message');
    fields.push({ field, wire, start, payload, end: pos });
  }
  return fields;
}

function encodeValueInfo(name: string, info: OnnxValueInfo | undefined): Uint8Array {
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
    const vi = encodeValueInfo(name, g.valueInfo.get(name));
    extra.push(Uint8Array.of((12 << 3) | 2), writeVarint(vi.length), vi);
  }
  if (extra.length === 0) return modelBytes.slice();

  const graphs = scanFields(modelBytes).filter((f) => f.field === 7 && f.wire === 2);
  const gf = graphs[graphs.length - 1];
  if (!gf) throw new Error('not an ONNX model: no graph field');
  const extraLen = extra.reduce((a, e) => a + e.length, 0);
  const oldLen = gf.end - gf.payload;
  const lenBytes = writeVarint(oldLen + extraLen);
  const head = modelBytes.subarray(0, gf.start);
  const tag = modelBytes.subarray(gf.start, readVarint(modelBytes, gf.start).pos);
  const body = modelBytes.subarray(gf.payload, gf.end);
  const tail = modelBytes.subarray(gf.end);
  const out = new Uint8Array(head.length + tag.length + lenBytes.length + body.length + extraLen + tail.length);
  let p = 0;
  for (const part of [head, tag, lenBytes, body, ...extra, tail]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/**
 * Editing an ONNX model without decoding and re-encoding it: the model's top-level `graph` field
 * (ModelProto field 7) is cut out, edited as a list of its own fields, and spliced back.  Every
 * byte we do not touch (including fields this project's schema does not know) is kept as is, and
 * protobuf's rules make appended repeated fields equivalent to listing them after the existing
 * ones (prepended ones, before).  The user's file is never written.
 */

export interface ProtoField {
  field: number;
  wire: number;
  /** Offset of the tag. */
  start: number;
  /** Offset of the payload (after the length prefix for wire type 2). */
  payload: number;
  end: number;
}

/** GraphProto field numbers. */
export const GraphField = { node: 1, initializer: 5, input: 11, output: 12 } as const;
const MODEL_GRAPH_FIELD = 7;

export function readVarint(b: Uint8Array, pos: number): { value: number; pos: number } {
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

export function writeVarint(value: number): Uint8Array {
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
export function scanFields(b: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
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

/** One length-delimited field (tag, length, payload), ready to splice into a message. */
export function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return concat([writeVarint((field << 3) | 2), writeVarint(payload.length), payload]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

export interface GraphEdit {
  /** Encoded GraphProto fields placed before the graph's own (e.g. nodes that feed its input). */
  prepend?: readonly Uint8Array[];
  /** Encoded GraphProto fields placed after the graph's own. */
  append?: readonly Uint8Array[];
  /** Drops a field of the graph (its bytes are given) when this returns true. */
  drop?: (field: ProtoField, graphBytes: Uint8Array) => boolean;
}

/** A copy of `modelBytes` whose top-level graph is edited as described; the input is not modified. */
export function editGraph(modelBytes: Uint8Array, edit: GraphEdit): Uint8Array {
  const graphs = scanFields(modelBytes).filter((f) => f.field === MODEL_GRAPH_FIELD && f.wire === 2);
  // Several graph fields merge into one; the edit goes into the last, so appended fields come last.
  const gf = graphs[graphs.length - 1];
  if (!gf) throw new Error('not an ONNX model: no graph field');
  const graph = modelBytes.subarray(gf.payload, gf.end);
  let kept: Uint8Array[] = [graph];
  if (edit.drop) {
    kept = scanFields(graph)
      .filter((f) => !edit.drop!(f, graph))
      .map((f) => graph.subarray(f.start, f.end));
  }
  const body = concat([...(edit.prepend ?? []), ...kept, ...(edit.append ?? [])]);
  return concat([modelBytes.subarray(0, gf.start), lengthDelimited(MODEL_GRAPH_FIELD, body), modelBytes.subarray(gf.end)]);
}

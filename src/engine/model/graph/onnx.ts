/**
 * A read-only view of an ONNX model, decoded with protobufjs from a subset of the official
 * `onnx.proto` schema (field numbers as in onnx/onnx.proto, IR version 3..10).  Only what the head
 * walker needs is decoded: the top-level graph's nodes, initializers, inputs, outputs and
 * value_info, and the opset imports.  Subgraphs (If/Loop bodies), sparse initializers, training
 * info and functions are skipped by the decoder (unknown fields), so decoding is cheap; tensor
 * payloads (`raw_data`) stay views into the model's bytes.
 *
 * Models are never re-encoded from this view: edits splice bytes (protobuf-splice.ts), so every
 * field of the user's model survives.
 */
import protobuf from 'protobufjs';

/** TensorProto.DataType values used here. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;

const DATA_TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(DataType).map(([k, v]) => [v, k]));
export const dataTypeName = (t: number): string => DATA_TYPE_NAMES[t] ?? `type ${t}`;

/** protobufjs JSON descriptor: the subset of onnx.proto (package onnx) that is decoded. */
const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: { type: 'int64', id: 1 },
            opset_import: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producer_name: { type: 'string', id: 2 },
            producer_version: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            value_info: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            op_type: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'int32', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            data_type: { type: 'int32', id: 2 },
            float_data: { rule: 'repeated', type: 'float', id: 4, options: { packed: true } },
            int32_data: { rule: 'repeated', type: 'int32', id: 5, options: { packed: true } },
            int64_data: { rule: 'repeated', type: 'int64', id: 7, options: { packed: true } },
            name: { type: 'string', id: 8 },
            raw_data: { type: 'bytes', id: 9 },
            double_data: { rule: 'repeated', type: 'double', id: 10, options: { packed: true } },
            uint64_data: { rule: 'repeated', type: 'uint64', id: 11, options: { packed: true } },
            external_data: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
            data_location: { type: 'int32', id: 14 },
          },
        },
        StringStringEntryProto: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        ValueInfoProto: {
          fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } },
        },
        TypeProto: {
          fields: { tensor_type: { type: 'TypeProtoTensor', id: 1 } },
        },
        TypeProtoTensor: {
          fields: { elem_type: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'TensorShapeDimension', id: 1 } },
        },
        TensorShapeDimension: {
          fields: { dim_value: { type: 'int64', id: 1 }, dim_param: { type: 'string', id: 2 } },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
const ModelProtoType = root.lookupType('onnx.ModelProto');
/** Encoders for the pieces that graph edits add (outputs; nodes, inputs and constants). */
export const ValueInfoProtoType = root.lookupType('onnx.ValueInfoProto');
export const NodeProtoType = root.lookupType('onnx.NodeProto');
export const TensorProtoType = root.lookupType('onnx.TensorProto');

// ---------------------------------------------------------------------------------------------
// Plain model types

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Little-endian payload, when the tensor uses raw_data. */
  raw?: Uint8Array;
  floatData: number[];
  int32Data: number[];
  int64Data: number[];
  doubleData: number[];
  uint64Data: number[];
  /** True when the payload lives in an external file (data_location = EXTERNAL). */
  external: boolean;
}

export interface OnnxAttribute {
  name: string;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats: number[];
  ints: number[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  /** '' for the default ai.onnx domain. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  name: string;
  elemType?: number;
  /** One entry per axis: a size, a symbolic name, or null when unknown; undefined = no shape. */
  shape?: Array<number | string | null>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** value_info entries plus the graph inputs and outputs, by tensor name. */
  valueInfo: Map<string, OnnxValueInfo>;
}

export interface OnnxModel {
  irVersion: number;
  producer: string;
  /** Opset version by domain; the default domain is stored under '' (also for 'ai.onnx'). */
  opsets: Map<string, number>;
  graph: OnnxGraph;
}

// ---------------------------------------------------------------------------------------------
// Decoding

type Longish = number | { toNumber(): number } | null | undefined;
const num = (v: Longish): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());
const nums = (v: Longish[] | undefined): number[] => (v ? v.map(num) : []);

/* eslint-disable @typescript-eslint/no-explicit-any */
function toTensor(t: any): OnnxTensor {
  return {
    name: t.name ?? '',
    dims: nums(t.dims),
    dataType: t.data_type ?? 0,
    raw: t.raw_data && t.raw_data.length > 0 ? t.raw_data : undefined,
    floatData: t.float_data ?? [],
    int32Data: t.int32_data ?? [],
    int64Data: nums(t.int64_data),
    doubleData: t.double_data ?? [],
    uint64Data: nums(t.uint64_data),
    external: t.data_location === 1,
  };
}

function toValueInfo(v: any): OnnxValueInfo {
  const tt = v.type?.tensor_type;
  const info: OnnxValueInfo = { name: v.name ?? '' };
  if (tt) {
    if (tt.elem_type) info.elemType = tt.elem_type;
    if (tt.shape) {
      info.shape = (tt.shape.dim ?? []).map((d: any) => {
        if (d.dim_param) return d.dim_param as string;
        if (d.dim_value != null && num(d.dim_value) > 0) return num(d.dim_value);
        return null;
      });
    }
  }
  return info;
}

function toNode(n: any): OnnxNode {
  const attributes = new Map<string, OnnxAttribute>();
  for (const a of n.attribute ?? []) {
    const attr: OnnxAttribute = { name: a.name, floats: a.floats ?? [], ints: nums(a.ints) };
    if (a.f != null) attr.f = a.f;
    if (a.i != null) attr.i = num(a.i);
    if (a.s != null && a.s.length) attr.s = new TextDecoder().decode(a.s);
    if (a.t) attr.t = toTensor(a.t);
    attributes.set(a.name, attr);
  }
  return {
    name: n.name ?? '',
    opType: n.op_type ?? '',
    domain: n.domain === 'ai.onnx' ? '' : (n.domain ?? ''),
    inputs: n.input ?? [],
    outputs: n.output ?? [],
    attributes,
  };
}

/** Decodes an ONNX model from its bytes (the ModelProto wire format). */
export function parseOnnxModel(bytes: Uint8Array): OnnxModel {
  let m: any;
  try {
    m = ModelProtoType.decode(bytes);
  } catch (err) {
    throw new Error(`not an ONNX model (protobuf decoding failed: ${(err as Error).message})`);
  }
  if (!m.graph) throw new Error('not an ONNX model: no graph');
  const g = m.graph;
  const initializers = new Map<string, OnnxTensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name, toTensor(t));
  const inputs = (g.input ?? []).map(toValueInfo);
  const outputs = (g.output ?? []).map(toValueInfo);
  const valueInfo = new Map<string, OnnxValueInfo>();
  for (const v of [...(g.value_info ?? []).map(toValueInfo), ...inputs, ...outputs]) {
    const prev = valueInfo.get(v.name);
    if (!prev || (prev.shape === undefined && v.shape !== undefined)) valueInfo.set(v.name, v);
  }
  const opsets = new Map<string, number>();
  for (const o of m.opset_import ?? []) opsets.set(o.domain === 'ai.onnx' ? '' : (o.domain ?? ''), num(o.version));
  return {
    irVersion: num(m.ir_version),
    producer: [m.producer_name, m.producer_version].filter(Boolean).join(' '),
    opsets,
    graph: {
      name: g.name ?? '',
      nodes: (g.node ?? []).map(toNode),
      initializers,
      inputs: inputs.filter((v: OnnxValueInfo) => !initializers.has(v.name)),
      outputs,
      valueInfo,
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---------------------------------------------------------------------------------------------
// Tensor payloads

export const numel = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A typed-array view (or an aligned copy) of little-endian raw data, for the common types. */
type NumericArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

function typedView(raw: Uint8Array, dataType: number, n: number): NumericArray | undefined {
  const ctor =
    dataType === DataType.FLOAT ? Float32Array
      : dataType === DataType.DOUBLE ? Float64Array
        : dataType === DataType.INT8 ? Int8Array
          : dataType === DataType.UINT8 ? Uint8Array
            : dataType === DataType.INT16 ? Int16Array
              : dataType === DataType.UINT16 ? Uint16Array
                : dataType === DataType.INT32 ? Int32Array
                  : dataType === DataType.UINT32 ? Uint32Array
                    : undefined;
  if (!ctor) return undefined;
  const bytes = n * ctor.BYTES_PER_ELEMENT;
  if (raw.byteLength < bytes) return undefined; // the DataView path reports the size error
  const aligned = raw.byteOffset % ctor.BYTES_PER_ELEMENT === 0 ? raw : raw.slice(0, bytes);
  return new ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, n);
}

/**
 * The tensor's values as float64 (numeric types only).  Throws for external data, strings and
 * unsupported types, with a message naming the tensor.
 */
export function tensorValues(t: OnnxTensor): Float64Array {
  if (t.external) throw new Error(`tensor '${t.name}' is stored in an external data file, which is not supported here`);
  const n = numel(t.dims);
  const out = new Float64Array(n);
  const raw = t.raw;
  if (raw && LITTLE_ENDIAN_HOST) {
    const view = typedView(raw, t.dataType, n);
    if (view) {
      out.set(view); // native conversion, no per-element JS loop
      return out;
    }
  }
  if (raw) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const need = (size: number) => {
      if (raw.byteLength < n * size) throw new Error(`tensor '${t.name}': raw_data holds ${raw.byteLength} bytes, expected ${n * size}`);
    };
    switch (t.dataType) {
      case DataType.FLOAT: need(4); for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true); break;
      case DataType.DOUBLE: need(8); for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true); break;
      case DataType.FLOAT16: need(2); for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true)); break;
      case DataType.BFLOAT16: need(2); for (let i = 0; i < n; i++) {
        const tmp = new DataView(new ArrayBuffer(4));
        tmp.setUint32(0, dv.getUint16(2 * i, true) << 16, true);
        out[i] = tmp.getFloat32(0, true);
      } break;
      case DataType.UINT8: case DataType.BOOL: need(1); for (let i = 0; i < n; i++) out[i] = dv.getUint8(i); break;
      case DataType.INT8: need(1); for (let i = 0; i < n; i++) out[i] = dv.getInt8(i); break;
      case DataType.UINT16: need(2); for (let i = 0; i < n; i++) out[i] = dv.getUint16(2 * i, true); break;
      case DataType.INT16: need(2); for (let i = 0; i < n; i++) out[i] = dv.getInt16(2 * i, true); break;
      case DataType.INT32: need(4); for (let i = 0; i < n; i++) out[i] = dv.getInt32(4 * i, true); break;
      case DataType.UINT32: need(4); for (let i = 0; i < n; i++) out[i] = dv.getUint32(4 * i, true); break;
      case DataType.INT64: need(8); for (let i = 0; i < n; i++) out[i] = Number(dv.getBigInt64(8 * i, true)); break;
      case DataType.UINT64: need(8); for (let i = 0; i < n; i++) out[i] = Number(dv.getBigUint64(8 * i, true)); break;
      default: throw new Error(`tensor '${t.name}' has unsupported type ${dataTypeName(t.dataType)}`);
    }
    return out;
  }
  let src: ArrayLike<number>;
  switch (t.dataType) {
    case DataType.FLOAT: src = t.floatData; break;
    case DataType.DOUBLE: src = t.doubleData; break;
    case DataType.INT64: src = t.int64Data; break;
    case DataType.UINT32: case DataType.UINT64: src = t.uint64Data; break;
    case DataType.FLOAT16: {
      // float16 values are stored as their bit patterns in int32_data
      for (let i = 0; i < n; i++) out[i] = halfToFloat(t.int32Data[i] ?? 0);
      return out;
    }
    case DataType.BFLOAT16: {
      for (let i = 0; i < n; i++) {
        const tmp = new DataView(new ArrayBuffer(4));
        tmp.setUint32(0, ((t.int32Data[i] ?? 0) & 0xffff) << 16, true);
        out[i] = tmp.getFloat32(0, true);
      }
      return out;
    }
    case DataType.UINT8: case DataType.INT8: case DataType.UINT16: case DataType.INT16: case DataType.INT32: case DataType.BOOL:
      src = t.int32Data; break;
    default: throw new Error(`tensor '${t.name}' has unsupported type ${dataTypeName(t.dataType)}`);
  }
  if (src.length !== n) throw new Error(`tensor '${t.name}': holds ${src.length} values, expected ${n} for dims [${t.dims.join(',')}]`);
  for (let i = 0; i < n; i++) out[i] = src[i];
  return out;
}

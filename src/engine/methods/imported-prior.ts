import fs from 'node:fs';
import path from 'node:path';
import { parse as parseNpy } from 'npyjs';
import sharp from 'sharp';
import { badInput, BorexError } from '../errors.ts';
import { readWholeFile } from '../file-limits.ts';
import type { InputGeometry } from '../image/preprocess.ts';

/** A saliency map read from a file, before it is placed on the model's input grid. */
export interface PriorArray {
  data: Float32Array;
  height: number;
  width: number;
  /** Clip priors (read with rank 3): the number of frames T of a T×H×W map. */
  frames?: number;
}

/**
 * Reads a prior map: `.npy` (any real dtype, H×W or 1×H×W), 8- or 16-bit greyscale PNG/TIFF, or a
 * JSON array of rows. Rejects NaN/Inf, wrong rank, empty and constant maps with a message.
 * `rank` 3 reads a clip's prior instead: a `.npy` of T×H×W only (no image format holds frames).
 */
export async function readPriorFile(file: string, rank: 2 | 3 = 2): Promise<PriorArray> {
  const fail = (why: string) => badInput(file, `not usable as a prior: ${why}`);
  let bytes: Buffer;
  try {
    bytes = readWholeFile(file, 'prior');
  } catch (err) {
    if (err instanceof BorexError) throw err;
    throw badInput(file, `cannot read the prior (${(err as NodeJS.ErrnoException).code ?? err})`, err);
  }
  const ext = path.extname(file).toLowerCase();
  let prior: PriorArray;
  if (rank === 3 && ext !== '.npy') throw fail(`a video's prior must be a .npy array of T×H×W (frames × rows × columns), not "${ext}"`);
  if (rank === 3) {
    const npy = readNpy(bytes, fail);
    if (npy.shape.length !== 3) throw fail(`shape [${npy.shape.join(', ')}]; a video's prior must be T×H×W (frames × rows × columns)`);
    prior = { data: Float32Array.from(npy.data as unknown as ArrayLike<number>, Number), frames: npy.shape[0], height: npy.shape[1], width: npy.shape[2] };
  } else if (ext === '.npy') {
    const npy = readNpy(bytes, fail);
    const shape = npy.shape.length === 3 && npy.shape[0] === 1 ? npy.shape.slice(1) : npy.shape;
    if (shape.length !== 2) throw fail(`shape [${npy.shape.join(', ')}]; H×W or 1×H×W is needed`);
    const values = npy.data as unknown as ArrayLike<number>;
    prior = { data: Float32Array.from(values, Number), height: shape[0], width: shape[1] };
  } else if (ext === '.png' || ext === '.tif' || ext === '.tiff') {
    try {
      const meta = await sharp(bytes).metadata();
      const sixteen = meta.depth === 'ushort';
      const { data, info } = await sharp(bytes).toColourspace(sixteen ? 'grey16' : 'b-w').raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
      const values = sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2) : data;
      const plane = info.width * info.height;
      const out = new Float32Array(plane);
      for (let i = 0; i < plane; i++) out[i] = values[i * info.channels];
      prior = { data: out, height: info.height, width: info.width };
    } catch (err) {
      throw fail(`not a readable greyscale image (${err instanceof Error ? err.message.split('\n')[0] : err})`);
    }
  } else if (ext === '.json') {
    let rows: unknown;
    try {
      rows = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw fail(`invalid JSON (${err instanceof Error ? err.message : err})`);
    }
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Array.isArray(r) && r.length === (rows as unknown[][])[0].length && r.every((v) => typeof v === 'number'))) {
      throw fail('JSON must be a non-empty array of equally long rows of numbers');
    }
    const r = rows as number[][];
    prior = { data: Float32Array.from(r.flat()), height: r.length, width: r[0].length };
  } else {
    throw fail(`unsupported extension "${ext}" (use .npy, .png, .tif or .json)`);
  }
  if (prior.data.length === 0 || prior.height === 0 || prior.width === 0 || prior.frames === 0) throw fail('the map is empty');
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of prior.data) {
    if (!Number.isFinite(v)) throw fail('the map contains NaN or Inf');
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo === hi) throw fail(`the map is constant (${lo})`);
  return prior;
}

/**
 * Places a prior on the model's input grid. The rule: a map exactly the model's input size
 * (H×W) is taken as is; any other size is taken to cover the whole photo (any resolution, e.g.
 * the photo's own) and goes through the same resize and crop as the image.
 */
export function priorOnInput(prior: PriorArray, geometry: InputGeometry): Float32Array {
  const { width: W, height: H } = geometry;
  if (prior.height === H && prior.width === W) return prior.data;
  const out = new Float32Array(H * W);
  const sy = geometry.photoHeight / geometry.resizedHeight;
  const sx = geometry.photoWidth / geometry.resizedWidth;
  const py = prior.height / geometry.photoHeight;
  const px = prior.width / geometry.photoWidth;
  for (let y = 0; y < H; y++) {
    // model pixel centre → photo coordinates → prior coordinates (half-pixel centres)
    const v = Math.min(Math.max(((y + geometry.cropTop + 0.5) * sy) * py - 0.5, 0), prior.height - 1);
    const v0 = Math.floor(v);
    const v1 = Math.min(v0 + 1, prior.height - 1);
    const fv = v - v0;
    for (let x = 0; x < W; x++) {
      const u = Math.min(Math.max(((x + geometry.cropLeft + 0.5) * sx) * px - 0.5, 0), prior.width - 1);
      const u0 = Math.floor(u);
      const u1 = Math.min(u0 + 1, prior.width - 1);
      const fu = u - u0;
      const d = prior.data;
      const top = d[v0 * prior.width + u0] * (1 - fu) + d[v0 * prior.width + u1] * fu;
      const bottom = d[v1 * prior.width + u0] * (1 - fu) + d[v1 * prior.width + u1] * fu;
      out[y * W + x] = top * (1 - fv) + bottom * fv;
    }
  }
  return out;
}

/**
 * Parses a .npy, refusing what the engine cannot read as a C-ordered real array, and any file whose
 * data is not exactly what its header declares: npyjs takes whatever bytes follow the header, so a
 * truncated file would pass as a shorter array (read later as NaN) and extra bytes as a longer one.
 */
function readNpy(bytes: Buffer, fail: (why: string) => Error): ReturnType<typeof parseNpy> {
  const layout = npyLayout(bytes);
  if (typeof layout === 'string') throw fail(`not a readable .npy (${layout})`);
  const { dataOffset, itemBytes, shape, dtype } = layout;
  if (itemBytes !== undefined && /^[iuf]\d+$/.test(dtype)) {
    const count = shape.reduce((a, b) => a * b, 1);
    const expected = count * itemBytes;
    const got = bytes.length - dataOffset;
    const declared = `its header declares shape (${shape.join(', ')}) of ${dtype}: ${expected} bytes of data`;
    if (got < expected) throw fail(`truncated: ${declared}, the file holds ${got} (${bytes.length} bytes in all)`);
    if (got > expected) throw fail(`${got - expected} bytes past the declared data: ${declared}, the file holds ${got}`);
  }
  let npy;
  try {
    npy = parseNpy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  } catch (err) {
    throw fail(`not a readable .npy (${err instanceof Error ? err.message : err})`);
  }
  if (npy.fortranOrder) throw fail('Fortran-ordered arrays are not supported; save with C order');
  if (!/^[iuf]\d$/.test(npy.dtype)) throw fail(`dtype ${npy.dtype}; a real number type is needed`);
  return npy;
}

/** The .npy header (format 1.0, 2.0 or 3.0): where the data starts, the shape, the dtype and its item size. */
function npyLayout(bytes: Buffer): { dataOffset: number; shape: number[]; dtype: string; itemBytes?: number } | string {
  if (bytes.length < 10 || bytes.readUInt8(0) !== 0x93 || bytes.toString('latin1', 1, 6) !== 'NUMPY') return 'no .npy magic string';
  const major = bytes.readUInt8(6);
  if (major !== 1 && major !== 2 && major !== 3) return `unknown .npy format version ${major}`;
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) return 'the header is cut off';
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > bytes.length) return `the header is cut off (it declares ${headerLength} bytes, the file holds ${bytes.length - 8 - lengthBytes})`;
  const header = bytes.toString(major === 3 ? 'utf8' : 'latin1', 8 + lengthBytes, dataOffset);
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) return 'the header has no descr or shape';
  const shape = shapeText.split(',').map((t) => t.trim()).filter(Boolean).map(Number);
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0)) return `the header's shape (${shapeText}) is not a list of sizes`;
  const m = /^[<>|=]?([a-zA-Z])(\d+)$/.exec(descr);
  return { dataOffset, shape, dtype: descr.replace(/^[<>|=]/, ''), itemBytes: m ? Number(m[2]) : undefined };
}

/**
 * A clip's prior on the model's input: only a map of exactly the model's T×H×W is used (as is).
 * Frames are the model's sampled frames, so a map of any other shape has no one right placement
 * (which frames? which crop?): refused, naming the file and the shape expected.
 */
export function priorOnClip(prior: PriorArray, file: string, dims: readonly number[]): Float32Array {
  const [T, H, W] = dims;
  if (prior.frames === T && prior.height === H && prior.width === W) return prior.data;
  const got = prior.frames === undefined ? `${prior.height}×${prior.width}` : `${prior.frames}×${prior.height}×${prior.width}`;
  throw badInput(file, `not usable as a prior: the map is ${got}; this model explains clips of T×H×W = ${T}×${H}×${W} (frames × rows × columns), so the prior must be a .npy of exactly that shape`);
}

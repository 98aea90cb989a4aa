import { dump, parse } from 'npyjs';

/** A float32 array as NumPy .npy bytes (npyjs: '<f4', C order). */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy: shape [${shape.join(', ')}] does not hold ${data.length} values`);
  return Buffer.from(dump(data, [...shape]));
}

/**
 * The values and shape of a float32 .npy such as encodeNpy writes (a run's maps, for the tools that
 * re-score them); anything else throws. A user's prior file goes through methods/imported-prior.ts,
 * which reads every real dtype and says what is wrong with the file.
 */
export function decodeFloat32Npy(bytes: Uint8Array): { data: Float32Array; shape: number[] } {
  const npy = parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  if (npy.dtype !== 'f4' || !(npy.data instanceof Float32Array)) throw new Error(`npy: dtype ${npy.dtype}, not float32`);
  return { data: npy.data, shape: npy.shape };
}

import { dump } from 'npyjs';

/** A float32 array as NumPy .npy bytes (npyjs: '<f4', C order). */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy: shape [${shape.join(', ')}] does not hold ${data.length} values`);
  return Buffer.from(dump(data, [...shape]));
}

import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { decodeFloat32Npy, encodeNpy } from '../../../src/engine/render/npy.ts';

// A run's maps are float32 .npy files (encodeNpy); the re-scoring tools read them back (decodeFloat32Npy).
describe('.npy maps', () => {
  it('reads back what it writes, values and shape', () => {
    const data = Float32Array.from([0.5, -1, 3.25, 1e-7, 0, 2, 7, 8, 9, 10, 11, 12]);
    const bytes = encodeNpy(data, [3, 4]);
    // The header (magic, version, length) is NumPy's format 1.0, the data '<f4' after it.
    expect(Array.from(bytes.subarray(0, 6))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    expect(bytes.length).toBe(10 + bytes.readUInt16LE(8) + 4 * 12);
    const back = decodeFloat32Npy(bytes);
    expect(back.shape).toEqual([3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    // From a Buffer that is a view into a larger allocation, as fs.readFileSync may return.
    const pooled = Buffer.concat([Buffer.alloc(5), bytes]).subarray(5);
    expect(Array.from(decodeFloat32Npy(pooled).data)).toEqual(Array.from(data));
  });

  it('refuses what is not float32, and a shape that does not hold the values', () => {
    const f8 = Buffer.from(dump(Float64Array.from([1, 2]), [2]));
    expect(() => decodeFloat32Npy(f8)).toThrow('npy: dtype f8, not float32');
    expect(() => encodeNpy(new Float32Array(5), [2, 2])).toThrow('npy: shape [2, 2] does not hold 5 values');
  });
});

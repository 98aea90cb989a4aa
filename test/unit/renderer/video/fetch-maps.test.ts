/** The video view's reader of saliency.npy / prior.npy (lib/video/fetch-maps.ts), on files written by the engine's own .npy writer. */
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../../../src/engine/render/npy.ts';
import { clipMapsOf, parseFloat32Npy } from '../../../../src/renderer/src/lib/video/fetch-maps.ts';

const bytesOf = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('fetch-maps: .npy maps of a video job', () => {
  it('reads a [clips,T,H,W] float32 file and splits it per clip, values exact', () => {
    const data = Float32Array.from({ length: 3 * 2 * 4 * 5 }, (_, i) => i * 0.25 - 7);
    const file = parseFloat32Npy(bytesOf(encodeNpy(data, [3, 2, 4, 5])), 'saliency.npy');
    expect(file.shape).toEqual([3, 2, 4, 5]);
    const clips = clipMapsOf(file, [2, 4, 5], 3, 'saliency.npy');
    expect(clips).toHaveLength(3);
    expect(Array.from(clips[2])).toEqual(Array.from(data.subarray(80, 120)));
  });

  it('reads a one-clip [T,H,W] file', () => {
    const data = Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => Math.sin(i));
    const clips = clipMapsOf(parseFloat32Npy(bytesOf(encodeNpy(data, [2, 3, 3])), 'prior.npy'), [2, 3, 3], 1, 'prior.npy');
    expect(Array.from(clips[0])).toEqual(Array.from(data));
  });

  it('refuses a file that is not the job\'s maps, naming it', () => {
    const file = parseFloat32Npy(bytesOf(encodeNpy(new Float32Array(18), [2, 3, 3])), 'saliency.npy');
    expect(() => clipMapsOf(file, [2, 3, 4], 1, 'saliency.npy')).toThrow('saliency.npy: shape [2, 3, 3] where the job\'s maps are [2, 3, 4]');
    expect(() => clipMapsOf(file, [2, 3, 3], 2, 'saliency.npy')).toThrow('saliency.npy: shape [2, 3, 3] where the job\'s maps are [2, 2, 3, 3]');
    expect(() => parseFloat32Npy(new TextEncoder().encode('{"not": "npy"}').buffer as ArrayBuffer, 'saliency.npy')).toThrow('saliency.npy: not a .npy file');
    const cut = bytesOf(encodeNpy(new Float32Array(18), [2, 3, 3])).slice(0, 100);
    expect(() => parseFloat32Npy(cut, 'prior.npy')).toThrow(/^prior\.npy: shape \[2, 3, 3\] needs 72 bytes of data, the file has/);
  });
});

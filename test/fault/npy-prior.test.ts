/**
 * Issue 14, item 4: a truncated .npy prior (header (224, 224), 64 bytes of data) passed validation
 * and failed later with "observation target is not finite: NaN", not naming the file; data past
 * the declared shape was accepted. npyjs takes whatever follows the header, so the engine now
 * checks the byte count against the header's shape and dtype, for image (H×W) and clip (T×H×W) priors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BorexError } from '../../src/engine/errors.ts';
import { readPriorFile } from '../../src/engine/methods/imported-prior.ts';
import { encodeNpy } from '../../src/engine/render/npy.ts';
import { borex, tempDir } from '../helpers/cli.ts';

const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i / n);
const dir = tempDir('npy-');
const write = (name: string, bytes: Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
};
/** A valid .npy with `delta` bytes of data removed (negative) or appended (positive). */
function npyWith(shape: number[], delta: number): Buffer {
  const full = encodeNpy(ramp(shape.reduce((a, b) => a * b, 1)), shape);
  return delta < 0 ? full.subarray(0, full.length + delta) : Buffer.concat([full, Buffer.alloc(delta, 0x3f)]);
}
/** The same array with a format 2.0 header (4-byte header length), as NumPy writes for long headers. */
function npyV2(shape: number[]): Buffer {
  const v1 = encodeNpy(ramp(shape.reduce((a, b) => a * b, 1)), shape);
  const headerLength = v1.readUInt16LE(8);
  const header = v1.subarray(10, 10 + headerLength).toString('latin1').trimEnd();
  let text = header;
  while ((12 + text.length + 1) % 64 !== 0) text += ' ';
  const out = Buffer.alloc(12);
  Buffer.from('\x93NUMPY', 'latin1').copy(out);
  out[6] = 2;
  out.writeUInt32LE(text.length + 1, 8);
  return Buffer.concat([out, Buffer.from(text + '\n', 'latin1'), v1.subarray(10 + headerLength)]);
}

async function refusal(file: string, rank: 2 | 3 = 2): Promise<string> {
  try {
    await readPriorFile(file, rank);
  } catch (err) {
    expect(err).toBeInstanceOf(BorexError);
    expect((err as BorexError).kind).toBe('bad-input');
    return (err as BorexError).message;
  }
  throw new Error(`${file} was accepted`);
}

describe('.npy priors whose data is not what the header declares (issue 14, item 4)', () => {
  it('refuses an image prior (224, 224) with 64 bytes of data, naming the file and the byte counts', async () => {
    const full = npyWith([224, 224], 0);
    const file = write('short.npy', full.subarray(0, full.length - 224 * 224 * 4 + 64));
    expect(await refusal(file)).toBe(`${file}: not usable as a prior: truncated: its header declares shape (224, 224) of f4: 200704 bytes of data, the file holds 64 (${full.length - 224 * 224 * 4 + 64} bytes in all)`);
  });

  it('refuses an image prior with data past its shape, and one cut by a single byte', async () => {
    const extra = write('extra.npy', npyWith([8, 8], 16));
    expect(await refusal(extra)).toBe(`${extra}: not usable as a prior: 16 bytes past the declared data: its header declares shape (8, 8) of f4: 256 bytes of data, the file holds 272`);
    expect(await refusal(write('cut1.npy', npyWith([8, 8], -1)))).toMatch(/cut1\.npy: not usable as a prior: truncated: .* 256 bytes of data, the file holds 255/);
    expect(await refusal(write('cut-header.npy', npyWith([8, 8], 0).subarray(0, 40)))).toMatch(/cut-header\.npy: not usable as a prior: not a readable \.npy \(the header is cut off/);
  });

  it('refuses clip priors (T×H×W) truncated or too long', async () => {
    const short = write('clip-short.npy', npyWith([4, 8, 8], -100));
    expect(await refusal(short, 3)).toMatch(new RegExp(`^${short.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not usable as a prior: truncated: its header declares shape \\(4, 8, 8\\) of f4: 1024 bytes of data, the file holds 924`));
    const long = write('clip-long.npy', npyWith([4, 8, 8], 4));
    expect(await refusal(long, 3)).toMatch(/clip-long\.npy: not usable as a prior: 4 bytes past the declared data: .*shape \(4, 8, 8\) of f4: 1024 bytes of data, the file holds 1028/);
  });

  it('still reads exact files: H×W, 1×H×W, T×H×W, format 2.0 and other dtypes', async () => {
    expect(await readPriorFile(write('ok.npy', npyWith([8, 8], 0)))).toMatchObject({ height: 8, width: 8 });
    expect(await readPriorFile(write('ok1.npy', npyWith([1, 8, 8], 0)))).toMatchObject({ height: 8, width: 8 });
    expect(await readPriorFile(write('okclip.npy', npyWith([4, 8, 8], 0)), 3)).toMatchObject({ frames: 4, height: 8, width: 8 });
    expect(await readPriorFile(write('okv2.npy', npyV2([8, 8])))).toMatchObject({ height: 8, width: 8 });
    // float64: 8 bytes an item (header written by hand, as NumPy does).
    const f8 = encodeNpy(ramp(16), [4, 4]);
    const headerLength = f8.readUInt16LE(8);
    const header = f8.subarray(0, 10 + headerLength).toString('latin1').replace("'<f4'", "'<f8'");
    const file = write('f8.npy', Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(Float64Array.from(ramp(16)).buffer)]));
    expect((await readPriorFile(file)).data[15]).toBeCloseTo(15 / 16);
  });

  it('explain --prior with a truncated .npy: exit 3 naming the file, no NaN', () => {
    const full = npyWith([224, 224], 0);
    const file = write('prior-short.npy', full.subarray(0, full.length - 224 * 224 * 4 + 64));
    const r = borex(['explain', 'resources/samples/shapes-01-circle.png', '--model', 'shapes-v1', '--method', 'borex', '--prior', file, '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${file}: not usable as a prior: truncated: its header declares shape (224, 224) of f4: 200704 bytes of data, the file holds 64`);
    expect(r.stderr).not.toMatch(/NaN/);
  });
});

/**
 * Issue 14, item 7: no limit on what one file could cost — a 16000² PNG of 775 KB took 66 s and
 * 3.1 GB in explain; a 20000² PNG was refused as "unsupported or corrupt". Photos over a pixel
 * limit (default 100 megapixels; --max-pixels N on explain/batch, BOREX_MAX_PIXELS for every
 * process) are now refused from their header, before decoding, naming the file, its size and the limit.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS } from '../../src/engine/image/decode.ts';
import { borex, ROOT, tempDir } from '../helpers/cli.ts';
import { startServe, type Serve } from './child.ts';

const dir = tempDir('pixels-');
const sample = path.join(ROOT, 'resources/samples/shapes-01-circle.png');
/** A solid-colour PNG: 10001×10001 (just over 100 megapixels) compresses to ~300 KB in ~1.5 s. */
const big = path.join(dir, 'big.png');
const huge = path.join(dir, 'huge.png');
const limitMessage = (file: string, w: number, h: number, limit: number, mp: string) =>
  `${file}: the photo is ${w}×${h} = ${w * h} pixels, over the limit of ${limit} (${mp} megapixels); raise it with --max-pixels N or BOREX_MAX_PIXELS`;

/** A PNG with its IHDR width and height replaced (and the chunk's CRC made right). */
function withSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}
function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

beforeAll(async () => {
  await sharp({ create: { width: 10001, height: 10001, channels: 3, background: '#808080' } }).png().toFile(big);
  // Over sharp's own default limit (0x3FFF²), which refused it as "unsupported or corrupt": a small
  // PNG whose header says 20000×20000 (the refusal reads the header only; making the pixels costs 1.2 GB).
  fs.writeFileSync(huge, withSize(await sharp(sample).png().toBuffer(), 20000, 20000));
}, 120_000);

describe('a pixel limit on photos (issue 14, item 7)', () => {
  it('explain refuses a photo over the default 100 megapixels: exit 3, the file, its size and the limit, quickly', () => {
    expect(DEFAULT_MAX_PIXELS).toBe(100_000_000);
    const started = Date.now();
    const r = borex(['explain', big, '--model', 'shapes-v1', '--out', path.join(dir, 'out-big')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`borex: error: ${limitMessage(big, 10001, 10001, 100_000_000, '100')}\n`);
    expect(Date.now() - started).toBeLessThan(15_000);
    const h = borex(['explain', huge, '--model', 'shapes-v1', '--out', path.join(dir, 'out-huge')]);
    expect(h.code).toBe(3);
    expect(h.stderr).toContain(limitMessage(huge, 20000, 20000, 100_000_000, '100'));
    expect(h.stderr).not.toContain('unsupported or corrupt');
  });

  it('--max-pixels and BOREX_MAX_PIXELS set the limit; bad values are usage errors', () => {
    const r = borex(['explain', sample, '--model', 'shapes-v1', '--max-pixels', '50000', '--out', path.join(dir, 'o1')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`borex: error: ${limitMessage(sample, 224, 224, 50000, '0.05')}\n`);
    const e = borex(['explain', sample, '--model', 'shapes-v1', '--method', 'gradcam', '--out', path.join(dir, 'o2')], { BOREX_MAX_PIXELS: '50000' });
    expect(e.code).toBe(3);
    expect(e.stderr).toContain(limitMessage(sample, 224, 224, 50000, '0.05'));
    const ok = borex(['explain', sample, '--model', 'shapes-v1', '--method', 'gradcam', '--max-pixels', String(224 * 224), '--out', path.join(dir, 'o3')], { BOREX_MAX_PIXELS: '50000' });
    expect(ok.code, ok.stderr).toBe(0);
    const bad = borex(['explain', sample, '--model', 'shapes-v1', '--max-pixels', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-pixels must be an integer ≥ 1, got "0"');
    const badEnv = borex(['explain', sample, '--model', 'shapes-v1'], { BOREX_MAX_PIXELS: 'lots' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('BOREX_MAX_PIXELS must be a positive integer, got "lots"');
  });

  it('a batch records the big photo failed, with the reason, and goes on', () => {
    const folder = path.join(dir, 'photos');
    fs.mkdirSync(folder);
    fs.copyFileSync(sample, path.join(folder, 'a-circle.png'));
    fs.copyFileSync(big, path.join(folder, 'b-big.png'));
    fs.copyFileSync(path.join(ROOT, 'resources/samples/shapes-02-square.png'), path.join(folder, 'c-square.png'));
    const out = path.join(dir, 'run');
    const r = borex(['batch', folder, '--methods', 'gradcam', '--model', 'shapes-v1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const items = fs.readFileSync(path.join(out, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { image: string; status: string; error?: { kind: string; message: string } });
    expect(items.map((i) => i.status)).toEqual(['ok', 'failed', 'ok']);
    expect(items[1].error).toEqual({ kind: 'bad-input', message: expect.stringContaining('b-big.png: the photo is 10001×10001 = 100020001 pixels, over the limit of 100000000 (100 megapixels)') });
  });

  describe('serve refuses the upload before any job (BOREX_MAX_PIXELS)', () => {
    let serve: Serve;
    beforeAll(async () => {
      serve = await startServe({ BOREX_MAX_PIXELS: '40000' });
    }, 120_000);
    afterAll(async () => {
      serve.child.kill('SIGINT');
      await serve.exited;
    });
    it('answers 422 bad-input naming the photo, its size and the limit', async () => {
      const r = await serve.upload('images', 'circle.png', fs.readFileSync(sample));
      expect(r.status).toBe(422);
      expect(r.json).toEqual({ error: { kind: 'bad-input', message: `circle.png: the photo is 224×224 = 50176 pixels, over the limit of 40000 (0.04 megapixels); raise it with --max-pixels N or BOREX_MAX_PIXELS` } });
    });
  });
});

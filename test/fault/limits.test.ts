/**
 * Issue 14, item 7 continued: what one file may cost. Files read whole (photos, priors, VOC
 * annotations, box lists, tube files, batch manifests) are refused over a byte limit (engine/file-limits.ts,
 * BOREX_MAX_FILE_BYTES), and a read never goes past it, so /dev/zero or a FIFO cannot fill
 * memory; a video's frames are held to the photo pixel limit (BOREX_MAX_PIXELS) and a clip's
 * decoded frames × pixels to BOREX_MAX_CLIP_PIXELS (media/video/probe.ts), before any decoding.
 * Each limit is checked at its exact boundary, so every case fails without its check.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FILE_BYTES, maxFileBytes, readWholeFile } from '../../src/engine/file-limits.ts';
import { encodeVideo } from '../../src/engine/media/video/encode.ts';
import { DEFAULT_MAX_CLIP_PIXELS } from '../../src/engine/media/video/probe.ts';
import { readTubeFile } from '../../src/engine/metrics/tube.ts';
import { encodeNpy } from '../../src/engine/render/npy.ts';
import { borex, ROOT, tempDir } from '../helpers/cli.ts';

const dir = tempDir('limits-');
const sample = path.join(ROOT, 'resources/samples/shapes-01-circle.png');
const photoBytes = fs.statSync(sample).size;
const explain = (more: string[], env: NodeJS.ProcessEnv = {}, out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`)) =>
  borex(['explain', sample, '--model', 'shapes-v1', '--method', 'gradcam', '--out', out, ...more], env);
const over = (file: string, bytes: number, what: string, limit: number) =>
  `borex: error: ${file}: the ${what} is ${bytes} bytes (${Number((bytes / 1048576).toPrecision(3))} MiB), over the limit of ${limit} bytes (${Number((limit / 1048576).toPrecision(3))} MiB) for a file read whole; raise it with BOREX_MAX_FILE_BYTES=N\n`;

describe('byte limits on files read whole', () => {
  it('the default is 256 MiB; a bad BOREX_MAX_FILE_BYTES is a usage error', () => {
    expect(DEFAULT_MAX_FILE_BYTES).toBe(268_435_456);
    expect(maxFileBytes({})).toBe(DEFAULT_MAX_FILE_BYTES);
    expect(maxFileBytes({ BOREX_MAX_FILE_BYTES: '1000' })).toBe(1000);
    const r = explain([], { BOREX_MAX_FILE_BYTES: '12MB' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('borex: error: BOREX_MAX_FILE_BYTES must be a positive integer, got "12MB"\n');
  });

  it('a photo one byte over the limit is refused (exit 3, named, no output); at the limit it is read', () => {
    const out = path.join(dir, 'photo-over');
    const r = explain([], { BOREX_MAX_FILE_BYTES: String(photoBytes - 1) }, out);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(over(sample, photoBytes, 'photo', photoBytes - 1));
    expect(fs.existsSync(path.join(out, 'result.json'))).toBe(false);
    expect(explain([], { BOREX_MAX_FILE_BYTES: String(photoBytes) }).code).toBe(0);
  });

  it('a prior, a VOC annotation and a box list over the limit are refused, naming each', () => {
    const prior = path.join(dir, 'prior.npy'); // 224² float32: ~200 KB, bigger than the photo
    fs.writeFileSync(prior, encodeNpy(Float32Array.from({ length: 224 * 224 }, (_, i) => (i % 224) / 224), [224, 224]));
    const priorBytes = fs.statSync(prior).size;
    const limit = 100_000;
    expect(priorBytes).toBeGreaterThan(limit);
    expect(photoBytes).toBeLessThan(limit);
    const env = { BOREX_MAX_FILE_BYTES: String(limit) };
    const p = borex(['explain', sample, '--model', 'shapes-v1', '--method', 'borex', '--prior', prior, '--iterations', '2', '--out', path.join(dir, 'prior-over')], env);
    expect(p.code).toBe(3);
    expect(p.stderr).toBe(over(prior, priorBytes, 'prior', limit));

    const xml = path.join(dir, 'big.xml');
    fs.writeFileSync(xml, `<annotation><!--${' '.repeat(limit)}--><size><width>112</width><height>112</height></size></annotation>`);
    const a = explain(['--boxes', xml], env);
    expect(a.code).toBe(3);
    expect(a.stderr).toBe(over(xml, fs.statSync(xml).size, 'annotation', limit));

    const json = path.join(dir, 'big.json');
    fs.writeFileSync(json, `[[1, 1, 20, 20]]${' '.repeat(limit)}`);
    const b = explain(['--boxes', json], env);
    expect(b.code).toBe(3);
    expect(b.stderr).toBe(over(json, fs.statSync(json).size, 'box list', limit));
    expect(explain(['--boxes', json]).code).toBe(0); // the same file under the default limit

    const manifest = path.join(dir, 'big.csv');
    fs.writeFileSync(manifest, `image\n${sample}\n${'#'.repeat(limit)}\n`);
    const m = borex(['batch', manifest, '--methods', 'gradcam', '--model', 'shapes-v1', '--out', path.join(dir, 'manifest-run')], env);
    expect(m.code).toBe(3);
    expect(m.stderr).toBe(over(manifest, fs.statSync(manifest).size, 'manifest', limit));
  });

  it('a tube file over the limit is refused before it is parsed', () => {
    const tube = path.join(dir, 'big.tube.json');
    fs.writeFileSync(tube, `{"0": [[1, 1, 5, 5]]}${' '.repeat(5000)}`);
    const video = { width: 64, height: 64, frameCount: 10 };
    const before = process.env.BOREX_MAX_FILE_BYTES;
    process.env.BOREX_MAX_FILE_BYTES = '4096';
    try {
      expect(() => readTubeFile(tube, video)).toThrow(`${tube}: the tube file is 5021 bytes (0.00479 MiB), over the limit of 4096 bytes`);
    } finally {
      if (before === undefined) delete process.env.BOREX_MAX_FILE_BYTES;
      else process.env.BOREX_MAX_FILE_BYTES = before;
    }
    expect(readTubeFile(tube, video).get(0)).toEqual([[1, 1, 5, 5]]);
  });

  it('a read stops at the limit where stat cannot tell the size: /dev/zero and a FIFO', async () => {
    expect(() => readWholeFile('/dev/zero', 'photo', 1 << 20)).toThrow('/dev/zero: the photo is more than over the limit of 1048576 bytes (1 MiB) for a file read whole');
    const fifo = path.join(dir, 'pipe.png');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A writer that would send 64 MiB; the reader must give up after 1 MiB + 1 byte.
    const writer = spawn('sh', ['-c', `head -c 67108864 /dev/zero > '${fifo}'`], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 100));
    expect(() => readWholeFile(fifo, 'photo', 1 << 20)).toThrow(`${fifo}: the photo is more than over the limit`);
    writer.kill('SIGKILL');
    expect(readWholeFile(sample, 'photo', photoBytes).length).toBe(photoBytes);
  });
});

describe('pixel limits on videos', () => {
  let clip: string;
  const W = 64;
  const H = 48;
  beforeAll(async () => {
    clip = path.join(dir, 'clip.mp4');
    const frames = Array.from({ length: 20 }, (_, k) => new Uint8Array(W * H * 3).map((_, i) => (i * 5 + k * 17) % 256));
    await encodeVideo(clip, frames, { width: W, height: H, fps: 25 });
  });
  const video = (env: NodeJS.ProcessEnv, out = path.join(dir, `v-${Math.random().toString(36).slice(2)}`)) =>
    borex(['video', clip, '--model', 'motion-v1', '--method', 'rise', '--masks', '10', '--grid', '2', '--out', out], env);

  it('frames over the photo pixel limit are refused from the stream header (exit 3, named)', () => {
    const r = video({ BOREX_MAX_PIXELS: String(W * H - 1) });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`borex: error: ${clip}: its frames are 64×48 = 3072 pixels, over the limit of 3071 (0.00307 megapixels) per frame; raise it with BOREX_MAX_PIXELS=N\n`);
  });

  it("a clip's decoded frames × pixels over BOREX_MAX_CLIP_PIXELS are refused before decoding; at the limit it runs", () => {
    expect(DEFAULT_MAX_CLIP_PIXELS).toBe(256_000_000);
    // motion-v1: 16 frames, scaled by ffmpeg to 64×64 (stretch) = 65536 pixels per clip.
    const out = path.join(dir, 'clip-over');
    const r = video({ BOREX_MAX_CLIP_PIXELS: '65535' }, out);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${path.basename(clip)}: a clip of 16 frames decoded at 64×64 is 65536 pixels (0 MB as RGB), over the limit of 65535 (0.0655 megapixels) per clip; raise it with BOREX_MAX_CLIP_PIXELS=N\n`);
    expect(fs.existsSync(path.join(out, 'result.json'))).toBe(false);
    const ok = video({ BOREX_MAX_CLIP_PIXELS: '65536' });
    expect(ok.code, ok.stderr).toBe(0);
  });
});

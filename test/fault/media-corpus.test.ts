/**
 * Fault suite: a corpus of truncated and corrupt media, made from the real photos and clips of
 * ../shared/assets. Each is given to `borex explain` (photos) or `borex video` (clips) as a user
 * would: it must be refused as bad input — exit 3, one line `borex: error: FILE: reason` naming
 * the file — with nothing written to --out. A JPEG named .png is read by its content (the one
 * case that must succeed). Then a sweep of cut points through a real JPEG, PNG and MP4 in
 * process: every cut is refused naming the file, none is read as a smaller picture or clip.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BorexError } from '../../src/engine/errors.ts';
import { decodeImage } from '../../src/engine/image/decode.ts';
import { binaryPath } from '../../src/engine/media/video/binaries.ts';
import { probeVideo } from '../../src/engine/media/video/probe.ts';
import { borex, ROOT, tempDir } from '../helpers/cli.ts';

const ASSETS = path.join(ROOT, '../shared/assets');
const JPEG = path.join(ASSETS, 'images/darknet/dog.jpg');
const PNG = path.join(ASSETS, 'images/skimage/astronaut.png');
const MP4 = path.join(ASSETS, 'video/mmaction2/test.mp4');
const AVI = path.join(ASSETS, 'video/mmaction2/test.avi');
const dir = tempDir('corpus-');
const cut = (src: string, bytes: number) => fs.readFileSync(src).subarray(0, bytes);
const half = (src: string) => cut(src, Math.floor(fs.statSync(src).size / 2));

interface Case {
  name: string;
  file: string;
  bytes?: Buffer;
  /** The reason after "FILE: ". */
  reason: RegExp;
}

let faststart: string;
let audioOnly: string;
beforeAll(() => {
  // An MP4 with its index first (web-optimised), so a cut keeps the index and loses frames; and one with sound only.
  faststart = path.join(dir, 'faststart-source.mp4');
  const ffmpeg = binaryPath('ffmpeg');
  expect(spawnSync(ffmpeg, ['-v', 'error', '-i', MP4, '-c', 'copy', '-movflags', '+faststart', '-y', faststart]).status).toBe(0);
  audioOnly = path.join(dir, 'sound-only.mp4');
  expect(spawnSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', '-y', audioOnly]).status).toBe(0);
});

const PHOTOS: Case[] = [
  { name: 'JPEG cut in half', file: 'half.jpg', bytes: half(JPEG), reason: /^corrupt or truncated image \(VipsJpeg: premature end of JPEG image\)$/ },
  { name: 'JPEG headers only (2 KB)', file: 'head.jpg', bytes: cut(JPEG, 2048), reason: /^not a readable image \(unsupported or corrupt format\)$/ },
  { name: 'PNG cut in half', file: 'half.png', bytes: half(PNG), reason: /^corrupt or truncated image \(.*\)$/ },
  { name: 'PNG signature and part of IHDR', file: 'head.png', bytes: cut(PNG, 20), reason: /^not a readable image \(unsupported or corrupt format\)$/ },
  { name: 'zero-byte .jpg', file: 'zero.jpg', bytes: Buffer.alloc(0), reason: /^the file is empty$/ },
  { name: 'zero-byte .png', file: 'zero.png', bytes: Buffer.alloc(0), reason: /^the file is empty$/ },
  { name: 'text named .png', file: 'notes.png', bytes: Buffer.from('not a picture\n'), reason: /^not a readable image \(unsupported or corrupt format\)$/ },
  { name: 'an MP4 named .jpg', file: 'clip.jpg', bytes: cut(MP4, 200_000), reason: /^(not a readable image \(unsupported or corrupt format\)|unsupported image format \w+)$/ },
  { name: 'random bytes named .jpg', file: 'noise.jpg', bytes: Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24)), reason: /^not a readable image \(unsupported or corrupt format\)$/ },
];

const CLIPS: Case[] = [
  { name: 'MP4 cut in half (index at the end)', file: 'half.mp4', bytes: half(MP4), reason: /^is truncated or incomplete: its MP4 index \(moov atom\) is missing, so no frame can be found$/ },
  { name: 'MP4 first 1000 bytes', file: 'head.mp4', bytes: cut(MP4, 1000), reason: /^is truncated or incomplete: its MP4 index \(moov atom\) is missing/ },
  { name: 'MP4 with its index first, cut in half', file: 'faststart-half.mp4', reason: /^is truncated or damaged: only \d+ of the 300 frames its index lists can be decoded/ },
  { name: 'zero-byte .mp4', file: 'zero.mp4', bytes: Buffer.alloc(0), reason: /^the file is empty \(0 bytes\), not a video$/ },
  { name: 'MP4 with no video stream (sound only)', file: 'sound-only.mp4', reason: /^has no video stream \(only audio\)$/ },
  { name: 'a JPEG named .mp4', file: 'photo.mp4', bytes: fs.readFileSync(JPEG), reason: /^is a still image \(mjpeg\), not a video$/ },
  { name: 'text named .mp4', file: 'notes.mp4', bytes: Buffer.from('not a video\n'), reason: /^is not a video ffmpeg can read/ },
  { name: 'AVI cut in half', file: 'half.avi', bytes: half(AVI), reason: /^is truncated or damaged: only \d+ of the 164 frames its index lists can be decoded/ },
];

/** Runs the command on one case: survived when exit 3, the one-line message names the file, and --out stays empty. */
function tryCase(c: Case, command: 'explain' | 'video'): string | undefined {
  const file = path.join(dir, c.file);
  if (c.bytes) fs.writeFileSync(file, c.bytes);
  const out = path.join(dir, `out-${c.file}`);
  const args = command === 'explain' ? ['explain', file, '--model', 'shapes-v1', '--method', 'gradcam'] : ['video', file, '--model', 'motion-v1', '--method', 'rise', '--masks', '10'];
  const r = borex([...args, '--out', out]);
  const prefix = `borex: error: ${file}: `;
  const lines = r.stderr.trimEnd().split('\n');
  const problems: string[] = [];
  if (r.code !== 3) problems.push(`exit ${r.code}`);
  const last = lines[lines.length - 1];
  if (!last.startsWith(prefix) || !c.reason.test(last.slice(prefix.length))) problems.push(`message ${JSON.stringify(last)}`);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) problems.push(`wrote ${fs.readdirSync(out).join(', ')}`);
  return problems.length ? `${c.name}: ${problems.join('; ')}` : undefined;
}

describe('a corpus of truncated and corrupt media (fault suite)', () => {
  it('photos: each refused by explain with exit 3, a message naming the file, no output', () => {
    const lost = PHOTOS.map((c) => tryCase(c, 'explain')).filter(Boolean);
    console.info(`FAULT-FIGURES media corpus (photos, explain): tried ${PHOTOS.length}, survived ${PHOTOS.length - lost.length}, lost ${lost.length}`);
    expect(lost).toEqual([]);
    // Content, not the extension, decides: a JPEG named .png is explained.
    const renamed = path.join(dir, 'dog.png');
    fs.copyFileSync(JPEG, renamed);
    const ok = borex(['explain', renamed, '--model', 'shapes-v1', '--method', 'gradcam', '--out', path.join(dir, 'out-renamed')]);
    expect(ok.code, ok.stderr).toBe(0);
  }, 180_000);

  it('clips: each refused by video with exit 3, a message naming the file, no output', () => {
    fs.writeFileSync(path.join(dir, 'faststart-half.mp4'), half(faststart));
    expect(fs.existsSync(audioOnly)).toBe(true);
    const lost = CLIPS.map((c) => tryCase(c, 'video')).filter(Boolean);
    console.info(`FAULT-FIGURES media corpus (clips, video): tried ${CLIPS.length}, survived ${CLIPS.length - lost.length}, lost ${lost.length}`);
    expect(lost).toEqual([]);
  }, 180_000);

  it('every cut through a real JPEG, PNG and MP4 is refused naming the file (in process)', async () => {
    const lost: string[] = [];
    let tried = 0;
    for (const [src, ext, points] of [[JPEG, '.jpg', 24], [PNG, '.png', 24]] as const) {
      const size = fs.statSync(src).size;
      for (let i = 0; i < points; i++) {
        const at = Math.floor((size * (i + 0.5)) / points);
        const file = path.join(dir, `cut-${i}${ext}`);
        fs.writeFileSync(file, cut(src, at));
        tried++;
        try {
          const img = await decodeImage(file);
          lost.push(`${path.basename(src)} cut at ${at}: decoded as ${img.width}×${img.height}`);
        } catch (err) {
          if (!(err instanceof BorexError) || err.kind !== 'bad-input' || !err.message.startsWith(`${file}: `)) lost.push(`${path.basename(src)} cut at ${at}: ${String(err)}`);
        }
      }
    }
    const size = fs.statSync(faststart).size;
    for (let i = 0; i < 8; i++) {
      const at = Math.floor((size * (i + 0.5)) / 8);
      const file = path.join(dir, `cut-${i}.mp4`);
      fs.writeFileSync(file, cut(faststart, at));
      tried++;
      try {
        const v = await probeVideo(file);
        lost.push(`mp4 cut at ${at}: probed as ${v.frameCount} frames`);
      } catch (err) {
        if (!(err instanceof BorexError) || err.kind !== 'bad-input' || !err.message.startsWith(`${file}: `)) lost.push(`mp4 cut at ${at}: ${String(err)}`);
      }
    }
    console.info(`FAULT-FIGURES media corpus (cut sweep): tried ${tried}, survived ${tried - lost.length}, lost ${lost.length}`);
    expect(lost).toEqual([]);
  }, 180_000);
});

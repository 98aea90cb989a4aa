/**
 * Frame-index clips: every frame shows its own index as 16 black/white squares (4×4 blocks of
 * 16 px, most significant bit top-left) on mid grey, robust to H.264 loss and to scaling. Made
 * with the engine's own encoder and the bundled ffmpeg, at test time (no binary fixture).
 *
 *   node bin/run-ts.mjs tools/video/index-clip.ts OUT_DIR [FRAMES]
 * writes index-25.mp4, index-ntsc.mp4 (30000/1001) and index-vfr.mp4 into OUT_DIR.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeVideo, type EncodeResult } from '../../src/engine/media/video/index.ts';

export const WIDTH = 128;
export const HEIGHT = 96;
const BLOCK = 16;
const LEFT = 32;
const TOP = 16;

/** One rgb24 frame carrying `k` (0 ≤ k < 65536). */
export function drawIndex(k: number, out = new Uint8Array(WIDTH * HEIGHT * 3)): Uint8Array {
  out.fill(128);
  for (let bit = 0; bit < 16; bit++) {
    const on = (k >> (15 - bit)) & 1;
    const x0 = LEFT + (bit % 4) * BLOCK;
    const y0 = TOP + Math.floor(bit / 4) * BLOCK;
    for (let y = y0; y < y0 + BLOCK; y++) out.fill(on ? 255 : 0, (y * WIDTH + x0) * 3, (y * WIDTH + x0 + BLOCK) * 3);
  }
  return out;
}

/** Reads the index back from an rgb24 frame of any size (the pattern scales with the frame). */
export function readIndex(rgb: Uint8Array, width = WIDTH, height = HEIGHT): number {
  const sx = width / WIDTH;
  const sy = height / HEIGHT;
  let k = 0;
  for (let bit = 0; bit < 16; bit++) {
    // Mean of the block's middle half, in the frame's own pixels.
    const cx = LEFT + (bit % 4) * BLOCK + BLOCK / 2;
    const cy = TOP + Math.floor(bit / 4) * BLOCK + BLOCK / 2;
    let sum = 0;
    let n = 0;
    for (let y = Math.floor((cy - 4) * sy); y < Math.ceil((cy + 4) * sy); y++) {
      for (let x = Math.floor((cx - 4) * sx); x < Math.ceil((cx + 4) * sx); x++) {
        const i = (y * width + x) * 3;
        sum += rgb[i] + rgb[i + 1] + rgb[i + 2];
        n += 3;
      }
    }
    k = (k << 1) | (sum / n > 128 ? 1 : 0);
  }
  return k;
}

/** A variable frame rate: gaps cycling through 40, 40, 100, 20, 67 ms (times in whole ms). */
export function vfrTimes(frames: number): number[] {
  const gaps = [0.04, 0.04, 0.1, 0.02, 0.067];
  const t = [0];
  for (let i = 1; i < frames; i++) t.push(Math.round((t[i - 1] + gaps[(i - 1) % gaps.length]) * 1000) / 1000);
  return t;
}

export type ClipKind = '25' | 'ntsc' | 'vfr';

function* frames(n: number): Generator<Uint8Array> {
  const buf = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let k = 0; k < n; k++) yield drawIndex(k, buf); // the writer is done with buf when it asks again
}

export function makeIndexClip(out: string, kind: ClipKind, n = 60): Promise<EncodeResult> {
  const common = { width: WIDTH, height: HEIGHT, totalFrames: n };
  if (kind === '25') return encodeVideo(out, frames(n), { ...common, fps: 25 });
  if (kind === 'ntsc') return encodeVideo(out, frames(n), { ...common, fps: '30000/1001' });
  return encodeVideo(out, frames(n), { ...common, fps: 25, timestamps: vfrTimes(n) });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node bin/run-ts.mjs tools/video/index-clip.ts OUT_DIR [FRAMES]');
    process.exit(2);
  }
  const n = Number(process.argv[3] ?? 60);
  for (const kind of ['25', 'ntsc', 'vfr'] as const) {
    const r = await makeIndexClip(path.join(dir, `index-${kind}.mp4`), kind, n);
    console.log(`${r.file}: ${r.frames} frames ${r.width}×${r.height} in ${r.seconds.toFixed(2)} s`);
  }
}

/**
 * Clips for the video view's end-to-end tests, made at test time with the engine's encoder.
 * The motion clip's evidence is known (as test/integration/video-serve-explain.test.ts makes it):
 * 32 grey frames, a bright 20×20 square moving 2 px a frame in frames 8–23 only, nothing elsewhere.
 */
import { encodeVideo } from '../../src/engine/media/video/encode.ts';

export const MOTION_FRAMES = 32;
const S = 64;
/** The video frames that show the moving square. */
export const EVIDENCE_FRAMES = Array.from({ length: 16 }, (_, i) => 8 + i);

/** Where the square's left edge is in frame k. */
const squareX = (k: number, direction: 1 | -1) => (direction < 0 ? 36 - (k - 8) * 2 : 8 + (k - 8) * 2);

/** The square's box in every frame that shows it, as a tube file ({frame: [[x0, y0, x1, y1]]}, video pixels). */
export function squareTube(direction: 1 | -1 = -1): Record<string, [number, number, number, number][]> {
  return Object.fromEntries(EVIDENCE_FRAMES.map((k) => [String(k), [[squareX(k, direction), 22, squareX(k, direction) + 20, 42]]]));
}

/** Left (−1) or right (+1): lossless H.264, 24 fps, 64²; `count` frames (grey after the square's). */
export async function squareClip(out: string, direction: 1 | -1 = -1, fps = 24, count = MOTION_FRAMES): Promise<string> {
  const frames: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const f = new Uint8Array(S * S * 3).fill(110);
    if (EVIDENCE_FRAMES.includes(k)) {
      const x0 = squareX(k, direction);
      for (let y = 22; y < 42; y++) f.fill(235, (y * S + x0) * 3, (y * S + x0 + 20) * 3);
    }
    frames.push(f);
  }
  await encodeVideo(out, frames, { width: S, height: S, fps, crf: 0 });
  return out;
}

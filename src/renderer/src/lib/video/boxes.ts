/**
 * BOREx-3D's sampled boxes on the video frames: each a square (row, col, halfSize) in model-input
 * pixels over a run of the clip's sampled frames [n, n + t) (engine/methods/borex.ts samplesArray:
 * five numbers per clip sample). Carried back to the video's stored pixels through the inverse of
 * the preprocessing (resize, then centre crop).
 */
import type { Geometry } from '../../../../shared/api.ts';

export interface ClipBox {
  row: number;
  col: number;
  halfSize: number;
  /** First slot (of the clip's T sampled frames) and how many. */
  slot: number;
  slots: number;
}

/** The flat progress array (row, col, halfSize, n, t per sample) as boxes. */
export function clipBoxes(samples: ArrayLike<number> | undefined): ClipBox[] {
  const out: ClipBox[] = [];
  if (!samples) return out;
  for (let i = 0; i + 4 < samples.length; i += 5) out.push({ row: samples[i], col: samples[i + 1], halfSize: samples[i + 2], slot: samples[i + 3], slots: samples[i + 4] });
  return out;
}

/** The boxes that cover slot `slot` (with the index of each, the newest last). */
export function boxesOnSlot(boxes: readonly ClipBox[], slot: number): { box: ClipBox; index: number }[] {
  return boxes.flatMap((box, index) => (slot >= box.slot && slot < box.slot + box.slots ? [{ box, index }] : []));
}

/** The square in the video frame's stored pixels: [x, y, w, h]. */
export function boxOnFrame(b: Pick<ClipBox, 'row' | 'col' | 'halfSize'>, g: Geometry): [number, number, number, number] {
  const sx = g.photoWidth / g.resizedWidth;
  const sy = g.photoHeight / g.resizedHeight;
  return [(b.col - b.halfSize + g.cropLeft) * sx, (b.row - b.halfSize + g.cropTop) * sy, 2 * b.halfSize * sx, 2 * b.halfSize * sy];
}

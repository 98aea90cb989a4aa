/**
 * What the insertion/deletion plots show (issue 13, finding 10), pure so it can be tested:
 * the words of a tooltip, a y range fitted to the data, and the image at one step of a curve,
 * made as the engine makes it (src/engine/metrics/insertion-deletion.ts): pixels ranked by the
 * map, descending, ties by index; `step` more of them copied from the target image per step.
 */

export type CurveKind = 'insertion' | 'deletion';

/** One curve as the plots draw it: its name, points, AUC and colour. */
export interface CurveSeries {
  name: string;
  curve: number[];
  auc: number | undefined;
  color: string;
}

/** Deleted pixels are drawn in this grey: the engine's default baseline is the normalisation mean (ImageNet's, in RGB). */
export const DELETED_RGB = [124, 116, 104] as const;

/** Pixels the engine moves per step: its curves have ceil(plane / step) + 1 points (step = the width). */
export function curveStep(curveLength: number, plane: number): number {
  return Math.ceil(plane / Math.max(1, curveLength - 1));
}

/** Pixels inserted (deleted) at point i of a curve with `curveLength` points over `plane` pixels. */
export function pixelsAt(i: number, curveLength: number, plane: number): number {
  return Math.min(i * curveStep(curveLength, plane), plane);
}

/** "23% of pixels inserted: p = 0.41" (under 1 %, one decimal: deletion drops there). */
export function curveTooltip(kind: CurveKind, fraction: number, p: number, unit = 'pixels'): string {
  const pct = fraction * 100;
  const shown = pct > 0 && pct < 1 ? pct.toFixed(1) : Math.round(pct).toString();
  return `${shown}% of ${unit} ${kind === 'insertion' ? 'inserted' : 'deleted'}: p = ${p.toFixed(2)}`;
}

/**
 * The y axis: 0–1 when asked, else the data's own range padded by 5 % (at least 0.02 wide), kept
 * inside 0–1, so a class at p = 0.13 is a curve, not a flat line on the floor.
 */
export function curveYRange(curves: ArrayLike<number>[], full: boolean): [number, number] {
  if (full) return [0, 1.02];
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of curves)
    for (let i = 0; i < c.length; i++) {
      if (c[i] < lo) lo = c[i];
      if (c[i] > hi) hi = c[i];
    }
  if (!Number.isFinite(lo)) return [0, 1.02];
  const span = Math.max(hi - lo, 0.02);
  const pad = span * 0.05;
  const mid = (lo + hi) / 2;
  const [a, b] = hi - lo < 0.02 ? [mid - span / 2, mid + span / 2] : [lo, hi];
  return [Math.max(0, a - pad), Math.min(1.02, b + pad)];
}

/** Pixel indices by the map, descending, ties by index (the engine's rank order). */
export function rankOrder(map: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(map.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => map[b] - map[a] || a - b);
  return order;
}

/**
 * RGBA image at a step: `from` with its `count` top-ranked pixels taken from `to`. Deletion:
 * from = the photo, to = the baseline; insertion: from = the blurred photo, to = the photo.
 */
export function imageAtStep(from: Uint8ClampedArray, to: Uint8ClampedArray, order: Uint32Array, count: number): Uint8ClampedArray {
  if (from.length !== to.length || from.length !== order.length * 4) throw new Error(`imageAtStep: ${from.length / 4} and ${to.length / 4} pixels for a map of ${order.length}`);
  const out = new Uint8ClampedArray(from);
  const n = Math.min(count, order.length);
  for (let k = 0; k < n; k++) {
    const p = order[k] * 4;
    out[p] = to[p];
    out[p + 1] = to[p + 1];
    out[p + 2] = to[p + 2];
    out[p + 3] = to[p + 3];
  }
  return out;
}

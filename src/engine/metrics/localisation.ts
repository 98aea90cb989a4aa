import { rankPixels } from '../tensor/rank.ts';

/** A box in model-input pixels: [x0, y0, x1, y1), x1/y1 exclusive. */
export type Box = [number, number, number, number];

export function boxesToMask(boxes: readonly Box[], height: number, width: number): Uint8Array {
  const mask = new Uint8Array(height * width);
  for (const [x0, y0, x1, y1] of boxes) {
    for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) mask.fill(1, y * width + Math.max(0, x0), y * width + Math.min(width, x1));
  }
  return mask;
}

/** A tube on a clip's input: the boxes (model-input pixels) of each of its T sampled frames. */
export type Tube = readonly (readonly Box[])[];

/** The voxels of a [T,H,W] map inside the tube's boxes, frame by frame. */
export function tubeToMask(tube: Tube, height: number, width: number): Uint8Array {
  const plane = height * width;
  const mask = new Uint8Array(tube.length * plane);
  tube.forEach((boxes, t) => mask.set(boxesToMask(boxes, height, width), t * plane));
  return mask;
}

export interface LocalisationScores {
  /** Mean over k of recall_k · precision_k (the public BOREx code's F). */
  fRp: number;
  /** Mean over k of the harmonic mean of recall_k and precision_k. */
  f1: number;
  /** Is the map's maximum inside G. */
  pointingGame: boolean;
  /** The same with a tolerance: any pixel of G within `tolerancePx` of the maximum (in its own frame, for a clip). */
  pointingGameTolerant: boolean;
  /** |G| in pixels. */
  groundTruthPixels: number;
}

/**
 * Recall and precision of the top-k pixels T_k against the region G, for every k = 1 … H·W
 * (a clip: every voxel of T·H·W, with G its tube): recall_k = |T_k ∩ G| / |G|, precision_k = |T_k ∩ G| / k.
 * `height` (a frame's) is needed for clips only; an image's is region.length / width.
 */
export function localisationScores(map: ArrayLike<number>, region: Uint8Array, width: number, tolerancePx = 15, height = region.length / width): LocalisationScores {
  let g = 0;
  for (let i = 0; i < region.length; i++) g += region[i];
  if (g === 0) throw new Error('the ground-truth region is empty');
  const order = rankPixels(map);
  let hits = 0;
  let sumRp = 0;
  let sumF1 = 0;
  for (let k = 1; k <= order.length; k++) {
    hits += region[order[k - 1]];
    const recall = hits / g;
    const precision = hits / k;
    sumRp += recall * precision;
    if (hits > 0) sumF1 += (2 * recall * precision) / (recall + precision);
  }
  const peak = order[0];
  return {
    fRp: sumRp / order.length,
    f1: sumF1 / order.length,
    pointingGame: region[peak] === 1,
    pointingGameTolerant: nearRegion(region, width, height, peak, tolerancePx),
    groundTruthPixels: g,
  };
}

/** Is any pixel of the region within `radius` of `index`, in index's frame (an image is one frame). */
function nearRegion(region: Uint8Array, width: number, height: number, index: number, radius: number): boolean {
  const plane = width * height;
  const frame = Math.floor(index / plane) * plane;
  const py = Math.floor((index - frame) / width);
  const px = index % width;
  for (let y = Math.max(0, py - radius); y <= Math.min(height - 1, py + radius); y++) {
    for (let x = Math.max(0, px - radius); x <= Math.min(width - 1, px + radius); x++) {
      if (region[frame + y * width + x] && (y - py) ** 2 + (x - px) ** 2 <= radius * radius) return true;
    }
  }
  return false;
}

/**
 * The types BOREx's loop (borex.ts) shares with the searches of each mask shape (borex.ts's squares
 * and boxes, borex-rects.ts's rectangles): in a file of their own so the shapes need not import
 * borex.ts, which imports them.
 */
import type { CandidatePosterior } from '../gp/candidate-posterior.ts';
import type { GaussianProcess } from '../gp/gaussian-process.ts';
import type { PriorMean } from '../gp/prior-weight.ts';
import type { Box } from '../masks/box.ts';
import type { Random } from '../random.ts';

export interface BorexSample {
  row: number;
  col: number;
  halfSize: number;
  /** Clips: the box's first frame n and its duration t (frames [n, n+t)). */
  frame?: number;
  frames?: number;
  /** Rectangles (shapes 'rects'): the aspect height/width and the half-sides in pixels. */
  aspect?: number;
  halfHeight?: number;
  halfWidth?: number;
  /** Observation after squashing. */
  y: number;
  /** GP target y − i0(c). */
  residual: number;
}

/** One box BOREx queries: the mask, where its prior value is, and how it is recorded. */
export interface QueryBox {
  box: Box;
  /** Index into i0 of the box's centre (pixel, or voxel at the box's centre frame). */
  priorIndex: number;
  /** Its size's index (images: into halfSizes), the group of the learned per-size offset. */
  group: number;
  sample: Omit<BorexSample, 'y' | 'residual'>;
}

/** What the loop needs from a rank: its candidate sets, first box, GP points and final map. */
export interface BoxGeometry {
  i0: Float32Array;
  /** Mask sizes (the learned offsets' groups). */
  groups: number;
  gpDims: number;
  lengthScale: number[];
  lower: number | number[];
  upper: number | number[];
  searchCount: number;
  searchPrior: Float64Array;
  posterior: CandidatePosterior;
  first(): QueryBox;
  candidate(index: number): QueryBox;
  /** Writes the GP input of `box` into z, with jitter scaled by j (0 or 1). */
  point(box: QueryBox, j: number, random: Random, z: Float64Array): void;
  /** The map of μ + i0, or μ + β·i0 + c_s with a learned prior weight (`mean`). */
  finalMap(gp: GaussianProcess, mean?: PriorMean): Float32Array;
  /** The live map sent with progress, same dims as the final map (may be coarser inside). */
  previewMap(gp: GaussianProcess, mean?: PriorMean): Float32Array;
  /** σ per pixel (clips: per voxel), aggregated like the map: an upper bound on the map's σ (borex.ts uncertaintyMap, boxStd). */
  uncertaintyMap?(gp: GaussianProcess): Float32Array;
}

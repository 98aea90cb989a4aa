import { CandidatePosterior } from '../gp/candidate-posterior.ts';
import { clipCandidates, imageCandidates, type ClipCandidates, type ImageCandidateOptions, type ImageCandidates } from './borex-candidates.ts';

/** The candidate sets of one BOREx geometry and the GP posterior cache over its search set. */
export interface BorexCandidateSets {
  /** Where the acquisition searches: the public code's candidate order (it decides argmax ties). */
  search: ImageCandidates;
  /** Every pixel × size in row-major pixel order, for the final map. */
  full: ImageCandidates;
  posterior: CandidatePosterior;
}

/**
 * Keeps the candidate sets and the posterior cache of the last geometry for the next BOREx run of
 * the same geometry: the cache holds up to ~80 MB at full resolution, and touching it the first
 * time costs seconds, so a batch (or any caller running several items) pays that once. Owned by
 * the caller — one per batch run, explain call or worker — never module-global, so two runs in
 * one process never share (or fight over) one.
 */
/** A clip geometry's search set (no full set: the final map is predicted on the voxel grid). */
export interface BorexClipSets {
  search: ClipCandidates;
  posterior: CandidatePosterior;
}

export class BorexCache {
  private last: (BorexCandidateSets & { key: string }) | undefined;
  private lastClip: (BorexClipSets & { key: string }) | undefined;
  private lastOther: { key: string; value: unknown } | undefined;

  /** Any other geometry's sets (rectangles, borex-rects.ts), kept by key: built when the key changes. */
  keep<T>(key: string, build: () => T): T {
    if (this.lastOther?.key !== key) this.lastOther = { key, value: build() };
    return this.lastOther.value as T;
  }

  /** Candidate sets for an H×W input, half-sizes in pixels, a search stride, GP units per pixel. */
  imageSets(H: number, W: number, halfPx: number[], stride: number, unit: number, unitW: number): BorexCandidateSets {
    const key = `${H}x${W}:${halfPx.join(',')}:${stride}`;
    if (this.last?.key !== key) {
      const search = scaledCandidates(H, W, halfPx, { stride }, unit, unitW);
      const full = scaledCandidates(H, W, halfPx, { order: 'row-major' }, unit, unitW);
      this.last = { key, search, full, posterior: new CandidatePosterior(search.points, search.count, 3) };
    }
    return this.last;
  }

  /**
   * The search set of a T×H×W clip: half-sizes in pixels, durations in frames, a spatial and a
   * start-frame stride; rows, columns and half-sizes in the GP's 224-px units, frames as they are.
   */
  clipSets(T: number, H: number, W: number, halfPx: number[], durations: number[], stride: number, frameStride: number, unit: number, unitW: number): BorexClipSets {
    const key = `${T}x${H}x${W}:${halfPx.join(',')}:${durations.join(',')}:${stride}:${frameStride}`;
    if (this.lastClip?.key !== key) {
      const search = clipCandidates(T, H, W, halfPx, durations, { stride, frameStride });
      for (let i = 0; i < search.count; i++) {
        search.points[i * 5] *= unit;
        search.points[i * 5 + 1] *= unitW;
        search.points[i * 5 + 3] *= unit;
      }
      this.lastClip = { key, search, posterior: new CandidatePosterior(search.points, search.count, 5) };
    }
    return this.lastClip;
  }
}

/** Image candidates with (row, col, s) in the GP's 224-px units. */
function scaledCandidates(H: number, W: number, halfPx: number[], options: ImageCandidateOptions, unit: number, unitW: number): ImageCandidates {
  const c = imageCandidates(H, W, halfPx, options);
  if (unit !== 1 || unitW !== 1) {
    for (let i = 0; i < c.count; i++) {
      c.points[i * 3] *= unit;
      c.points[i * 3 + 1] *= unitW;
      c.points[i * 3 + 2] *= unit;
    }
  }
  return c;
}

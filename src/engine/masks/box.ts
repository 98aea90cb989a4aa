/**
 * Box masks of any rank (docs/algorithms.md, "BOREx"): a box is a half-open range [start, end) per
 * spatial axis of a tensor shaped `dims` = [C, ...spatial], the same on every channel — like
 * Captum's N-D occlusion windows. Image squares are rank 2 (row, col); clips add time in front
 * ([C,T,H,W]: a box over (t, row, col)). Only copies: no arithmetic, so any rank gives the bytes
 * the old square-only code gave.
 */
export interface Box {
  /** First index inside the box, per spatial axis. */
  readonly start: readonly number[];
  /** First index past the box, per spatial axis. */
  readonly end: readonly number[];
}

/** The box [centre − half, centre + half) on each axis, clipped to the tensor's spatial extent. */
export function centredBox(spatial: readonly number[], centre: readonly number[], half: readonly number[]): Box {
  if (centre.length !== spatial.length || half.length !== spatial.length) throw new Error(`a box on ${spatial.length} axes needs ${spatial.length} centre and half-size values`);
  return {
    start: centre.map((c, a) => Math.max(0, c - half[a])),
    end: centre.map((c, a) => Math.min(spatial[a], c + half[a])),
  };
}

/**
 * Writes the two occluded inputs BOREx scores in one model call, packed in `out` (2 inputs):
 * out[0] = x ⊙ m̄ (only the box visible, b elsewhere), out[1] = x ⊙ m (the box hidden by b).
 */
export function fillBoxPair(x: Float32Array, b: Float32Array, dims: readonly number[], box: Box, out: Float32Array): void {
  const size = x.length;
  out.set(b, 0);
  out.set(x, size);
  forEachRun(dims, box, (from, to) => {
    out.set(x.subarray(from, to), from);
    out.set(b.subarray(from, to), size + from);
  });
}

/**
 * Calls `run(from, to)` for every contiguous stretch of the box in the flat tensor: one per
 * channel and index of the leading spatial axes, spanning the box along the last axis.
 */
export function forEachRun(dims: readonly number[], box: Box, run: (from: number, to: number) => void): void {
  const [channels, ...spatial] = dims;
  const rank = spatial.length;
  if (box.start.length !== rank || box.end.length !== rank) throw new Error(`box of rank ${box.start.length} on a tensor of spatial rank ${rank}`);
  for (let a = 0; a < rank; a++) if (box.end[a] <= box.start[a]) return;
  // Row-major strides of the spatial axes; a channel is one plane of them.
  const strides = new Array<number>(rank);
  let plane = 1;
  for (let a = rank - 1; a >= 0; a--) {
    strides[a] = plane;
    plane *= spatial[a];
  }
  const last = rank - 1;
  const index = box.start.slice(0, last);
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < last; a++) index[a] = box.start[a];
    for (;;) {
      let offset = c * plane + box.start[last];
      for (let a = 0; a < last; a++) offset += index[a] * strides[a];
      run(offset, offset + box.end[last] - box.start[last]);
      // Next index of the leading axes, last of them fastest.
      let a = last - 1;
      while (a >= 0 && ++index[a] >= box.end[a]) index[a] = box.start[a--];
      if (a < 0) break;
    }
  }
}

/**
 * Shapes as data (docs/architecture.md, "Shapes"): every input, target, map and mask says its dims
 * instead of assuming 3×H×W. One input is channels first, [C, ...spatial]: [C,H,W] for an image,
 * [C,T,H,W] for a clip; its maps are the spatial part, [H,W] or [T,H,W].
 */
export type Dims = readonly number[];

/** Number of values a tensor of these dims holds. */
export function elementCount(dims: Dims): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** The spatial dims of a channels-first input: the dims of its saliency maps. */
export function spatialDims(inputDims: Dims): number[] {
  return inputDims.slice(1);
}

/** Channels, height and width of an image input; refuses other ranks (for code that is image-only). */
export function imageDims(dims: Dims): { channels: number; height: number; width: number } {
  if (dims.length !== 3) throw new Error(`expected an image input [C,H,W], got dims [${dims.join(',')}]`);
  return { channels: dims[0], height: dims[1], width: dims[2] };
}

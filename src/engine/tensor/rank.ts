/** Pixel indices sorted by map value, highest first; equal values keep index order. */
export function rankPixels(map: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(map.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // A typed-array sort with a comparator is stable in V8 (TimSort), so ties stay by index.
  return order.sort((a, b) => map[b] - map[a] || a - b);
}

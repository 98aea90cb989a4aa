import { mapRange } from '../../../shared/colormaps.ts';

/**
 * How maps are put on a colour scale, so that two maps can be compared (pure code, no DOM: unit-tested).
 * - `per-image`: each map over its own range (a signed map, or any map drawn blue–white–red,
 *   symmetric about 0 so that white is 0, never the midpoint);
 * - `shared`: prior and refined over one range (only comparable when both have the same unit);
 * - `rank`: each pixel as its percentile among the map's pixels: any two maps, of any unit, on one
 *   0–100 % scale (what is compared is the ordering, which is what insertion/deletion score).
 */
export type Normalisation = 'per-image' | 'shared' | 'rank';
export const NORMALISATION_LABELS: Record<Normalisation, string> = {
  rank: 'rank: each pixel\'s percentile (any two maps comparable)',
  'per-image': 'values: each map to its own range',
  shared: 'values: prior and refined to one range',
};

export interface MapToScale {
  map?: Float32Array;
  /** Drawn symmetric about 0: the map has a sign, or the colour map is blue–white–red. */
  centred: boolean;
}

/** The colour-scale range of each map under a normalisation (rank: every map 0–1). */
export function ranges(maps: readonly MapToScale[], normalisation: Normalisation): ([number, number] | undefined)[] {
  if (normalisation === 'rank') return maps.map((m) => (m.map ? [0, 1] : undefined));
  const own = maps.map((m) => (m.map ? mapRange(m.map, m.centred) : undefined));
  if (normalisation === 'per-image') return own;
  const present = own.filter((r): r is [number, number] => r !== undefined);
  if (present.length === 0) return own;
  const shared: [number, number] = [Math.min(...present.map((r) => r[0])), Math.max(...present.map((r) => r[1]))];
  if (maps.some((m) => m.centred)) {
    const a = Math.max(Math.abs(shared[0]), Math.abs(shared[1]));
    shared[0] = -a;
    shared[1] = a;
  }
  return own.map((r) => (r ? shared : undefined));
}

/**
 * Each value's percentile among the map's values, in [0, 1]: the mean rank of its ties over
 * (n − 1), so equal values get one colour and the order is all that is kept.
 */
export function rankMap(map: Float32Array): Float32Array {
  const n = map.length;
  const out = new Float32Array(n);
  if (n < 2) return out;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => map[a] - map[b]);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && map[order[end]] === map[order[start]]) end++;
    const percentile = (start + end - 1) / 2 / (n - 1);
    for (let k = start; k < end; k++) out[order[k]] = percentile;
    start = end;
  }
  return out;
}

/** What a map's values are, in words, for its colour bar (the unit, or that there is none). */
export function mapMeaning(method: string, normalisation: Normalisation): string {
  if (normalisation === 'rank') return 'percentile of the map\'s pixels (100 % = most important)';
  if (method === 'rise') return 'mean class probability with the pixel kept';
  if (method === 'pn-rise') return 'signed: probability gained (+) or lost (−) with the pixel';
  if (method === 'gradcam' || method === 'gradcampp') return 'activation × gradient weight (no unit)';
  if (method === 'borex' || method === 'bo') return 'signed: predicted probability drop when hidden (GP mean, squashed)';
  return 'the imported map\'s own values';
}

/** A colour bar's ticks: its ends and 0 when the range spans it. */
export function ticks(range: [number, number], normalisation: Normalisation): { at: number; text: string }[] {
  const [lo, hi] = range;
  if (normalisation === 'rank') return [0, 0.5, 1].map((v) => ({ at: v, text: `${Math.round(v * 100)} %` }));
  const values = lo < 0 && hi > 0 ? [lo, 0, hi] : [lo, hi];
  return values.map((v) => ({ at: hi > lo ? (v - lo) / (hi - lo) : 0, text: tickText(v) }));
}

// One formatter for every tick: toLocaleString with options builds a new ICU formatter per call
// (several ms under load; the video view's bars are re-labelled on every live map).
const TICK_FORMAT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, useGrouping: false });

/** A number as a colour bar shows it: three significant digits, never exponent notation. */
export function tickText(v: number): string {
  if (v === 0) return '0';
  return TICK_FORMAT.format(v).replace('-', '−');
}

/**
 * The refined map's uncertainty as the explain view shows it (issue 15, item 3): the GP's
 * posterior σ per pixel that BOREx and BO send with their map (ExplainDone.uncertainty, also
 * uncertainty.npy). DOM-free: the root type-check reads the unit test's imports.
 */
import type { TableName } from '../../../shared/colormaps.ts';
import { tickText } from './normalise.ts';

/** σ's own colour map, never offered for maps: a σ overlay cannot be mistaken for a map. */
export const SIGMA_COLORMAP: TableName = 'viridis';

/**
 * σ is drawn on its own scale, from its smallest to its largest value (the bar's ticks give both),
 * whatever the maps' normalisation: after few queries σ is near the GP's prior σ (1) almost
 * everywhere, and a scale from 0 would paint the whole pane one colour.
 */
export function sigmaRange(sigma: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < sigma.length; i++) {
    if (sigma[i] < lo) lo = sigma[i];
    if (sigma[i] > hi) hi = sigma[i];
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/**
 * What σ's colour bar says: the engine's σ (methods/borex.ts uncertaintyMap) is the latent
 * posterior σ aggregated like the map, an upper bound on the map's σ, in the map's own units
 * before any display normalisation; the map's raw range is named so the two can be compared.
 */
export function sigmaMeaning(map: ArrayLike<number>): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < map.length; i++) {
    if (map[i] < lo) lo = map[i];
    if (map[i] > hi) hi = map[i];
  }
  const span = Number.isFinite(lo) ? ` (the refined map spans ${tickText(lo)} to ${tickText(hi)})` : '';
  return `GP posterior σ, an upper bound, in the refined map's units before normalisation${span}; bright = unsure`;
}

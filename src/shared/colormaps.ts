/**
 * Colour maps as 256-entry RGB lookup tables (Uint8Array of 768), and the value range a map is
 * drawn with. Declared once for the engine (overlay PNGs) and the UI (maps drawn in the browser,
 * colour bars): pure code, no Node or DOM, so every process can load it.
 */
export type ColormapName = 'turbo' | 'jet' | 'diverging';
export const COLORMAPS: readonly ColormapName[] = ['turbo', 'jet', 'diverging'];
/**
 * Every table, with viridis: the app draws the map's uncertainty (posterior σ) in it and never
 * offers it for maps, so a σ overlay cannot be mistaken for a map.
 */
export type TableName = ColormapName | 'viridis';

// Google's Turbo polynomial approximation (Mikhailov 2019, Apache-2.0).
function turbo(t: number): [number, number, number] {
  const r = 0.13572138 + t * (4.6153926 + t * (-42.66032258 + t * (132.13108234 + t * (-152.94239396 + t * 59.28637943))));
  const g = 0.09140261 + t * (2.19418839 + t * (4.84296658 + t * (-14.18503333 + t * (4.27729857 + t * 2.82956604))));
  const b = 0.1066733 + t * (12.64194608 + t * (-60.58204836 + t * (110.36276771 + t * (-89.90310912 + t * 27.34824973))));
  return [r, g, b];
}

// Matplotlib's jet: piecewise linear.
function jet(t: number): [number, number, number] {
  const ramp = (x: number) => Math.min(Math.max(1.5 - Math.abs(4 * t - x), 0), 1);
  return [ramp(3), ramp(2), ramp(1)];
}

// Blue–white–red, white at 0.5 (so a map scaled symmetrically about 0 puts 0 at white).
function diverging(t: number): [number, number, number] {
  return t < 0.5 ? [2 * t, 2 * t, 1] : [1, 2 * (1 - t), 2 * (1 - t)];
}

// Matplotlib's viridis: the degree-6 polynomial fit of Matt Zucker (CC0), within ~0.01 of the table.
function viridis(t: number): [number, number, number] {
  const c = [
    [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
    [0.1050930431085774, 1.404613529898575, 1.384590162594685],
    [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
    [-4.634230498983486, -5.799100973351585, -19.33244095627987],
    [6.228269936347081, 14.17993336680509, 56.69055260068105],
    [4.776384997670288, -13.74514537774601, -65.35303263337234],
    [-5.435455855934631, 4.645852612178535, 26.3124352495832],
  ];
  const ch = (k: number) => c.reduceRight((acc, row) => acc * t + row[k], 0);
  return [ch(0), ch(1), ch(2)];
}

const TABLES: Record<TableName, (t: number) => [number, number, number]> = { turbo, jet, diverging, viridis };
const cache = new Map<TableName, Uint8Array>();

export function colormapTable(name: TableName): Uint8Array {
  let table = cache.get(name);
  if (!table) {
    const fn = TABLES[name];
    table = new Uint8Array(768);
    for (let i = 0; i < 256; i++) {
      const rgb = fn(i / 255);
      for (let c = 0; c < 3; c++) table[i * 3 + c] = Math.round(Math.min(Math.max(rgb[c], 0), 1) * 255);
    }
    cache.set(name, table);
  }
  return table;
}

/** The value range a map is drawn with: min–max, or symmetric ±max|v| for signed maps. */
export function mapRange(values: ArrayLike<number>, symmetric: boolean, mask?: Uint8Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (symmetric) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

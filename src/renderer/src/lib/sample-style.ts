/**
 * How BOREx's sampled squares (or rectangles, with shapes rects) are drawn (issue 13, finding 7): colour by the observed value y
 * (red: hiding the square lowered the class score, blue: it raised it; paler = smaller |y|),
 * line width by the square's size, the latest one emphasised. Live progress events carry the
 * values as `sampleValues`; squares without one are drawn by size and age.
 */

/** What BOREx's masks are called: rectangles where any sample is one (shapes rects), squares otherwise. */
export const masksWord = (samples: readonly Sample[]): 'squares' | 'rectangles' => (samples.some((s) => s.halfHeight !== undefined) ? 'rectangles' : 'squares');

/** What the masks' colours and widths mean, said next to them (live and replayed). */
export const samplesLegend = (samples: readonly Sample[]): string =>
  `${masksWord(samples)}: red = hiding it lowered the class score, blue = raised it, paler = a smaller change; thicker = larger; the newest has a dark halo`;

export interface Sample {
  row: number;
  col: number;
  halfSize: number;
  /** Rectangles (shapes rects): the half-sides in model-input pixels; absent for a square. */
  halfHeight?: number;
  halfWidth?: number;
  y?: number;
}

/** A box to draw: the square or rectangle [row − halfHeight, row + halfHeight) × [col − halfWidth, col + halfWidth). */
export interface Square {
  row: number;
  col: number;
  halfSize: number;
  /** halfSize for a square; a rectangle's own half-sides otherwise. */
  halfHeight: number;
  halfWidth: number;
  color: string;
  width: number;
  latest: boolean;
}

/**
 * (row, col, halfSize) triples of a progress event as samples, with their observed values when it
 * sent them, and with rectangles their (halfHeight, halfWidth) pairs (`sampleShapes`).
 */
export function samplesFromTriples(triples: ArrayLike<number>, values?: ArrayLike<number>, shapes?: ArrayLike<number>): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i + 2 < triples.length; i += 3) {
    const k = i / 3;
    const rect = shapes && 2 * k + 1 < shapes.length ? { halfHeight: shapes[2 * k], halfWidth: shapes[2 * k + 1] } : {};
    out.push({ row: triples[i], col: triples[i + 1], halfSize: triples[i + 2], ...rect, y: values?.[k] });
  }
  return out;
}

/** A sign colour for y in [−max, max]: hue red (> 0) or blue (< 0), lightness from 85 % (0) to 45 % (|y| = max). */
export function valueColour(y: number, max: number): string {
  const t = max > 0 ? Math.min(Math.abs(y) / max, 1) : 0;
  const hue = y >= 0 ? 8 : 212;
  return `hsl(${hue}, 90%, ${(85 - 40 * t).toFixed(1)}%)`;
}

/** The first `upto` samples as squares to draw (all when undefined). */
export function sampleSquares(samples: Sample[], upto = samples.length): Square[] {
  const shown = samples.slice(0, Math.max(0, Math.min(upto, samples.length)));
  let maxY = 0;
  let maxH = 0;
  for (const s of shown) {
    if (s.y !== undefined) maxY = Math.max(maxY, Math.abs(s.y));
    maxH = Math.max(maxH, s.halfSize);
  }
  return shown.map((s, i) => {
    const latest = i === shown.length - 1;
    // No value (live): older squares fade so the newest stand out.
    const age = shown.length > 1 ? i / (shown.length - 1) : 1;
    const color = s.y !== undefined ? valueColour(s.y, maxY) : `rgba(255,255,255,${(0.25 + 0.5 * age).toFixed(2)})`;
    const width = 1 + 2 * (maxH > 0 ? s.halfSize / maxH : 1) + (latest ? 1.5 : 0);
    return { row: s.row, col: s.col, halfSize: s.halfSize, halfHeight: s.halfHeight ?? s.halfSize, halfWidth: s.halfWidth ?? s.halfSize, color, width, latest };
  });
}

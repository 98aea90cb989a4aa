/** The class search over all of a model's labels (no DOM: unit-tested). */

export interface ClassMatch {
  index: number;
  name: string;
  /** The photo's probability of the class, when the model was asked. */
  probability?: number;
}

/**
 * The classes whose name contains `query` (any case), or whose index it is: names that start with
 * it first, then the more probable; at most `limit`. An empty query lists the most probable classes.
 */
export function searchClasses(labels: readonly string[], probabilities: readonly number[] | undefined, query: string, limit = 30): ClassMatch[] {
  const q = query.trim().toLowerCase();
  const p = (i: number) => probabilities?.[i] ?? 0;
  const found: { m: ClassMatch; rank: number }[] = [];
  for (let i = 0; i < labels.length; i++) {
    const n = labels[i].toLowerCase();
    const rank = q === '' ? 1 : String(i) === q ? 0 : n.startsWith(q) ? 1 : n.includes(q) ? 2 : -1;
    if (rank >= 0) found.push({ m: { index: i, name: labels[i], probability: probabilities?.[i] }, rank });
  }
  found.sort((a, b) => a.rank - b.rank || p(b.m.index) - p(a.m.index) || a.m.index - b.m.index);
  return found.slice(0, limit).map((f) => f.m);
}

/** A probability as the class list shows it: small ones in scientific notation rather than "0.0 %". */
export function probabilityText(p: number | undefined): string {
  if (p === undefined) return '';
  if (p >= 0.001) return `${(p * 100).toFixed(1)} %`;
  return `${(p * 100).toExponential(1)} %`;
}

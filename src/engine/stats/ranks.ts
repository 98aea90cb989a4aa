/**
 * Average ranks (1-based, ties share the mean of the ranks they span), like
 * `scipy.stats.rankdata(a, method='average')`; also returns the sizes of the tie groups.
 * Ties are exact equality of doubles. NaN is not allowed (the caller validates).
 */
export interface Ranking {
  ranks: Float64Array;
  /** Size of every group of equal values that has more than one member. */
  tieGroups: number[];
}

export function averageRanks(values: ArrayLike<number>): Ranking {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0));
  const ranks = new Float64Array(n);
  const tieGroups: number[] = [];
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    // positions start..end-1 hold ranks start+1..end; their mean is (start + 1 + end) / 2
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i]] = rank;
    if (end - start > 1) tieGroups.push(end - start);
    start = end;
  }
  return { ranks, tieGroups };
}

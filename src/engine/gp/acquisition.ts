/**
 * BOREx acquisition: upper confidence bound on the total saliency μ_total = μ + prior,
 *
 *   'ucb': u = μ_total + κ·σ          (default; public BOREx code, MeanType.NORMAL)
 *   'abs': u = |μ_total| + κ·σ        (suits signed priors)
 *
 * with κ = 10 by default. The next point is argmax u, ties going to the lowest index (a strict
 * `>` scan in index order, like numpy's argmax).
 */

export type AcquisitionKind = 'ucb' | 'abs';

export interface AcquisitionOptions {
  /** Exploration weight κ (the public code's `ratio`), default 10. */
  kappa?: number;
  /** 'ucb' (default) or 'abs'. */
  kind?: AcquisitionKind;
}

export interface AcquisitionChoice {
  /** Index of the winning candidate. */
  index: number;
  /** Its acquisition value u. */
  value: number;
}

/** u for one candidate. */
export function acquisitionValue(mean: number, std: number, prior: number, kappa = 10, kind: AcquisitionKind = 'ucb'): number {
  const total = mean + prior;
  return (kind === 'abs' ? Math.abs(total) : total) + kappa * std;
}

/**
 * Writes u for m candidates into `out`. `prior` is the prior value per candidate (i0 at the
 * candidate's centre) or null for a zero prior.
 */
export function acquisitionValues(
  mean: Float64Array,
  std: Float64Array,
  prior: Float64Array | null,
  m: number,
  options: AcquisitionOptions,
  out: Float64Array,
): Float64Array {
  const kappa = options.kappa ?? 10;
  const abs = (options.kind ?? 'ucb') === 'abs';
  for (let t = 0; t < m; t++) {
    const total = mean[t] + (prior ? prior[t] : 0);
    out[t] = (abs ? Math.abs(total) : total) + kappa * std[t];
  }
  return out;
}

/** argmax of u over m candidates without materialising u; ties → lowest index. */
export function acquisitionArgmax(
  mean: Float64Array,
  std: Float64Array,
  prior: Float64Array | null,
  m: number,
  options: AcquisitionOptions = {},
): AcquisitionChoice {
  if (mean.length < m || std.length < m || (prior && prior.length < m)) throw new Error(`acquisition inputs need ${m} entries`);
  const kappa = options.kappa ?? 10;
  const abs = (options.kind ?? 'ucb') === 'abs';
  let best = -Infinity;
  let index = -1;
  for (let t = 0; t < m; t++) {
    const total = mean[t] + (prior ? prior[t] : 0);
    const u = (abs ? Math.abs(total) : total) + kappa * std[t];
    if (u > best) {
      best = u;
      index = t;
    }
  }
  if (index < 0) throw new Error(m === 0 ? 'no candidates' : 'acquisition values are all NaN');
  return { index, value: best };
}

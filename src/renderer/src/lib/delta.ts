import type { CurveMetrics } from '../../../shared/api.ts';

/**
 * "Did the refinement help?": a refined map's score minus its prior's, per metric, with the
 * direction that is better (insertion and F up, deletion down). A difference under `SAME` is
 * called the same: the curves are sampled, so the last digits of an AUC are noise.
 */
export type DeltaMetric = 'insertion' | 'deletion' | 'fRp';
export const DELTA_METRICS: readonly DeltaMetric[] = ['insertion', 'deletion', 'fRp'];
export const HIGHER_IS_BETTER: Record<DeltaMetric, boolean> = { insertion: true, deletion: false, fRp: true };
export const SAME = 5e-4;

export type Verdict = 'better' | 'worse' | 'same';

export interface Delta {
  metric: DeltaMetric;
  value: number;
  verdict: Verdict;
}

export function delta(metric: DeltaMetric, refined: number | undefined, prior: number | undefined): Delta | undefined {
  if (refined === undefined || prior === undefined) return undefined;
  const value = refined - prior;
  const verdict: Verdict = Math.abs(value) < SAME ? 'same' : value > 0 === HIGHER_IS_BETTER[metric] ? 'better' : 'worse';
  return { metric, value, verdict };
}

/** Each metric both maps have, refined − prior. */
export function deltas(refined: CurveMetrics | undefined, prior: CurveMetrics | undefined): Delta[] {
  return DELTA_METRICS.map((m) => delta(m, refined?.[m], prior?.[m])).filter((d): d is Delta => d !== undefined);
}

export const VERDICT_MARK: Record<Verdict, string> = { better: '▲ better', worse: '▼ worse', same: '= same' };

/** A difference as the tables show it: a sign always, four decimals. */
export const signed4 = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(4)}`;

const NAMES: Record<DeltaMetric, string> = { insertion: 'insertion', deletion: 'deletion', fRp: 'F' };

/** One sentence: on which metrics the refinement helped, and on which it did not. */
export function verdictSentence(list: readonly Delta[]): string {
  const by = (v: Verdict) => list.filter((d) => d.verdict === v).map((d) => NAMES[d.metric]);
  const parts = [by('better').length ? `helped on ${by('better').join(' and ')}` : '', by('worse').length ? `made ${by('worse').join(' and ')} worse` : '', by('same').length ? `left ${by('same').join(' and ')} the same` : ''].filter(Boolean);
  return parts.length ? `The refinement ${parts.join('; ')}.` : '';
}

/** The prior a batch method refines (`borex:rise+no-flip` → `rise`), if the run has it; `bo` and `borex:none` have none. */
export function priorOf(method: string, methods: readonly string[]): string | undefined {
  const m = /^borex:([a-z-]+)/.exec(method);
  return m && m[1] !== 'none' && methods.includes(m[1]) ? m[1] : undefined;
}

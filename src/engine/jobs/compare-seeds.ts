/**
 * `borex compare` over seeds: a run made with `borex batch --seeds 0,1,2` holds each seed's
 * results as methods of their own (`rise@s1`, `borex:rise@s1`; batch-methods.ts). Each seed is
 * compared on its own, exactly as a one-seed run (compare.ts: the paper's pairs, one-sided
 * Wilcoxon per seed), and every pair and metric is summarised across seeds: the mean over seeds
 * of each seed's mean, its spread (sample standard deviation over seeds, n − 1), the mean paired
 * difference and each seed's p-value, so that no table rests on one lucky seed.
 *
 * A seed-free method (Grad-CAM, Grad-CAM++: no random numbers, plain id) is paired with every
 * seed's refinement.
 */
import { splitSeed } from './batch-methods.ts';
import { ALTERNATIVE, compareRuns, formatP, METRIC_LABELS, toMarkdown, type Comparison, type LoadedRuns, type MetricName, type PairRow, type PairSpec } from './compare.ts';

/** The seeds a run's method ids carry (sorted); empty for a one-seed run. */
export function runSeeds(methods: readonly string[]): number[] {
  const seeds = new Set<number>();
  for (const id of methods) {
    const { seed } = splitSeed(id);
    if (seed !== undefined) seeds.add(seed);
  }
  return [...seeds].sort((a, b) => a - b);
}

/** The runs as one seed sees them: `ID@sSEED` renamed to ID, seed-free ids kept, other seeds dropped. */
export function seedView(runs: LoadedRuns, seed: number): LoadedRuns {
  const rename = (id: string): string | undefined => {
    const s = splitSeed(id);
    return s.seed === undefined ? id : s.seed === seed ? s.base : undefined;
  };
  const methods = runs.methods.map(rename).filter((id): id is string => id !== undefined);
  const items = runs.items.map((item) => {
    const m: typeof item.methods = {};
    for (const [id, rec] of Object.entries(item.methods)) {
      const to = rename(id);
      if (to !== undefined) m[to] = rec;
    }
    return { ...item, methods: m };
  });
  return { ...runs, methods: [...new Set(methods)], items };
}

export interface Spread {
  mean?: number;
  /** Sample standard deviation over seeds (n − 1); undefined for fewer than 2 values. */
  sd?: number;
}

/** A pair and metric of compare's rows (which test), summarised over the seeds. */
export interface SeedSummaryRow extends Pick<PairRow, 'table' | 'name' | 'baseline' | 'candidate' | 'subset' | 'metric' | 'alternative'> {
  seeds: number[];
  /** Pairs per seed. */
  n: number[];
  meanBaseline: Spread;
  meanCandidate: Spread;
  /** Mean of (candidate − baseline) per seed, then its spread over seeds. */
  meanDifference: Spread;
  /** Each seed's one-sided p-value (undefined: no test for that seed). */
  pValues: (number | undefined)[];
  /** Seeds with p < 0.05. */
  significant: number;
}

export interface SeededComparison {
  title: string;
  seeds: number[];
  perSeed: { seed: number; comparison: Comparison }[];
  summary: SeedSummaryRow[];
}

export function spread(values: (number | undefined)[]): Spread {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (v.length === 0) return {};
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2) return { mean };
  const ss = v.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  return { mean, sd: Math.sqrt(ss / (v.length - 1)) };
}

/**
 * Compares every seed of `runs` with the pairs `pairsFor` gives for that seed's methods (the
 * paper's pairs, or the user's), then summarises each (pair, metric) over the seeds holding it.
 */
export function compareSeeds(runs: LoadedRuns, seeds: number[], pairsFor: (methods: readonly string[]) => PairSpec[], metrics: readonly MetricName[], title: string): SeededComparison {
  const perSeed = seeds.map((seed) => {
    const view = seedView(runs, seed);
    return { seed, comparison: compareRuns(view, pairsFor(view.methods), metrics, `${title} · seed ${seed}`) };
  });
  const summary: SeedSummaryRow[] = [];
  const keyOf = (r: { table: string; baseline: string; candidate: string; subset?: string; metric: string }) => `${r.table}|${r.baseline}|${r.candidate}|${r.subset ?? ''}|${r.metric}`;
  const seen = new Set<string>();
  for (const { comparison } of perSeed) {
    for (const r of comparison.rows) {
      const key = keyOf(r);
      if (seen.has(key)) continue;
      seen.add(key);
      const rows = perSeed.map((p) => ({ seed: p.seed, row: p.comparison.rows.find((x) => keyOf(x) === key) })).filter((x) => x.row !== undefined);
      const meanDiff = (d: number[]) => (d.length ? d.reduce((a, b) => a + b, 0) / d.length : undefined);
      const pValues = rows.map((x) => x.row!.pValue);
      summary.push({
        table: r.table,
        name: r.name,
        baseline: r.baseline,
        candidate: r.candidate,
        subset: r.subset,
        metric: r.metric,
        alternative: ALTERNATIVE[r.metric],
        seeds: rows.map((x) => x.seed),
        n: rows.map((x) => x.row!.n),
        meanBaseline: spread(rows.map((x) => x.row!.meanBaseline)),
        meanCandidate: spread(rows.map((x) => x.row!.meanCandidate)),
        meanDifference: spread(rows.map((x) => meanDiff(x.row!.differences))),
        pValues,
        significant: pValues.filter((p) => p !== undefined && p < 0.05).length,
      });
    }
  }
  return { title, seeds, perSeed, summary };
}

const fmt = (v: number | undefined, digits = 4) => (v === undefined ? '—' : v.toFixed(digits));
const withSd = (s: Spread, digits = 4) => (s.mean === undefined ? '—' : s.sd === undefined ? fmt(s.mean, digits) : `${fmt(s.mean, digits)} ± ${fmt(s.sd, digits)}`);
const signedSd = (s: Spread) => (s.mean === undefined ? '—' : `${s.mean > 0 ? '+' : s.mean < 0 ? '−' : ''}${Math.abs(s.mean).toFixed(4)}${s.sd === undefined ? '' : ` ± ${s.sd.toFixed(4)}`}`);

export function seededMarkdown(c: SeededComparison): string {
  const out: string[] = [];
  out.push(`Seeds ${c.seeds.join(', ')}: each seed compared on its own (one-sided Wilcoxon signed-rank per seed, SciPy 1.10 semantics), then summarised: the mean over seeds of each seed's mean ± the sample standard deviation over seeds; "mean diff." = mean of candidate − baseline per seed, over seeds; "p per seed" in seed order; * p < 0.05, ** p < 0.001.`);
  for (const table of [...new Set(c.summary.map((r) => r.table))]) {
    const rows = c.summary.filter((r) => r.table === table);
    out.push('', `### Across seeds: ${table}`, '');
    out.push('| compared with | candidate | metric | n per seed | mean baseline ± sd | mean candidate ± sd | mean diff. ± sd | p per seed | seeds p < 0.05 |', '|---|---|---|---:|---:|---:|---:|---:|---:|');
    let last = '';
    for (const r of rows) {
      const group = `${r.name}|${r.baseline}|${r.candidate}|${r.subset ?? ''}`;
      const first = group !== last;
      last = group;
      const name = first ? `${r.name}${r.name !== r.baseline ? ` (\`${r.baseline}\`)` : ''}` : '';
      const arrow = r.alternative === 'greater' ? '↑' : '↓';
      out.push(
        `| ${[name, first ? `\`${r.candidate}\`` : '', `${METRIC_LABELS[r.metric]} ${arrow}`, r.n.join(' / '), withSd(r.meanBaseline), withSd(r.meanCandidate), signedSd(r.meanDifference), r.pValues.map(formatP).join(' / '), `${r.significant}/${r.seeds.length}`].join(' | ')} |`,
      );
    }
  }
  for (const { seed, comparison } of c.perSeed) out.push('', `## Seed ${seed}`, '', toMarkdown(comparison).trimEnd());
  return out.join('\n') + '\n';
}

const SEED_CSV_HEAD = ['table', 'name', 'baseline', 'candidate', 'subset', 'metric', 'alternative', 'seed', 'n', 'mean_baseline', 'mean_candidate', 'mean_difference', 'p_value', 'sd_baseline', 'sd_candidate', 'sd_difference', 'seeds_significant'];

/** One line per (pair, metric, seed), then one per (pair, metric) with seed `all` and the spreads. */
export function seededCsv(c: SeededComparison): string {
  const q = (v: unknown) => {
    if (v === undefined || v === null) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [SEED_CSV_HEAD.join(',')];
  for (const { seed, comparison } of c.perSeed) {
    for (const r of comparison.rows) {
      const d = r.differences.length ? r.differences.reduce((a, b) => a + b, 0) / r.differences.length : undefined;
      lines.push([r.table, r.name, r.baseline, r.candidate, r.subset, r.metric, r.alternative, seed, r.n, r.meanBaseline, r.meanCandidate, d, r.pValue, '', '', '', ''].map(q).join(','));
    }
  }
  for (const r of c.summary) {
    lines.push(
      [r.table, r.name, r.baseline, r.candidate, r.subset, r.metric, r.alternative, 'all', r.n.join(' '), r.meanBaseline.mean, r.meanCandidate.mean, r.meanDifference.mean, '', r.meanBaseline.sd, r.meanCandidate.sd, r.meanDifference.sd, r.significant].map(q).join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function seededJson(c: SeededComparison): string {
  return JSON.stringify(c, null, 2) + '\n';
}

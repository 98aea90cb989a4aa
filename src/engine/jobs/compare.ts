/**
 * `borex compare`: paired comparisons of methods over the items of one or more runs, in the form
 * of the BOREx paper's Tables 1 and 2 (docs/algorithms.md, "Statistics").
 *
 * Pairs: per item (joined by `key` across runs) the metric of the candidate and of the baseline,
 * over items where both methods succeeded and the metric exists (F needs boxes). Test: one-sided
 * Wilcoxon signed-rank (src/engine/stats, SciPy 1.10 semantics) with x = candidate, y = baseline;
 * alternative 'greater' for insertion and F, 'less' for deletion. Reported: n pairs, the means,
 * the median paired difference (candidate − baseline, zeros included), the share of pairs improved
 * in the alternative's direction, and the p-value (* p < 0.05, ** p < 0.001).
 *
 * Tables built from whichever methods the runs hold:
 *  Table 1: rise → borex:rise, pn-rise → borex:pn-rise, gradcampp → borex:gradcampp, bo → borex:rise
 *  Table 2: borex:rise+no-flip, borex:rise+simple-avg, borex:rise+area, borex:none → borex:rise,
 *           and borex:none → borex:rise on the items whose prior (rise) insertion is < 0.6.
 *  The same rows again for each other BOREx variant the runs hold (BOREX_VARIANTS: +learned,
 *  +learned+pa, +learned+pa+check-heads, with their ablations borex:rise+no-flip+learned+pa, …),
 *  each also against itself without each of its modifiers (borex:rise+pa: fixed weight;
 *  borex:rise+learned: coverage; borex:rise+learned+pa: no check) and against borex:rise (the
 *  paper's BOREx).
 */
import path from 'node:path';
import type { ComparisonRow } from '../../shared/results.ts';
import { usageError } from '../errors.ts';
import { wilcoxon, type WilcoxonAlternative } from '../stats/index.ts';
import { parseMethodId } from './batch-methods.ts';
import { readRunItems, readRunManifest, specFingerprint, type ItemRecord, type MethodRecord, type RunManifest } from './run-store.ts';

export const METRICS = ['fRp', 'f1', 'insertion', 'deletion'] as const;
export type MetricName = (typeof METRICS)[number];
export const METRIC_LABELS: Record<MetricName, string> = { fRp: 'F-measure (F_rp)', f1: 'F1', insertion: 'insertion', deletion: 'deletion' };
export const ALTERNATIVE: Record<MetricName, Exclude<WilcoxonAlternative, 'two-sided'>> = { fRp: 'greater', f1: 'greater', insertion: 'greater', deletion: 'less' };

/** The paper's published p-values (Table 1, image rows; Table 2), its "F-measure" being F_rp. */
export const PAPER_P: Record<string, Partial<Record<MetricName, number>>> = {
  'rise>borex:rise': { fRp: 8.307e-21, insertion: 1.016e-23, deletion: 8.874e-1 },
  'gradcampp>borex:gradcampp': { fRp: 1.0, insertion: 5.09e-8, deletion: 6.79e-4 },
  'bo>borex:rise': { fRp: 1.8e-5, insertion: 6.63e-11, deletion: 3.111e-1 },
  'borex:rise+no-flip>borex:rise': { fRp: 2.987e-29, insertion: 1.416e-4, deletion: 2.024e-3 },
  'borex:rise+simple-avg>borex:rise': { fRp: 2.026e-3, insertion: 1.184e-46, deletion: 4.871e-3 },
  'borex:none>borex:rise': { fRp: 4.514e-2, insertion: 3.84624e-1, deletion: 2.2194e-1 },
  'borex:none>borex:rise|prior-insertion<0.6': { fRp: 2.4825e-2, insertion: 3.219e-3, deletion: 6.47929e-1 },
};

export interface PairSpec {
  table: string;
  /** How the row is named in the table ("RISE", "no-flip", ...). */
  name: string;
  baseline: string;
  candidate: string;
  /** Optional item filter. */
  subset?: { id: string; label: string; test: (item: JoinedItem) => boolean };
}

/** A row of the tables: the shared row the app shows, with what the reports add. */
export interface PairRow extends ComparisonRow {
  metric: MetricName;
  statistic?: number;
  method?: 'exact' | 'approx';
  warnings: string[];
  paperP?: number;
  /** candidate − baseline per pair, for the report's distributions. */
  differences: number[];
}

export interface JoinedItem {
  key: string;
  image: string;
  class?: string;
  label?: ItemRecord['label'];
  status: ItemRecord['status'];
  methods: Record<string, MethodRecord>;
}

export interface LoadedRuns {
  dirs: string[];
  manifests: RunManifest[];
  items: JoinedItem[];
  /** Method ids in run order. */
  methods: string[];
  warnings: string[];
}

/**
 * Reads runs and joins their items by key. Runs must be of the same model and input; a method
 * found in several runs is taken from the first run holding it.
 */
export function loadRuns(dirs: string[]): LoadedRuns {
  if (dirs.length === 0) throw usageError('compare needs at least one RUN_DIR');
  const manifests = dirs.map(readRunManifest);
  const warnings: string[] = [];
  const model = (m: RunManifest) => (m.spec.model as { sha256?: string } | undefined)?.sha256;
  const inputOf = (m: RunManifest) => specFingerprint(m.spec.input);
  for (let i = 1; i < manifests.length; i++) {
    if (model(manifests[i]) !== model(manifests[0])) throw usageError(`${dirs[i]} is a run of another model than ${dirs[0]}; compare runs of one model`);
    if (inputOf(manifests[i]) !== inputOf(manifests[0])) warnings.push(`${dirs[i]} ran on another input than ${dirs[0]}: only items present in both are paired`);
  }
  const byKey = new Map<string, JoinedItem>();
  const methods: string[] = [];
  dirs.forEach((dir, r) => {
    const runMethods = ((manifests[r].spec.methods as { id: string }[] | undefined) ?? []).map((m) => m.id);
    for (const id of runMethods) if (!methods.includes(id)) methods.push(id);
    for (const rec of readRunItems(dir)) {
      let item = byKey.get(rec.key);
      if (!item) {
        item = { key: rec.key, image: rec.image, class: rec.class, label: rec.label, status: rec.status, methods: {} };
        byKey.set(rec.key, item);
      } else if (item.label && rec.label && item.label.index !== rec.label.index) {
        warnings.push(`${rec.key}: runs explain different classes (${item.label.index} vs ${rec.label.index})`);
      }
      if (item.status !== 'ok' && rec.status === 'ok') Object.assign(item, { status: rec.status, label: rec.label, class: rec.class });
      for (const [id, m] of Object.entries(rec.methods ?? {})) if (!(id in item.methods)) item.methods[id] = m;
    }
  });
  return { dirs: dirs.map((d) => path.resolve(d)), manifests, items: [...byKey.values()], methods, warnings };
}

const PRETTY: Record<string, string> = {
  rise: 'RISE',
  'pn-rise': 'PN-RISE',
  gradcam: 'Grad-CAM',
  gradcampp: 'Grad-CAM++',
  bo: 'BO (Mokuwe et al.)',
  'borex:rise': 'BOREx(RISE)',
  'borex:pn-rise': 'BOREx(PN-RISE)',
  'borex:gradcampp': 'BOREx(Grad-CAM++)',
  'borex:none': 'BOREx without prior',
};
export const prettyMethod = (id: string) => PRETTY[id] ?? id;

const priorInsertionBelow = (limit: number) => ({
  id: `prior-insertion<${limit}`,
  label: `items whose prior (rise) insertion < ${limit}`,
  test: (item: JoinedItem) => {
    const v = item.methods.rise?.status === 'ok' ? item.methods.rise.metrics?.insertion : undefined;
    return v !== undefined && v < limit;
  },
});

/**
 * The BOREx variants a run may hold, each with its own rows of Tables 1 and 2 (its ablations are
 * its ids with a modifier added): the paper's (`borex:rise`, the public code's with --preset paper),
 * the learned prior weight, the photo default of the other presets before 2026-12-04
 * (+learned+pa) and since (+learned+pa+check-heads).
 */
export const BOREX_VARIANTS = ['', '+learned', '+learned+pa', '+learned+pa+check-heads'] as const;
/** A variant's modifier taken away, in words (the Table 2 row of that ablation). */
const WITHOUT: Record<string, string> = { learned: 'fixed prior weight', pa: 'the prior before the aggregate (coverage)', 'check-heads': 'no deletion check' };

/** The paper's Tables 1 and 2, restricted to the pairs whose two methods are in `methods`. */
export function paperPairs(methods: readonly string[]): PairSpec[] {
  const has = (id: string) => methods.includes(id);
  const out: PairSpec[] = [];
  const add = (table: string, name: string, baseline: string, candidate: string, subset?: PairSpec['subset']) => {
    if (has(baseline) && has(candidate)) out.push({ table, name, baseline, candidate, ...(subset ? { subset } : {}) });
  };
  for (const variant of BOREX_VARIANTS) {
    // The variant's id with more modifiers, in the parser's normal order (borex:rise+no-flip+learned+pa).
    const id = (prior: string, more = '') => parseMethodId(`borex:${prior}${more}${variant}`).id;
    const main = id('rise');
    for (const [base, prior] of [['rise', 'rise'], ['pn-rise', 'pn-rise'], ['gradcampp', 'gradcampp'], ['bo', 'rise']]) add('Table 1', prettyMethod(base), base, id(prior));
    for (const [more, name] of [['+no-flip', 'no-flip'], ['+simple-avg', 'simple-avg'], ['+area', 'area (paper aggregate)']]) add('Table 2', name, id('rise', more), main);
    // A variant against itself without each of its modifiers, and without all of them (the paper's BOREx).
    const mods = variant.split('+').filter(Boolean);
    for (const m of mods) add('Table 2', WITHOUT[m], parseMethodId(`borex:rise${mods.filter((x) => x !== m).map((x) => '+' + x).join('')}`).id, main);
    if (mods.length > 1) add('Table 2', "the paper's BOREx (fixed weight, coverage)", 'borex:rise', main);
    add('Table 2', 'no-prior', 'borex:none', main);
    if (has('rise')) add('Table 2', 'no-prior (base insertion < 0.6)', 'borex:none', main, priorInsertionBelow(0.6));
  }
  return out;
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined);

export function comparePair(items: JoinedItem[], pair: PairSpec, metric: MetricName): PairRow {
  const alternative = ALTERNATIVE[metric];
  const x: number[] = [];
  const y: number[] = [];
  for (const item of items) {
    if (item.status !== 'ok' || (pair.subset && !pair.subset.test(item))) continue;
    const b = item.methods[pair.baseline];
    const c = item.methods[pair.candidate];
    if (b?.status !== 'ok' || c?.status !== 'ok') continue;
    const vb = b.metrics?.[metric];
    const vc = c.metrics?.[metric];
    if (typeof vb !== 'number' || typeof vc !== 'number' || !Number.isFinite(vb) || !Number.isFinite(vc)) continue;
    x.push(vc);
    y.push(vb);
  }
  const paperKey = `${pair.baseline}>${pair.candidate}${pair.subset ? '|' + pair.subset.id : ''}`;
  const row: PairRow = {
    table: pair.table,
    name: pair.name,
    baseline: pair.baseline,
    candidate: pair.candidate,
    subset: pair.subset?.label,
    metric,
    alternative,
    n: x.length,
    meanBaseline: mean(y),
    meanCandidate: mean(x),
    warnings: [],
    paperP: PAPER_P[paperKey]?.[metric],
    differences: x.map((v, i) => v - y[i]),
  };
  if (x.length === 0) {
    row.note = noPairsReason(items, pair, metric);
    return row;
  }
  if (x.every((v, i) => v === y[i])) {
    row.note = 'every paired difference is zero: no test';
    row.medianDifference = 0;
    row.shareImproved = 0;
    return row;
  }
  const w = wilcoxon(x, y, alternative);
  Object.assign(row, { medianDifference: w.medianDifference, shareImproved: w.shareImproved, statistic: w.statistic, pValue: w.pValue, method: w.method, warnings: w.warnings });
  return row;
}

function noPairsReason(items: JoinedItem[], pair: PairSpec, metric: MetricName): string {
  for (const id of [pair.candidate, pair.baseline]) {
    const recs = items.map((i) => i.methods[id]).filter((m): m is MethodRecord => !!m);
    if (recs.length > 0 && recs.every((m) => m.status === 'failed')) return `${id} failed on every item: ${recs[0].error?.message ?? 'unknown error'}`;
  }
  if (metric === 'fRp' || metric === 'f1') return 'no item with both maps and ground-truth boxes';
  return 'no item with both maps';
}

export interface Comparison {
  title: string;
  runs: string[];
  model?: string;
  items: { total: number; ok: number; failed: number; noItem: number };
  methods: { id: string; ok: number; failed: number; firstError?: string }[];
  rows: PairRow[];
  warnings: string[];
}

export function compareRuns(runs: LoadedRuns, pairs: PairSpec[], metrics: readonly MetricName[] = METRICS, title = 'BOREx comparison'): Comparison {
  if (pairs.length === 0) throw usageError(`no pair to compare: the runs hold ${runs.methods.join(', ') || 'no methods'}; give --baseline and --candidate, or run the paper's methods (e.g. rise,borex:rise,bo)`);
  for (const p of pairs) {
    for (const id of [p.baseline, p.candidate]) if (!runs.methods.includes(id)) throw usageError(`method "${id}" is not in the run(s); they hold ${runs.methods.join(', ')}`);
  }
  const rows = pairs.flatMap((p) => metrics.map((m) => comparePair(runs.items, p, m)));
  const model = runs.manifests[0]?.spec.model as { name?: string } | undefined;
  return {
    title,
    runs: runs.dirs,
    model: model?.name,
    items: {
      total: runs.items.length,
      ok: runs.items.filter((i) => i.status === 'ok').length,
      failed: runs.items.filter((i) => i.status === 'failed').length,
      noItem: runs.items.filter((i) => i.status === 'no-item').length,
    },
    methods: runs.methods.map((id) => {
      const recs = runs.items.map((i) => i.methods[id]).filter((m): m is MethodRecord => !!m);
      const failed = recs.filter((m) => m.status === 'failed');
      return { id, ok: recs.length - failed.length, failed: failed.length, firstError: failed[0]?.error?.message };
    }),
    rows,
    warnings: runs.warnings,
  };
}

// ---------------------------------------------------------------- formatting

export function formatP(p: number | undefined): string {
  if (p === undefined) return '—';
  const stars = p < 0.001 ? '**' : p < 0.05 ? '*' : '';
  const text = p === 0 ? '0' : p < 0.01 ? p.toExponential(3) : p.toFixed(4);
  return text + stars;
}

const fmt = (v: number | undefined, digits = 4) => (v === undefined ? '—' : v.toFixed(digits));
const signed = (v: number | undefined, digits = 4) =>
  v === undefined ? '—' : (v > 0 ? '+' : v < 0 ? '−' : '') + (v !== 0 && Math.abs(v) < 0.5 * 10 ** -digits ? Math.abs(v).toExponential(1) : Math.abs(v).toFixed(digits));
const pct = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v * 100)}%`);
const arrow = (m: MetricName) => (ALTERNATIVE[m] === 'greater' ? '↑' : '↓');

export function toMarkdown(c: Comparison, options: { paperColumn?: boolean } = {}): string {
  const out: string[] = [];
  const paper = options.paperColumn ?? c.rows.some((r) => r.paperP !== undefined);
  out.push(`Model ${c.model ?? '?'} · ${c.items.ok} items explained (${c.items.failed} failed, ${c.items.noItem} images without an item) · run${c.runs.length > 1 ? 's' : ''} ${c.runs.map((r) => `\`${r}\``).join(', ')}`);
  out.push('');
  out.push('One-sided Wilcoxon signed-rank test (SciPy 1.10 semantics) of BOREx (candidate) against each baseline; H1: the candidate is better (higher insertion and F, lower deletion). Median difference = candidate − baseline; improved = share of pairs better for the candidate. * p < 0.05, ** p < 0.001.');
  for (const table of [...new Set(c.rows.map((r) => r.table))]) {
    const rows = c.rows.filter((r) => r.table === table);
    const candidates = [...new Set(rows.map((r) => r.candidate))];
    out.push('', `### ${table}${candidates.length === 1 ? `: ${prettyMethod(candidates[0])} against` : ''}`, '');
    const head = ['compared with', 'metric', 'n', 'mean baseline', 'mean candidate', 'median diff.', 'improved', 'p-value'];
    if (candidates.length > 1) head.splice(1, 0, 'candidate');
    if (paper) head.push('paper p');
    out.push(`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i < (candidates.length > 1 ? 3 : 2) ? '---' : '---:')).join('|')}|`);
    let last = '';
    let lastNote = '';
    for (const r of rows) {
      const group = `${r.name}|${r.baseline}|${r.candidate}|${r.subset ?? ''}`;
      const first = group !== last;
      last = group;
      const name = first ? `${r.name}${r.name !== r.baseline ? ` (\`${r.baseline}\`)` : ''}` : '';
      const note = r.note && (first || r.note !== lastNote) ? `— (${r.note})` : r.note ? '— (same)' : '';
      lastNote = r.note ?? '';
      const cells = [name, `${METRIC_LABELS[r.metric]} ${arrow(r.metric)}`, String(r.n), fmt(r.meanBaseline), fmt(r.meanCandidate), signed(r.medianDifference), pct(r.shareImproved), note || formatP(r.pValue)];
      if (candidates.length > 1) cells.splice(1, 0, first ? `\`${r.candidate}\`` : '');
      if (paper) cells.push(r.paperP === undefined ? '' : formatP(r.paperP));
      out.push(`| ${cells.join(' | ')} |`);
    }
  }
  const failing = c.methods.filter((m) => m.failed > 0);
  if (failing.length) {
    out.push('', 'Method failures recorded in the run:', '');
    for (const m of failing) out.push(`- \`${m.id}\`: failed on ${m.failed} of ${m.ok + m.failed} items — ${m.firstError ?? ''}`);
  }
  const warned = c.rows.filter((r) => r.warnings.length > 0);
  if (warned.length) {
    out.push('', `Test notes: ${[...new Set(warned.flatMap((r) => r.warnings))].map((w) => `\`${w}\``).join(', ')} (see src/engine/stats/wilcoxon.ts).`);
  }
  for (const w of c.warnings) out.push('', `Warning: ${w}`);
  return out.join('\n') + '\n';
}

const CSV_HEAD = ['table', 'name', 'baseline', 'candidate', 'subset', 'metric', 'alternative', 'n', 'mean_baseline', 'mean_candidate', 'median_difference', 'share_improved', 'statistic', 'p_value', 'significance', 'test_method', 'warnings', 'note', 'paper_p'];

export function toCsv(c: Comparison): string {
  const q = (v: unknown) => {
    if (v === undefined || v === null) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [CSV_HEAD.join(',')];
  for (const r of c.rows) {
    const sig = r.pValue === undefined ? '' : r.pValue < 0.001 ? '**' : r.pValue < 0.05 ? '*' : '';
    lines.push(
      [r.table, r.name, r.baseline, r.candidate, r.subset, r.metric, r.alternative, r.n, r.meanBaseline, r.meanCandidate, r.medianDifference, r.shareImproved, r.statistic, r.pValue, sig, r.method, r.warnings.join(' '), r.note, r.paperP].map(q).join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function toJson(c: Comparison): string {
  return JSON.stringify({ ...c, rows: c.rows.map(({ differences, ...r }) => ({ ...r, differences })) }, null, 2) + '\n';
}

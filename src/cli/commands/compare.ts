import fs from 'node:fs';
import path from 'node:path';
import { usageError } from '../../engine/errors.ts';
import { compareRuns, loadRuns, METRICS, paperPairs, prettyMethod, toCsv, toJson, toMarkdown, type MetricName, type PairSpec } from '../../engine/jobs/compare.ts';
import { compareSeeds, runSeeds, seedView, seededCsv, seededJson, seededMarkdown } from '../../engine/jobs/compare-seeds.ts';
import { toHtml } from '../../engine/jobs/report-html.ts';
import { writeFileAtomic } from '../../engine/jobs/write-outputs.ts';
import { choiceOption, parse } from '../args.ts';

export const COMPARE_USAGE = `borex compare RUN_DIR [RUN_DIR...] [options]
  Paired one-sided Wilcoxon tests between methods of batch runs (runs of one model are joined by item).
  Without --baseline/--candidate: the paper's Table 1 (rise, pn-rise, gradcampp and bo against their
  BOREx refinement) and Table 2 (no-flip, simple-avg, no-prior ablations) from the methods present.
  A run of several seeds (borex batch --seeds) is compared per seed and summarised across seeds
  (mean ± sd over seeds, each seed's p); --baseline/--candidate then name methods without @sSEED.
  --baseline METHOD --candidate METHOD   one comparison (repeat both for more, in pairs)
  --metrics LIST          of ${METRICS.join(', ')} (default: all)
  --format md|csv|json    what goes to stdout (default md)
  --out DIR               also write compare.md, compare.csv, compare.json and report.html (self-contained)
  --title TEXT            report title`;

const OPTIONS = {
  baseline: { type: 'string', multiple: true },
  candidate: { type: 'string', multiple: true },
  metrics: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  title: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function compareCommand(argv: string[]): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  if (o.help) {
    console.log(COMPARE_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw usageError(`compare needs a RUN_DIR\n${COMPARE_USAGE}`);
  const baselines = o.baseline ?? [];
  const candidates = o.candidate ?? [];
  if (baselines.length !== candidates.length) throw usageError('give --baseline and --candidate in pairs');
  const metrics = o.metrics === undefined ? METRICS : o.metrics.split(',').map((m) => choiceOption(m.trim(), 'metrics', METRICS) as MetricName);
  const format = choiceOption(o.format, 'format', ['md', 'csv', 'json'] as const) ?? 'md';
  const runs = loadRuns(positionals);
  const pairsFor = (methods: readonly string[]): PairSpec[] =>
    baselines.length ? baselines.map((b, i) => ({ table: 'Comparison', name: prettyMethod(b), baseline: b, candidate: candidates[i] })) : paperPairs(methods);
  const title = o.title ?? (baselines.length ? 'BOREx Studio comparison' : "BOREx Studio: the paper's Tables 1 and 2");
  const seeds = runSeeds(runs.methods);
  if (seeds.length > 0) return writeSeeded(runs, seeds, pairsFor, metrics, title, format, o.out);
  const c = compareRuns(runs, pairsFor(runs.methods), metrics, title);
  const md = `# ${title}\n\n${toMarkdown(c)}`;
  const text = format === 'md' ? md : format === 'csv' ? toCsv(c) : toJson(c);
  process.stdout.write(text);
  if (o.out) {
    const out = path.resolve(o.out);
    fs.mkdirSync(out, { recursive: true });
    writeFileAtomic(path.join(out, 'compare.md'), md);
    writeFileAtomic(path.join(out, 'compare.csv'), toCsv(c));
    writeFileAtomic(path.join(out, 'compare.json'), toJson(c));
    writeFileAtomic(path.join(out, 'report.html'), toHtml(c, runs.items, runs.methods));
    process.stderr.write(`wrote ${out}/{compare.md, compare.csv, compare.json, report.html}\n`);
  }
  return 0;
}

/** A run of several seeds: per-seed tables and the summary across seeds; report-SEED.html per seed. */
function writeSeeded(runs: ReturnType<typeof loadRuns>, seeds: number[], pairsFor: (m: readonly string[]) => PairSpec[], metrics: readonly MetricName[], title: string, format: 'md' | 'csv' | 'json', outDir?: string): number {
  const c = compareSeeds(runs, seeds, pairsFor, metrics, title);
  const md = `# ${title}\n\n${seededMarkdown(c)}`;
  process.stdout.write(format === 'md' ? md : format === 'csv' ? seededCsv(c) : seededJson(c));
  if (outDir) {
    const out = path.resolve(outDir);
    fs.mkdirSync(out, { recursive: true });
    writeFileAtomic(path.join(out, 'compare.md'), md);
    writeFileAtomic(path.join(out, 'compare.csv'), seededCsv(c));
    writeFileAtomic(path.join(out, 'compare.json'), seededJson(c));
    for (const { seed, comparison } of c.perSeed) {
      const view = seedView(runs, seed);
      writeFileAtomic(path.join(out, `report-s${seed}.html`), toHtml(comparison, view.items, view.methods));
    }
    process.stderr.write(`wrote ${out}/{compare.md, compare.csv, compare.json, report-s{${seeds.join(',')}}.html}\n`);
  }
  return 0;
}

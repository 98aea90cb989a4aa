/**
 * Mean insertion, deletion, F_rp and F1 per method of a batch run, and for each BOREx variant the
 * share of items where it beats its prior. Writes the BENCHMARKS.md quality section.
 * Usage: node bin/run-ts.mjs bench/voc-quality.ts RUN_DIR
 */
import fs from 'node:fs';
import path from 'node:path';
import { machineLine, writeSection } from './machine.ts';

const run = process.argv[2];
const METRICS = ['insertion', 'deletion', 'fRp', 'f1'] as const;
type Metrics = Record<(typeof METRICS)[number], number>;
const items: Record<string, Metrics>[] = [];
for (const line of fs.readFileSync(path.join(run, 'items.jsonl'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const item = JSON.parse(line);
  if (item.status !== 'ok') continue;
  items.push(Object.fromEntries(Object.entries(item.methods as Record<string, { status: string; metrics: Metrics }>).filter(([, r]) => r.status === 'ok').map(([m, r]) => [m, r.metrics])));
}
const methods = [...new Set(items.flatMap((i) => Object.keys(i)))];
const mean = (m: string, k: keyof Metrics) => items.reduce((s, i) => s + i[m][k], 0) / items.length;
const better = (k: keyof Metrics, a: number, b: number) => (k === 'deletion' ? a < b : a > b);
const priorOf = (m: string) => (m === 'bo' ? null : m.startsWith('borex:') ? m.slice(6).split('+')[0] : null);
const rows = methods.map((m) => {
  const prior = priorOf(m);
  const share = (k: keyof Metrics) => (prior && prior !== 'none' ? `${Math.round((100 * items.filter((i) => better(k, i[m][k], i[prior][k])).length) / items.length)}%` : '–');
  return `| \`${m}\` | ${METRICS.map((k) => mean(m, k).toFixed(4)).join(' | ')} | ${METRICS.map(share).join(' / ')} |`;
});
const body = [
  '## BOREx quality on the VOC subset (MobileNetV2 int8)',
  '',
  `Machine: ${machineLine()} · run \`${run}\` — the run of docs/results/voc-subset.md (exact command, Wilcoxon tables and discussion there), ${items.length} items, preset paper (RISE N=100 prior, BOREx 50 iterations, exhaustive candidate search).`,
  '',
  '| method | insertion ↑ | deletion ↓ | F_rp ↑ | F1 ↑ | beats its prior on ins / del / F_rp / F1 |',
  '|---|---:|---:|---:|---:|---|',
  ...rows,
  '',
  'Where BOREx does not help here: refining RISE improves localisation (F_rp, F1) clearly but insertion only marginally and deletion not at all; refining Grad-CAM++ improves insertion and deletion but loses F; the no-flip and no-prior ablations score higher insertion than full BOREx, the opposite of the paper (see docs/results/voc-subset.md).',
].join('\n');
await writeSection('voc-quality', body);
console.log(body);

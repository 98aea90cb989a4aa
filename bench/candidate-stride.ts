/**
 * Does a coarser BOREx acquisition grid lose quality? Compares `borex:rise` of two batch runs that
 * differ only in --candidate-stride, item by item (two-sided Wilcoxon), and writes the table into
 * BENCHMARKS.md. Usage: node bin/run-ts.mjs bench/candidate-stride.ts EXACT_RUN STRIDED_RUN [STRIDE]
 */
import fs from 'node:fs';
import path from 'node:path';
import { wilcoxon } from '../src/engine/stats/index.ts';
import { machineLine, writeSection } from './machine.ts';

const [exactRun, stridedRun, stride = '4'] = process.argv.slice(2);
type Metrics = Record<string, number>;
function load(run: string): Map<string, Metrics> {
  const items = new Map<string, Metrics>();
  for (const line of fs.readFileSync(path.join(run, 'items.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const item = JSON.parse(line);
    const m = item.methods?.['borex:rise'];
    if (item.status === 'ok' && m?.status === 'ok') items.set(item.key, m.metrics);
  }
  return items;
}
function gpSeconds(run: string): number[] {
  const file = path.join(run, 'timing.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).methods?.['borex:rise']?.gp_ms / 1000)
    .filter((v) => Number.isFinite(v));
}
const exact = load(exactRun);
const strided = load(stridedRun);
const keys = [...exact.keys()].filter((k) => strided.has(k));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const rows = ['insertion', 'deletion', 'fRp', 'f1'].map((metric) => {
  const a = keys.map((k) => strided.get(k)![metric]);
  const b = keys.map((k) => exact.get(k)![metric]);
  const t = wilcoxon(a, b, 'two-sided');
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  return `| ${metric} | ${keys.length} | ${mean(b).toFixed(4)} | ${mean(a).toFixed(4)} | ${t.medianDifference.toExponential(2)} | ${t.pValue.toPrecision(3)} |`;
});
const gpExact = gpSeconds(exactRun);
const gpStrided = gpSeconds(stridedRun);
const body = [
  `## BOREx candidate stride: exact (1) against ${stride}`,
  '',
  `Machine: ${machineLine()}`,
  '',
  `\`borex:rise\` (RISE paper-prior, 50 iterations) on the VOC subset items with MobileNetV2 int8, the same seed; runs \`${exactRun}\` (stride 1) and \`${stridedRun}\` (stride ${stride}). Two-sided Wilcoxon of stride ${stride} against stride 1, paired by item:`,
  '',
  `| metric | n | mean, stride 1 | mean, stride ${stride} | median diff. | p (two-sided) |`,
  '|---|---:|---:|---:|---:|---:|',
  ...rows,
  '',
  gpExact.length && gpStrided.length
    ? `Median GP time per item: stride 1 ${median(gpExact).toFixed(2)} s, stride ${stride} ${median(gpStrided).toFixed(2)} s (from the runs' timing.jsonl; the stride-1 run was made with 2 shards in parallel on a loaded machine).`
    : '',
].join('\n');
await writeSection(`stride-${stride}`, body);
console.log(body);

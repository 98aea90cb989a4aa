// Issue 15 item 4: GP, model and wall time per item of a `borex batch` run, per method (seed
// suffixes pooled), and each method's ratios to a reference method on the same item-seeds.
//   node tools/borex-findings/q-batch-timing.mjs RUN_DIR [--ref borex:rise]
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: q-batch-timing.mjs RUN_DIR [--ref METHOD]');
const refAt = process.argv.indexOf('--ref');
const ref = refAt > 0 ? process.argv[refAt + 1] : 'borex:rise';
const rows = fs.readFileSync(path.join(dir, 'timing.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
// Last record per entry (a resumed entry is recorded again).
const byEntry = new Map(rows.map((r) => [r.entry, r]));
const per = new Map(); // base method -> [{key, gp, model, ms, calls}]
for (const r of byEntry.values()) {
  for (const [id, t] of Object.entries(r.methods ?? {})) {
    const m = id.match(/^(.*?)(@s\d+)?$/);
    const base = m[1];
    if (!per.has(base)) per.set(base, new Map());
    per.get(base).set(`${r.entry}${m[2] ?? ''}`, { gp: t.gp_ms, model: t.model_ms, ms: t.ms, metrics: t.metrics_ms, calls: t.model_calls });
  }
}
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (v, d = 2) => v.toFixed(d);
console.log(`run ${dir}: ${byEntry.size} entries; times in s per item-seed (mean); ratios: to ${ref} on the same item-seeds (mean of sums, median of per-item ratios)`);
console.log('| method | item-seeds | model calls | GP s | model s (incl. metrics) | wall s | GP ratio (sum / median) | model ratio | wall ratio |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
const refRows = per.get(ref);
for (const [base, m] of per) {
  const v = [...m.values()];
  let ratios = ['', '', ''];
  if (refRows && base !== ref && !['rise', 'pn-rise', 'gradcam', 'gradcampp'].includes(base)) {
    const keys = [...m.keys()].filter((k) => refRows.has(k));
    ratios = ['gp', 'model', 'ms'].map((k) => {
      const sum = keys.reduce((a, key) => a + m.get(key)[k], 0) / keys.reduce((a, key) => a + refRows.get(key)[k], 0);
      return `${f(sum, 3)} / ${f(median(keys.map((key) => m.get(key)[k] / refRows.get(key)[k])), 3)}`;
    });
  }
  console.log(`| ${base} | ${v.length} | ${mean(v.map((x) => x.calls))} | ${f(mean(v.map((x) => x.gp)) / 1000)} | ${f(mean(v.map((x) => x.model)) / 1000)} | ${f(mean(v.map((x) => x.ms)) / 1000)} | ${ratios.join(' | ')} |`);
}

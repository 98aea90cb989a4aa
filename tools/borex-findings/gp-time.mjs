// Mean GP time (gp_ms of timing.jsonl) and model calls per map, per method with the seeds pooled
// (ID@sN → ID), over the items of a run that every listed method finished; and each method's
// ratio to the first one listed.
//   node tools/borex-findings/gp-time.mjs RUN_DIR borex:rise borex:rise+rects
import fs from 'node:fs';
import path from 'node:path';

const [run, ...methods] = process.argv.slice(2);
if (!run || methods.length === 0) throw new Error('usage: node gp-time.mjs RUN_DIR METHOD [METHOD...]');
const rows = fs.readFileSync(path.join(run, 'timing.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const per = Object.fromEntries(methods.map((m) => [m, []]));
for (const row of rows) {
  const bySeed = {};
  for (const [id, t] of Object.entries(row.methods ?? {})) {
    const [base, seed = ''] = id.split('@');
    (bySeed[seed] ??= {})[base] = t;
  }
  for (const entry of Object.values(bySeed)) {
    if (!methods.every((m) => entry[m])) continue;
    for (const m of methods) per[m].push(entry[m]);
  }
}
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const first = mean(per[methods[0]].map((t) => t.gp_ms));
console.log('| method | maps | mean GP s per map | ratio | model calls per map (100 + the curves) |');
console.log('|---|---:|---:|---:|---:|');
for (const m of methods) {
  const gp = mean(per[m].map((t) => t.gp_ms));
  console.log(`| \`${m}\` | ${per[m].length} | ${(gp / 1000).toFixed(1)} | ${(gp / first).toFixed(2)} | ${mean(per[m].map((t) => t.model_calls)).toFixed(0)} |`);
}

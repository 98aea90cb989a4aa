/**
 * Issue 15 item 6, the `+check-both` margin: smaller CHECK_PRIOR_MARGIN values simulated exactly
 * on a finished run's records. A record keeps the check's weighted sums (refined, head, prior) and
 * the kept map's metrics; the prior's map is the run's `rise@sN` (preset paper: BOREx's prior is
 * that map), so a margin m < the run's turns an item to the prior where prior < (1 − m)·min(R, head)
 * and takes rise's metrics there. (Larger margins would need R's and the head's metrics where the
 * run kept the prior, which the records do not hold.) Prints each margin's mean over seeds and the
 * one-sided Wilcoxon p against the prior per seed.
 *   node bin/run-ts.mjs tools/borex-findings/check-margin.ts RUN/items.jsonl METHOD
 */
import fs from 'node:fs';
import { wilcoxon } from '../../src/engine/stats/wilcoxon.ts';

const METRICS = ['insertion', 'deletion', 'fRp'] as const;
const [file, method] = process.argv.slice(2);
if (!file || !method) throw new Error('usage: check-margin.ts RUN/items.jsonl METHOD');
const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.status === 'ok');
for (const m of [0.2, 0.15, 0.1, 0.05, 0]) {
  const perSeed: string[] = [];
  const mean = { insertion: 0, deletion: 0, fRp: 0 };
  let prior = 0, n = 0;
  for (const s of [0, 1, 2]) {
    const chosen = { insertion: [] as number[], deletion: [] as number[], fRp: [] as number[] };
    const base = { insertion: [] as number[], deletion: [] as number[], fRp: [] as number[] };
    for (const r of rows) {
      const x = r.methods[`${method}@s${s}`], p = r.methods[`rise@s${s}`];
      if (!x || x.status !== 'ok') continue;
      const c = x.check;
      const usePrior = c.kept === 'prior' || c.prior < (1 - m) * Math.min(c.refined, c.head);
      prior += usePrior ? 1 : 0; n++;
      for (const k of METRICS) { chosen[k].push((usePrior ? p : x).metrics[k]); base[k].push(p.metrics[k]); }
    }
    const ps = METRICS.map((k) => {
      mean[k] += chosen[k].reduce((a, v) => a + v, 0) / chosen[k].length / 3;
      return wilcoxon(chosen[k], base[k], k === 'deletion' ? 'less' : 'greater').pValue.toPrecision(2);
    });
    perSeed.push(`s${s} p ${ps.join('/')}`);
  }
  console.log(`m=${m} mean ins ${mean.insertion.toFixed(4)} del ${mean.deletion.toFixed(4)} F ${mean.fRp.toFixed(4)} prior kept ${prior}/${n} | ${perSeed.join(' | ')}`);
}

/**
 * Issue 15 item 6, the `+check-both` margin: smaller margins than CHECK_PRIOR_MARGIN simulated
 * exactly on a finished run's records. A record keeps the check's weighted sums (refined, head,
 * prior) and the kept map's metrics; the prior's map is the run's `rise@sN` (preset paper: BOREx's
 * prior is that map), so a margin m < the run's turns an item to the prior where
 * prior < (1 − m)·min(R, head) and takes rise's metrics there. (Larger margins would need R's and
 * the head's metrics where the run kept the prior, which the records do not hold.) Prints each
 * margin's mean over the run's seeds and the one-sided Wilcoxon p against the prior per seed.
 *   node bin/run-ts.mjs tools/borex-findings/check-margin.ts RUN METHOD
 */
import { readRunItems } from '../../src/engine/jobs/run-store.ts';
import { ALTERNATIVE } from '../../src/engine/jobs/compare.ts';
import { CHECK_PRIOR_MARGIN } from '../../src/engine/methods/borex-check.ts';
import { wilcoxon } from '../../src/engine/stats/wilcoxon.ts';

const METRICS = ['insertion', 'deletion', 'fRp'] as const;
const [dir, method] = process.argv.slice(2);
if (!dir || !method) throw new Error('usage: check-margin.ts RUN METHOD');
const rows = readRunItems(dir).filter((r) => r.status === 'ok');
const seeds = [...new Set(rows.flatMap((r) => Object.keys(r.methods ?? {}).filter((id) => id.startsWith(`${method}@s`)).map((id) => id.slice(method.length + 2))))].sort();
for (const m of [CHECK_PRIOR_MARGIN, 0.15, 0.1, 0.05, 0].filter((v) => v <= CHECK_PRIOR_MARGIN)) {
  const perSeed: string[] = [];
  const mean = { insertion: 0, deletion: 0, fRp: 0 };
  let prior = 0, n = 0;
  for (const s of seeds) {
    const chosen = { insertion: [] as number[], deletion: [] as number[], fRp: [] as number[] };
    const base = { insertion: [] as number[], deletion: [] as number[], fRp: [] as number[] };
    for (const r of rows) {
      const x = r.methods![`${method}@s${s}`], p = r.methods![`rise@s${s}`];
      if (!x || x.status !== 'ok') continue;
      const c = (x as { check: { kept: string; refined: number; head: number; prior: number } }).check;
      const usePrior = c.kept === 'prior' || c.prior < (1 - m) * Math.min(c.refined, c.head);
      prior += usePrior ? 1 : 0; n++;
      for (const k of METRICS) { chosen[k].push((usePrior ? p : x).metrics![k]!); base[k].push(p.metrics![k]!); }
    }
    const ps = METRICS.map((k) => {
      mean[k] += chosen[k].reduce((a, v) => a + v, 0) / chosen[k].length / seeds.length;
      return wilcoxon(chosen[k], base[k], ALTERNATIVE[k]).pValue.toPrecision(2);
    });
    perSeed.push(`s${s} p ${ps.join('/')}`);
  }
  console.log(`m=${m} mean ins ${mean.insertion.toFixed(4)} del ${mean.deletion.toFixed(4)} F ${mean.fRp.toFixed(4)} prior kept ${prior}/${n} | ${perSeed.join(' | ')}`);
}

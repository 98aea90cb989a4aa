/**
 * Issue 15, item 6 (why a good prior is not used well): does the coverage aggregate blur the
 * prior's fine structure away? BOREx's map is coverage(μ + i0) = coverage(μ) + coverage(i0): the
 * prior enters averaged over every square that covers a pixel (boxes up to 151 px wide). This
 * re-scores, from a finished `borex batch` run holding `rise` and `borex:rise` (one seed or
 * `--seeds`), the map with the prior added after the aggregate instead,
 *
 *   map' = map − coverage(i0) + i0 = coverage(μ) + i0     (exact: the aggregate is linear),
 *
 * with the run's own metric settings, and prints per seed the means and one-sided Wilcoxon
 * p-values of map' against the BOREx map and against its prior. No BOREx is re-run: only the
 * insertion/deletion curves of map' cost model calls.
 *
 *   node bin/run-ts.mjs tools/borex-findings/prior-after-aggregate.ts RUN_DIR --model NAME [--resize stretch] [--threads N] [--limit ITEMS]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import '../../src/engine/no-telemetry.ts';
import { readRunItems, readRunManifest } from '../../src/engine/jobs/run-store.ts';
import { aggregateMap } from '../../src/engine/methods/borex-aggregate.ts';
import { BOREX_DEFAULTS, scalePrior } from '../../src/engine/methods/borex.ts';
import { loadModel } from '../../src/engine/model/load.ts';
import { itemTarget, prepareInput, scoreMap } from '../../src/engine/pipeline/item.ts';
import { decodeFloat32Npy } from '../../src/engine/render/npy.ts';
import { wilcoxon } from '../../src/engine/stats/index.ts';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' }, resize: { type: 'string' }, threads: { type: 'string' }, limit: { type: 'string' } } });
const dir = positionals[0];
if (!dir || !o.model) throw new Error('usage: prior-after-aggregate.ts RUN_DIR --model NAME [--resize stretch]');
const manifest = readRunManifest(dir);
const spec = manifest.spec as { input: { root: string }; metrics: { enabled: boolean; step?: number; insertionStart?: 'blur' | 'baseline' }; baseline: 'mean' };
const ids = (spec as unknown as { methods: { id: string }[] }).methods.map((m) => m.id);
const seeds = [...new Set(ids.map((id) => id.match(/@s(\d+)$/)?.[1]).filter((s): s is string => s !== undefined))];
const suffixes = seeds.length ? seeds.map((s) => `@s${s}`) : [''];

const readNpy = (file: string) => decodeFloat32Npy(fs.readFileSync(file)).data;

const { classifier } = await loadModel(o.model, o.resize ? { resize: o.resize as 'stretch' } : {}, { threads: Number(o.threads ?? 1) });
type Metric = 'insertion' | 'deletion' | 'fRp';
const metrics: Metric[] = ['insertion', 'deletion', 'fRp'];
const perSeed = suffixes.map(() => Object.fromEntries(metrics.map((m) => [m, { rise: [] as number[], borex: [] as number[], variant: [] as number[] }])));
let done = 0;
for (const item of readRunItems(dir)) {
  if (item.status !== 'ok' || !item.label) continue;
  if (o.limit !== undefined && done++ >= Number(o.limit)) break;
  const { input } = await prepareInput(classifier, path.join(spec.input.root, item.image), item.image, 'linear');
  const target = itemTarget(classifier, input, spec.baseline, item.label.index);
  const [H, W] = [input.height, input.width];
  const halfPx = BOREX_DEFAULTS.halfSizes.map((s) => Math.max(1, Math.round((s * H) / 224)));
  for (let k = 0; k < suffixes.length; k++) {
    const rise = item.methods![`rise${suffixes[k]}`];
    const bx = item.methods![`borex:rise${suffixes[k]}`];
    if (rise?.status !== 'ok' || bx?.status !== 'ok') continue;
    const i0 = scalePrior(readNpy(path.join(dir, rise.map!)), H * W, BOREX_DEFAULTS.priorMeanAbs);
    const rep = new Float64Array(H * W * halfPx.length);
    for (let i = 0; i < H * W; i++) for (let s = 0; s < halfPx.length; s++) rep[i * halfPx.length + s] = i0[i];
    const blurred = aggregateMap(rep, H, W, halfPx, 'coverage');
    const map = readNpy(path.join(dir, bx.map!));
    const variant = new Float32Array(H * W);
    for (let i = 0; i < H * W; i++) variant[i] = map[i] - blurred[i] + i0[i];
    const scored = await scoreMap(target, variant, { ...spec.metrics, enabled: true }, item.groundTruth?.boxes, {});
    for (const m of metrics) {
      const v = scored.metrics?.[m];
      if (typeof v !== 'number') continue;
      perSeed[k][m].rise.push(rise.metrics![m]!);
      perSeed[k][m].borex.push(bx.metrics![m]!);
      perSeed[k][m].variant.push(v);
    }
  }
  process.stderr.write(`${item.key}\n`);
}
await classifier.dispose();
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
console.log(`| seed | metric | n | rise | borex:rise | prior after aggregate | p vs borex:rise | p vs rise |`);
console.log(`|---|---|---:|---:|---:|---:|---:|---:|`);
suffixes.forEach((suffix, k) => {
  for (const m of metrics) {
    const r = perSeed[k][m];
    const alt = m === 'deletion' ? 'less' : 'greater';
    const p1 = wilcoxon(r.variant, r.borex, alt).pValue;
    const p2 = wilcoxon(r.variant, r.rise, alt).pValue;
    console.log(`| ${suffix || '—'} | ${m} | ${r.variant.length} | ${mean(r.rise).toFixed(4)} | ${mean(r.borex).toFixed(4)} | ${mean(r.variant).toFixed(4)} | ${p1.toExponential(2)} | ${p2.toExponential(2)} |`);
  }
});

/**
 * Issue 15 item 6, the deletion check's alternatives, measured offline on a finished run: for each
 * item and seed, the BOREx map R (--method, e.g. borex:rise+learned+pa) and its prior P, and the
 * "prior head" maps H_Q (the prior's top share Q first, in the prior's order, then every other pixel
 * in R's order; Q from --heads): each one's full insertion/deletion/F (scoreMap, the run's metric
 * settings) and its deletion check scores (deletionScores at --fractions, default CHECK_FRACTIONS:
 * `scores` as measured, `check` trapezoid-weighted), one JSON line per item and seed on stdout, for
 * a selection rule to be simulated afterwards (check-rules.py).
 *   node bin/run-ts.mjs tools/borex-findings/check-candidates.ts RUN --model NAME [--resize stretch]
 *       --method ID --heads 0.03125,0.0625,0.125,0.25 [--fractions LIST] [--rounds N [--composition NAME]] [--lazy [--lazy-on LIST]] [--part i/n] > OUT.jsonl
 * --rounds N: R is not read from the run but made again by the method's BOREx (its config in the
 * run, the check off) with N rounds and the run's prior map — the R a check taking the rest of the
 * budget's images would refine (e.g. 37 of 50 for a check of 25 images), so rules with more
 * alternatives are simulated exactly; --composition: R's final map composed so instead (e.g.
 * prior-after*0.5). --lazy: a head's full metrics only where its check score
 * (over --fractions, over CHECK_FRACTIONS alone, or over --lazy-on, a subset of --fractions) is
 * below R's — no rule that keeps a head only where it beats R needs the others (absent then).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import '../../src/engine/no-telemetry.ts';
import { readRunItems, readRunManifest } from '../../src/engine/jobs/run-store.ts';
import type { MethodConfig } from '../../src/engine/methods/config.ts';
import { BorexCache } from '../../src/engine/methods/borex-cache.ts';
import { CHECK_FRACTIONS, checkWeights, deletionScores, priorHead } from '../../src/engine/methods/borex-check.ts';
import { loadModel } from '../../src/engine/model/load.ts';
import { spatialDims } from '../../src/engine/tensor/dims.ts';
import { computeItemMap, itemTarget, prepareInput, scoreMap } from '../../src/engine/pipeline/item.ts';
import { decodeFloat32Npy } from '../../src/engine/render/npy.ts';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' }, resize: { type: 'string' }, method: { type: 'string' }, heads: { type: 'string' }, fractions: { type: 'string' }, rounds: { type: 'string' }, composition: { type: 'string' }, lazy: { type: 'boolean' }, 'lazy-on': { type: 'string' }, part: { type: 'string' } } });
const dir = positionals[0];
if (!dir || !o.model || !o.method || !o.heads) throw new Error('usage: check-candidates.ts RUN --model NAME --method ID --heads LIST [--resize stretch] [--fractions LIST] [--rounds N [--composition NAME]] [--lazy [--lazy-on LIST]] [--part i/n]');
const heads = o.heads.split(',').map(Number);
const fractions = o.fractions ? o.fractions.split(',').map(Number) : CHECK_FRACTIONS;
const rounds = o.rounds === undefined ? undefined : Number(o.rounds);
const [part, parts] = (o.part ?? '0/1').split('/').map(Number);
const spec = readRunManifest(dir).spec as { input: { root: string }; metrics: { enabled: boolean; step?: number; insertionStart?: 'blur' | 'baseline' }; baseline: 'mean'; methods: { id: string; config: MethodConfig }[] };
const readNpy = (file: string) => decodeFloat32Npy(fs.readFileSync(file)).data;
const weighted = (scores: ArrayLike<number>, offset: number, w: Float64Array) => w.reduce((s, wk, k) => s + wk * scores[offset + k], 0);
const w = checkWeights(fractions);
// A subset of --fractions checked on its own: its trapezoid weights at its places (0 elsewhere).
const subsetWeights = (subset: readonly number[]) => {
  const ws = checkWeights(subset);
  return Float64Array.from(fractions, (f) => (subset.includes(f) ? ws[subset.indexOf(f)] : 0));
};
// --lazy: the checks a head must beat R's score in for its metrics — over --fractions, over
// CHECK_FRACTIONS when they lead --fractions, over --lazy-on.
const lazyOn = o['lazy-on']?.split(',').map(Number);
const lazyChecks = [w, ...(CHECK_FRACTIONS.every((f, k) => fractions[k] === f) ? [subsetWeights(CHECK_FRACTIONS)] : []), ...(lazyOn ? [subsetWeights(lazyOn)] : [])];
const { classifier } = await loadModel(o.model, o.resize ? { resize: o.resize as 'stretch' } : {}, { threads: 1 });
const cache = new BorexCache();
let index = 0;
for (const item of readRunItems(dir)) {
  if (item.status !== 'ok' || !item.label) continue;
  if (index++ % parts !== part) continue;
  const { input } = await prepareInput(classifier, path.resolve(spec.input.root, item.image), item.image, 'linear');
  const target = itemTarget(classifier, input, spec.baseline, item.label.index);
  for (const seed of [0, 1, 2]) {
    const rec = item.methods?.[`${o.method}@s${seed}`];
    const priorRec = item.methods?.[`rise@s${seed}`];
    if (rec?.status !== 'ok' || !rec.map || !priorRec?.map) continue;
    const P = readNpy(path.join(dir, priorRec.map));
    let R: Float32Array;
    let rMetrics = rec.metrics;
    if (rounds === undefined) R = readNpy(path.join(dir, rec.map));
    else {
      const config = spec.methods.find((m) => m.id === `${o.method}@s${seed}`)!.config;
      const again = { ...config, borex: { ...config.borex!, iterations: rounds, check: 'off' as const, ...(o.composition ? { composition: o.composition } : {}) } };
      R = (await computeItemMap(target, again, {}, { prior: { map: P, dims: spatialDims(target.dims), signed: false }, cache })).map;
      rMetrics = undefined;
    }
    const maps: Record<string, Float32Array> = { R, P };
    for (const q of heads) maps[`H${q}`] = priorHead(R, P, q);
    const names = Object.keys(maps);
    const scores = await deletionScores(target, names.map((n) => ({ map: maps[n], fractions })));
    const out: Record<string, unknown> = { key: item.key, seed };
    const K = fractions.length;
    const checks = names.map((_, j) => weighted(scores, j * K, w));
    for (const [j, n] of names.entries()) {
      const needed = !o.lazy || !n.startsWith('H') || lazyChecks.some((lw) => weighted(scores, j * K, lw) < weighted(scores, 0, lw));
      const metrics = n === 'R' && rMetrics ? rMetrics : n === 'P' ? priorRec.metrics : needed ? (await scoreMap(target, maps[n], spec.metrics, item.groundTruth?.boxes, {})).metrics : undefined;
      out[n] = { check: checks[j], scores: Array.from(scores.subarray(j * K, (j + 1) * K)), ...(metrics ? { insertion: metrics.insertion, deletion: metrics.deletion, fRp: metrics.fRp } : {}) };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}
await classifier.dispose();

/**
 * Issue 15 item 6, the deletion check's alternatives, measured offline on a finished run: for each
 * item and seed, the BOREx map R (--method, e.g. borex:rise+learned+pa) and its prior P, and the
 * "prior head" maps H_Q (the prior's top share Q first, in the prior's order, then every other pixel
 * in R's order; Q from --heads): each one's full insertion/deletion/F (scoreMap, the run's metric
 * settings) and its deletion check scores (deletionScores at CHECK_FRACTIONS, trapezoid-weighted),
 * one JSON line per item and seed on stdout, for a selection rule to be simulated afterwards.
 *   node bin/run-ts.mjs tools/borex-findings/check-candidates.ts RUN --model NAME [--resize stretch]
 *       --method ID --heads 0.03125,0.0625,0.125,0.25 [--part i/n] > OUT.jsonl
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import '../../src/engine/no-telemetry.ts';
import { readRunItems, readRunManifest } from '../../src/engine/jobs/run-store.ts';
import { CHECK_FRACTIONS, checkWeights, deletionScores, priorHead } from '../../src/engine/methods/borex-check.ts';
import { loadModel } from '../../src/engine/model/load.ts';
import { itemTarget, prepareInput, scoreMap } from '../../src/engine/pipeline/item.ts';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' }, resize: { type: 'string' }, method: { type: 'string' }, heads: { type: 'string' }, part: { type: 'string' } } });
const dir = positionals[0];
if (!dir || !o.model || !o.method || !o.heads) throw new Error('usage: check-candidates.ts RUN --model NAME --method ID --heads LIST [--resize stretch] [--part i/n]');
const heads = o.heads.split(',').map(Number);
const [part, parts] = (o.part ?? '0/1').split('/').map(Number);
const spec = readRunManifest(dir).spec as { input: { root: string }; metrics: { enabled: boolean; step?: number; insertionStart?: 'blur' | 'baseline' }; baseline: 'mean'; methods: { id: string; config: { prior?: string } }[] };
const readNpy = (file: string) => {
  const buf = fs.readFileSync(file);
  const data = buf.subarray(10 + buf.readUInt16LE(8));
  return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
};
const w = checkWeights();
const { classifier } = await loadModel(o.model, o.resize ? { resize: o.resize as 'stretch' } : {}, { threads: 1 });
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
    const R = readNpy(path.join(dir, rec.map));
    const P = readNpy(path.join(dir, priorRec.map));
    const maps: Record<string, Float32Array> = { R, P };
    for (const q of heads) maps[`H${q}`] = priorHead(R, P, q);
    const names = Object.keys(maps);
    const scores = await deletionScores(target, names.map((n) => maps[n]), CHECK_FRACTIONS);
    const out: Record<string, unknown> = { key: item.key, seed };
    for (const [j, n] of names.entries()) {
      let check = 0;
      for (let k = 0; k < CHECK_FRACTIONS.length; k++) check += w[k] * scores[j * CHECK_FRACTIONS.length + k];
      const metrics = n === 'R' ? rec.metrics : n === 'P' ? priorRec.metrics : (await scoreMap(target, maps[n], spec.metrics, item.groundTruth?.boxes, {})).metrics;
      out[n] = { check, insertion: metrics!.insertion, deletion: metrics!.deletion, fRp: metrics!.fRp };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}
await classifier.dispose();

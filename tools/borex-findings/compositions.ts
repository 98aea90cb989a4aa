/**
 * Issue 15, item 6: re-scores a finished `borex batch` run's BOREx maps under other final-map
 * compositions (src/engine/methods/borex-aggregate.ts, composeMap), without re-running BOREx:
 * each composition is computed from the saved BOREx map, its saved prior map and (learned prior
 * weight) the saved β, exactly (every aggregate is linear, so the prior's share of the map,
 * w·coverage(i0), is recomputed from the prior alone). Only the new maps' insertion/deletion curves
 * cost model calls.
 *
 * The scores go into a NEW run folder OUT (never into RUN): run.json (RUN's spec with one method
 * per composition and seed, id `METHOD~COMPOSITION@sSEED`, its config = METHOD's plus
 * `composition`) and items.jsonl (same keys, labels and boxes as RUN), so `borex compare RUN OUT`
 * pairs them with RUN's methods by item key:
 *
 *   node bin/run-ts.mjs tools/borex-findings/compositions.ts RUN --model NAME [--resize stretch]
 *       --method borex:rise+learned --compose prior-after,rank-sum,tiebreak:0.02,prior-after*3
 *       --out OUT [--threads 1] [--limit ITEMS] [--skip ITEMS] [--maps] [--f-only]
 *   borex compare RUN OUT --baseline rise --candidate 'borex:rise+learned~prior-after' --metrics insertion,deletion,fRp
 *
 * COMPOSITION: a composeMap kind, with `*K` (prior-after: the prior's factor K) or `:Q`
 * (tiebreak: the top share Q). `prior` (the prior map itself, whose scores must equal RUN's prior
 * method's: a check of this tool) and `coverage` (the BOREx map unchanged: equals RUN's) are
 * accepted too. --maps also writes each composed map under OUT/maps/. --f-only: the localisation
 * scores only (F, pointing game), no insertion/deletion: no model calls beyond one per item.
 * --as ID names the output method ID@sSEED instead of METHOD~COMPOSITION (one composition only),
 * e.g. `--compose coverage --as borex:rise+learned` from a +pa run: the default map's own id.
 * --skip N leaves out the run's first N items (scored before into another OUT; compare joins both). A METHOD made with
 * `--composition prior-after[*K]` (batch `+pa`) is first turned back into its default map
 * (map = stored + w·coverage(i0) − K·w·i0, exact up to float rounding), so `coverage` re-scores
 * the default BOREx map from such a run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import '../../src/engine/no-telemetry.ts';
import { splitSeed, methodFileName } from '../../src/engine/jobs/batch-methods.ts';
import { readRunItems, readRunManifest, type ItemRecord, type MethodRecord } from '../../src/engine/jobs/run-store.ts';
import { composeMap, parseComposition, priorParts, type CompositionSpec } from '../../src/engine/methods/borex-aggregate.ts';
import { BOREX_DEFAULTS, scalePrior, type BorexParams } from '../../src/engine/methods/borex.ts';
import { loadModel } from '../../src/engine/model/load.ts';
import { itemTarget, prepareInput, scoreMap } from '../../src/engine/pipeline/item.ts';
import { decodeFloat32Npy, encodeNpy } from '../../src/engine/render/npy.ts';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string' }, resize: { type: 'string' }, threads: { type: 'string' }, limit: { type: 'string' }, method: { type: 'string' }, compose: { type: 'string' }, out: { type: 'string' }, maps: { type: 'boolean' }, 'f-only': { type: 'boolean' }, skip: { type: 'string' }, as: { type: 'string' } },
});
const usage = 'usage: compositions.ts RUN --model NAME [--resize stretch] --method METHOD --compose LIST --out NEW_DIR [--threads N] [--limit ITEMS] [--skip ITEMS] [--as ID] [--maps] [--f-only]';
const dir = positionals[0];
if (!dir || !o.model || !o.method || !o.compose || !o.out) throw new Error(usage);
if (fs.existsSync(path.join(o.out, 'run.json')) || fs.existsSync(path.join(o.out, 'items.jsonl'))) throw new Error(`${o.out} already holds a run: give a new --out folder`);
if (path.resolve(o.out) === path.resolve(dir)) throw new Error('--out must be a new folder, not the run itself');

type Spec = CompositionSpec | { kind: 'prior' };
const parseSpec = (text: string): Spec => (text === 'prior' ? { kind: 'prior' } : parseComposition(text));
if (o.as !== undefined && o.compose.split(',').filter((x) => x.trim()).length !== 1) throw new Error('--as names the output method of one composition: give one in --compose');
const compositions = o.compose.split(',').map((s) => s.trim()).filter(Boolean).map((name) => ({ name, spec: parseSpec(name) }));

const manifest = readRunManifest(dir);
const spec = manifest.spec as { input: { root: string }; metrics: { enabled: boolean; step?: number; insertionStart?: 'blur' | 'baseline' }; baseline: 'mean'; methods: { id: string; config: { borex?: BorexParams; prior?: string } }[] };
const sources = spec.methods.filter((m) => splitSeed(m.id).base === o.method);
if (sources.length === 0) throw new Error(`${dir} holds no method ${o.method}; it holds ${spec.methods.map((m) => m.id).join(', ')}`);
const outMethods = sources.flatMap((src) => {
  const { seed } = splitSeed(src.id);
  return compositions.map((c) => ({ id: `${o.as ?? `${o.method}~${c.name}`}${seed === undefined ? '' : `@s${seed}`}`, source: src, composition: c, seed }));
});
fs.mkdirSync(o.out, { recursive: true });
const outManifest = {
  ...manifest,
  spec: { ...manifest.spec, methods: outMethods.map((m) => ({ id: m.id, implicit: false, config: { ...m.source.config, composition: m.composition.name } })) },
  created: new Date().toISOString(),
  command: `compositions.ts ${process.argv.slice(2).join(' ')}`,
  mergedFrom: [path.resolve(dir)],
};
fs.writeFileSync(path.join(o.out, 'run.json'), JSON.stringify(outManifest, null, 2) + '\n');

const readNpy = (file: string) => decodeFloat32Npy(fs.readFileSync(file)).data;

const { classifier } = await loadModel(o.model, o.resize ? { resize: o.resize as 'stretch' } : {}, { threads: Number(o.threads ?? 1) });
const itemsFd = fs.openSync(path.join(o.out, 'items.jsonl'), 'w');
let done = 0;
let skipped = 0;
for (const item of readRunItems(dir)) {
  const base: ItemRecord = { entry: item.entry, part: item.part, parts: item.parts, key: item.key, image: item.image, status: item.status };
  if (item.status !== 'ok' || !item.label) {
    fs.writeSync(itemsFd, JSON.stringify({ ...item, methods: undefined }) + '\n');
    continue;
  }
  if (o.skip !== undefined && skipped++ < Number(o.skip)) continue;
  if (o.limit !== undefined && done++ >= Number(o.limit)) break;
  const { input } = await prepareInput(classifier, path.resolve(spec.input.root, item.image), item.image, 'linear');
  const target = itemTarget(classifier, input, spec.baseline, item.label.index);
  const [H, W] = [input.height, input.width];
  const methods: Record<string, MethodRecord> = {};
  for (const m of outMethods) {
    const rec = item.methods?.[m.source.id];
    const params = { ...BOREX_DEFAULTS, ...m.source.config.borex } as BorexParams;
    const priorId = m.source.config.prior && m.source.config.prior !== 'none' ? `${m.source.config.prior}${m.seed === undefined ? '' : `@s${m.seed}`}` : undefined;
    const priorRec = priorId ? item.methods?.[priorId] : undefined;
    if (rec?.status !== 'ok' || priorRec?.status !== 'ok' || !rec.map || !priorRec.map) {
      methods[m.id] = { status: 'failed', error: { kind: 'input', message: `${item.key}: ${m.source.id} or its prior ${priorId ?? '(none)'} has no map in ${dir}` } };
      continue;
    }
    const unit = 224 / H;
    const halfPx = params.halfSizes.map((s) => Math.max(1, Math.round(s / unit)));
    const priorMap = readNpy(path.join(dir, priorRec.map));
    const weight = params.priorWeight === 'learned' ? rec.priorWeight! : 1;
    const i0 = scalePrior(priorMap, H * W, params.priorMeanAbs);
    const parts = priorParts(i0, weight, H, W, halfPx, params.aggregate);
    const stored = readNpy(path.join(dir, rec.map));
    // A run made with a composition: back to the default map first (prior-after only: it is
    // invertible, map = stored + w·coverage(i0) − K·w·i0; the rank compositions are not).
    const made = params.composition === undefined ? { kind: 'coverage' as const } : parseComposition(params.composition);
    if (made.kind !== 'coverage' && made.kind !== 'prior-after') throw new Error(`${m.source.id} was made with the composition ${params.composition}, which cannot be undone; re-score a run made with coverage or prior-after`);
    const map = made.kind === 'coverage' ? stored : stored.map((v, i) => v + parts.blurred[i] - (made.scale ?? 1) * parts.prior[i]);
    const composed = m.composition.spec.kind === 'prior' ? priorMap : composeMap(map, parts.blurred, parts.prior, m.composition.spec as CompositionSpec);
    const scored = await scoreMap(target, composed, { ...spec.metrics, enabled: !o['f-only'] }, item.groundTruth?.boxes, {});
    const out: MethodRecord = { status: 'ok', metrics: scored.metrics };
    if (o.maps) {
      out.map = `maps/${path.basename(path.dirname(rec.map))}/${methodFileName(m.id)}.npy`;
      fs.mkdirSync(path.join(o.out, path.dirname(out.map)), { recursive: true });
      fs.writeFileSync(path.join(o.out, out.map), encodeNpy(composed, [H, W]));
    }
    if (rec.priorWeight !== undefined) out.priorWeight = rec.priorWeight;
    methods[m.id] = out;
  }
  const line: ItemRecord = { ...base, label: item.label, class: item.class, groundTruth: item.groundTruth, methods };
  fs.writeSync(itemsFd, JSON.stringify(line) + '\n');
  process.stderr.write(`${item.key}\n`);
}
fs.closeSync(itemsFd);
await classifier.dispose();
process.stderr.write(`wrote ${o.out}/{run.json, items.jsonl}; compare with: borex compare ${dir} ${o.out} --baseline ... --candidate '${o.method}~COMPOSITION'\n`);

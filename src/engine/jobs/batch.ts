/**
 * The batch runner: every method of a list on every image of an input, scored, stored crash-safe
 * in a run directory (run-store.ts), resumable and shardable.
 *
 * Per image (entry), through the item pipeline (pipeline/item.ts) that `explain` uses too: decode,
 * preprocess and classify once; choose its items (batch-items.ts); per item compute the map
 * methods first (each one at most once: a refinement's prior is the map of the method of the same
 * name, handed to the registry), then the refinements from those priors, and score every map (insertion/deletion, F and pointing game against the item's boxes). A method that fails is
 * recorded as failed on that item with the engine's message; an image that cannot be read or
 * classified is recorded as a failed item; the batch goes on. Cancelling (the signal) stops before
 * the next write: the entry in flight is dropped and redone by --resume.
 *
 * Items are deterministic: the entry order is fixed by the input, seeds are the run's seed for
 * every item (RISE masks and BOREx jitter do not depend on which shard or session ran the item).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { asBorexError, BorexError, throwIfCancelled, usageError } from '../errors.ts';
import { makeBaseline, type BaselineKind } from '../image/baseline.ts';
import type { ResizeFilter } from '../image/preprocess.ts';
import type { InsertionDeletionOptions } from '../metrics/insertion-deletion.ts';
import { readVocAnnotation, readVocImagenetMap } from '../metrics/voc.ts';
import { BorexCache } from '../methods/borex-cache.ts';
import type { PriorName } from '../methods/config.ts';
import type { SaliencyMap } from '../methods/registry.ts';
import type { ExplainTarget } from '../methods/target.ts';
import type { Classifier } from '../model/classifier.ts';
import { shortLabel } from '../model/labels.ts';
import { boxesOnInput, boxPixels, computeItemMap, itemTarget, prepareInput, scoreMap } from '../pipeline/item.ts';
import { ProgressReporter, type JobControl, type ProgressEvent } from '../progress.ts';
import { versions } from '../versions.ts';
import { inShard, type BatchEntry, type BatchInput } from './batch-input.ts';
import { chooseItems } from './batch-items.ts';
import { methodFileName, type BatchMethod } from './batch-methods.ts';
import type { ModelInfo } from './explain.ts';
import { RUN_FORMAT, RUN_VERSION, RunStore, specDifference, type ItemRecord, type MapFile, type MethodRecord, type RunManifest, type TimingRecord } from './run-store.ts';

export interface BatchSpec {
  input: BatchInput;
  methods: BatchMethod[];
  baseline: BaselineKind;
  resizeFilter: ResizeFilter;
  metrics: InsertionDeletionOptions & { enabled: boolean };
  /** `IMAGENET_INDEX CLASS` lines; undefined: none (no class-map rule). */
  classMap?: string;
  /** Write each map as float32 .npy under maps/ (default) or not at all. */
  maps: 'npy' | 'none';
  shard?: { index: number; count: number };
}

export interface BatchControl extends JobControl {
  /** After each entry is stored: its lines and its timing. */
  onEntry?: (records: ItemRecord[], timing: TimingRecord, progress: { done: number; total: number; etaMs?: number }) => void;
  /** Progress inside the entry in flight (a method's own stages). */
  onStep?: (entry: BatchEntry, method: string, event: ProgressEvent) => void;
}

export interface BatchSummary {
  dir: string;
  /** Entries of this shard, already done before this session, and done in it. */
  entries: number;
  skipped: number;
  processed: number;
  items: { ok: number; failed: number; noItem: number; methodFailures: number };
  elapsedMs: number;
  storeMs: number;
}

/** Curves are stored rounded to 6 decimals (they are for plots; the AUCs are stored unrounded). */
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function entriesSha256(input: BatchInput): string {
  const h = crypto.createHash('sha256');
  for (const e of input.entries) h.update(JSON.stringify([e.image, e.label ?? null, e.objects ?? null, e.vocXml ? path.basename(e.vocXml) : null]) + '\n');
  return h.digest('hex');
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The part of run.json that decides items.jsonl (compared on --resume and by merge). */
export function batchSpecRecord(spec: BatchSpec, classifier: Classifier, model: ModelInfo): RunManifest['spec'] {
  return {
    input: {
      kind: spec.input.kind,
      path: spec.input.path,
      root: spec.input.root,
      boxes: spec.input.boxes ?? null,
      annotations: spec.input.annotations ?? null,
      entries: spec.input.entries.length,
      entriesSha256: entriesSha256(spec.input),
    },
    model: { name: model.name, path: model.path, sha256: model.sha256, input: { height: classifier.spec.height, width: classifier.spec.width, resize: classifier.spec.resize } },
    methods: spec.methods.map((m) => ({ id: m.id, implicit: m.implicit, config: m.config })),
    baseline: spec.baseline,
    resizeFilter: spec.resizeFilter,
    metrics: spec.metrics,
    classMap: spec.classMap ? { file: spec.classMap, sha256: sha256(spec.classMap) } : null,
    maps: spec.maps,
  };
}

/** Opens (with resume) or creates the run directory and checks that it holds this very spec. */
export function openRun(outDir: string, spec: BatchSpec, classifier: Classifier, model: ModelInfo, resume: boolean, command?: string): RunStore {
  const record = batchSpecRecord(spec, classifier, model);
  const shard = spec.shard ?? null;
  if (resume && RunStore.exists(outDir)) {
    const store = RunStore.open(outDir);
    const diff = specDifference(store.manifest.spec, record);
    if (diff) throw usageError(`${outDir} holds a different run (${diff}); resume it with the same options, or use another --out`);
    if (JSON.stringify(store.manifest.shard) !== JSON.stringify(shard)) throw usageError(`${outDir} is shard ${fmtShard(store.manifest.shard)}, not ${fmtShard(shard)}`);
    return store;
  }
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0 && !RunStore.exists(outDir)) {
    throw usageError(`${outDir} exists and is not empty; give a new --out`);
  }
  const manifest: RunManifest = { format: RUN_FORMAT, version: RUN_VERSION, kind: 'batch', spec: record, shard, created: new Date().toISOString(), versions: versions() };
  if (command) manifest.command = command;
  return RunStore.create(outDir, manifest);
}

const fmtShard = (s: { index: number; count: number } | null) => (s ? `${s.index}/${s.count}` : 'none (the whole input)');

export async function runBatch(classifier: Classifier, model: ModelInfo, spec: BatchSpec, outDir: string, options: { resume: boolean; command?: string; takeOverLock?: boolean } & BatchControl): Promise<BatchSummary> {
  const started = performance.now();
  const store = openRun(outDir, spec, classifier, model, options.resume, options.command);
  store.lock(options.takeOverLock);
  try {
    const done = new Set(store.recover().map((r) => r.entry));
    const mine = spec.input.entries.filter((e) => inShard(e.index, spec.shard));
    const todo = mine.filter((e) => !done.has(e.index));
    const classMap = spec.classMap ? readVocImagenetMap(spec.classMap) : undefined;
    const summary: BatchSummary = { dir: outDir, entries: mine.length, skipped: mine.length - todo.length, processed: 0, items: { ok: 0, failed: 0, noItem: 0, methodFailures: 0 }, elapsedMs: 0, storeMs: 0 };
    const progress = new ProgressReporter('batch', todo.length, options.onProgress);
    // One per run: BOREx builds its candidate sets once for all the run's photos (same geometry).
    const cache = new BorexCache();
    let etaMs: number | undefined;
    progress.report(0);
    for (const entry of todo) {
      throwIfCancelled(options.signal);
      const t0 = performance.now();
      const { records, maps, timing } = await runEntry(classifier, spec, entry, classMap, options, cache);
      throwIfCancelled(options.signal);
      timing.total_ms = performance.now() - t0;
      store.commitEntry(records, maps, timing);
      summary.processed++;
      for (const r of records) {
        if (r.status === 'ok') summary.items.ok++;
        else if (r.status === 'failed') summary.items.failed++;
        else summary.items.noItem++;
        for (const m of Object.values(r.methods ?? {})) if (m.status === 'failed') summary.items.methodFailures++;
      }
      progress.report(summary.processed, {});
      const elapsed = performance.now() - started;
      etaMs = (elapsed / summary.processed) * (todo.length - summary.processed);
      options.onEntry?.(records, timing, { done: summary.skipped + summary.processed, total: mine.length, etaMs });
    }
    summary.elapsedMs = performance.now() - started;
    summary.storeMs = store.storeMs;
    return summary;
  } finally {
    store.close();
  }
}

interface EntryOutput {
  records: ItemRecord[];
  maps: MapFile[];
  timing: TimingRecord;
}

const errorOf = (err: unknown) => {
  const e = asBorexError(err);
  return { kind: e.kind, message: e.message };
};

const isCancel = (err: unknown) => err instanceof BorexError && err.kind === 'cancelled';

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

/** One image: its items, their maps (encoded, not yet written) and timings. Never throws but for cancel. */
async function runEntry(classifier: Classifier, spec: BatchSpec, entry: BatchEntry, classMap: Map<number, string> | undefined, control: BatchControl, cache: BorexCache): Promise<EntryOutput> {
  const timing: TimingRecord = { entry: entry.index, image: entry.image, total_ms: 0, prepare_ms: 0, store_ms: 0, methods: {}, pid: process.pid, at: new Date().toISOString() };
  const base = { entry: entry.index, part: 0, parts: 1, key: entry.image, image: entry.image };
  const t0 = performance.now();
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(classifier, spec, entry, classMap);
  } catch (err) {
    if (isCancel(err)) throw err;
    timing.prepare_ms = performance.now() - t0;
    return { records: [{ ...base, status: 'failed', error: errorOf(err) }], maps: [], timing };
  }
  timing.prepare_ms = performance.now() - t0;
  if ('noItem' in prepared) return { records: [{ ...base, status: 'no-item', reason: prepared.noItem }], maps: [], timing };

  const { input, probabilities, items } = prepared;
  const baseline = makeBaseline(spec.baseline, input.tensor, input.dims, classifier.spec);
  const records: ItemRecord[] = [];
  const maps: EntryOutput['maps'] = [];
  const stem = safeName(path.parse(entry.image).name);
  for (let part = 0; part < items.length; part++) {
    const item = items[part];
    const key = item.class !== undefined ? `${entry.image}#${item.class}` : entry.image;
    const mapDir = `maps/${String(entry.index).padStart(6, '0')}-${stem}${item.class !== undefined ? '.' + safeName(item.class) : ''}`;
    const boxes = boxesOnInput(item.boxes, input);
    const target = itemTarget(classifier, input, baseline, item.label);
    const record: ItemRecord = {
      entry: entry.index,
      part,
      parts: items.length,
      key,
      image: entry.image,
      status: 'ok',
      label: { index: item.label, name: classifier.labels[item.label] !== undefined ? shortLabel(classifier.labels[item.label]) : String(item.label), probability: probabilities[item.label], choice: item.choice },
    };
    if (item.class !== undefined) record.class = item.class;
    if (boxes.length > 0) record.groundTruth = { boxes, pixels: boxPixels(boxes, input) };
    record.methods = {};

    // Map methods first: each computed once, shared as a prior by the refinements.
    const computed = new Map<string, SaliencyMap | { error: { kind: string; message: string } }>();
    const ordered = [...spec.methods.filter((m) => m.kind === 'map'), ...spec.methods.filter((m) => m.kind === 'refine')];
    for (const method of ordered) {
      const mt = { ms: 0, model_ms: 0, gp_ms: 0, model_calls: 0, metrics_ms: 0 };
      const m0 = performance.now();
      const calls0 = classifier.calls;
      const busy0 = classifier.busyMs;
      const stepControl: JobControl = { signal: control.signal, onProgress: control.onStep && ((e) => control.onStep!(entry, method.id, e)) };
      try {
        let prior: SaliencyMap | undefined;
        if (method.kind === 'refine' && method.prior && method.prior !== 'none') {
          const p = computed.get(method.prior) ?? (await computePrior(target, method, method.prior, stepControl, cache));
          if ('error' in p) throw new BorexError(p.error.kind as BorexError['kind'], `prior ${method.prior} failed: ${p.error.message}`);
          prior = p;
        }
        const out = await computeItemMap(target, method.config, stepControl, { prior, cache });
        if (out.borex) mt.gp_ms = out.borex.gpMs;
        computed.set(method.id, out);
        const s0 = performance.now();
        const scored = await scoreMap(target, out.map, spec.metrics, boxes.length > 0 ? boxes : undefined, stepControl);
        mt.metrics_ms = performance.now() - s0;
        const rec: MethodRecord = { status: 'ok', signed: out.signed };
        if (scored.metrics) rec.metrics = scored.metrics;
        if (scored.curves) rec.curves = { insertion: scored.curves.insertion.map(round6), deletion: scored.curves.deletion.map(round6) };
        if (spec.maps === 'npy') {
          rec.map = `${mapDir}/${methodFileName(method.id)}.npy`;
          maps.push({ file: rec.map, map: out.map, shape: [...out.dims] });
        }
        record.methods[method.id] = rec;
      } catch (err) {
        if (isCancel(err)) throw err;
        const error = errorOf(err);
        if (!computed.has(method.id)) computed.set(method.id, { error });
        record.methods[method.id] = { status: 'failed', error };
      }
      mt.ms = performance.now() - m0;
      mt.model_ms = classifier.busyMs - busy0;
      mt.model_calls = classifier.calls - calls0;
      timing.methods[items.length > 1 ? `${item.class}:${method.id}` : method.id] = mt;
    }
    // Record methods in the run's order (not the computation order).
    record.methods = Object.fromEntries(spec.methods.map((m) => [m.id, record.methods![m.id]]));
    records.push(record);
  }
  return { records, maps, timing };
}

/** A prior that is not itself a method of the run (cannot happen with resolveMethods, kept for safety). */
async function computePrior(target: ExplainTarget, method: BatchMethod, prior: Exclude<PriorName, 'none'>, control: JobControl, cache: BorexCache): Promise<SaliencyMap | { error: { kind: string; message: string } }> {
  try {
    return await computeItemMap(target, { ...method.config, method: prior }, control, { cache });
  } catch (err) {
    if (isCancel(err)) throw err;
    return { error: errorOf(err) };
  }
}

async function prepare(classifier: Classifier, spec: BatchSpec, entry: BatchEntry, classMap: Map<number, string> | undefined) {
  const { input, probabilities } = await prepareInput(classifier, entry.file, entry.image, spec.resizeFilter);
  const objects = entry.vocXml ? readVocAnnotation(entry.vocXml).objects.map((o) => ({ name: o.name, box: o.box })) : entry.objects;
  const choice = chooseItems(probabilities, classifier.labels, objects, entry.label, classMap);
  if ('noItem' in choice) return { noItem: choice.noItem };
  return { input, probabilities, items: choice.items };
}

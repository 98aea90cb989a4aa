/**
 * The batch runner: every method of a list on every image (or video) of an input, scored, stored
 * crash-safe in a run directory (run-store.ts), resumable and shardable.
 *
 * Per entry, through the item pipeline (pipeline/item.ts) that `explain` and `video` use too, the
 * entry's medium (ENTRY_KINDS, one row per medium) lists its items: a photo is decoded,
 * preprocessed and classified once and has an item per class chosen (batch-items.ts); a video is
 * probed once and has an item per clip its model samples (one, or one per window), each decoded
 * and classified when it runs, scored against the tube file given with it. Per item the same loop
 * for both: the map methods first (each one at most once: a refinement's prior is the map of the
 * method of the same name, handed to the registry), then the refinements from those priors, and
 * every map scored (insertion/deletion, F and pointing game against the item's boxes or tube). A
 * method that fails is recorded as failed on that item with the engine's message; an entry that
 * cannot be read or classified is recorded as a failed item; the batch goes on. Cancelling (the
 * signal) stops before the next write: the entry in flight is dropped and redone by --resume.
 *
 * Items are deterministic: the entry order is fixed by the input, seeds are the run's seed for
 * every item (RISE masks and BOREx jitter do not depend on which shard or session ran the item),
 * or with `streams: 'per-item'` derived from (seed, item key) (itemSeed). With several seeds
 * (batch-methods.ts, `--seeds`) each seed's methods are methods of their own (`ID@sSEED`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MediaKind } from '../../shared/media.ts';
import { asBorexError, BorexError, throwIfCancelled, usageError } from '../errors.ts';
import { makeBaseline, type BaselineKind } from '../image/baseline.ts';
import type { ResizeFilter } from '../image/preprocess.ts';
import type { InsertionDeletionOptions } from '../metrics/insertion-deletion.ts';
import type { Box, Tube } from '../metrics/localisation.ts';
import { readTubeFile, tubeOnClip } from '../metrics/tube.ts';
import { readVocAnnotation, readVocImagenetMap } from '../metrics/voc.ts';
import { BorexCache } from '../methods/borex-cache.ts';
import type { PriorName } from '../methods/config.ts';
import type { SaliencyMap } from '../methods/registry.ts';
import type { ExplainTarget } from '../methods/target.ts';
import type { Classifier } from '../model/classifier.ts';
import { shortLabel } from '../model/labels.ts';
import { inputDims, isClipSpec } from '../model/spec.ts';
import { prepareClipInput, prepareVideo } from '../pipeline/clip-input.ts';
import { boxesOnInput, boxPixels, computeItemMap, itemTarget, prepareInput, scoreMap } from '../pipeline/item.ts';
import { ProgressReporter, type JobControl, type ProgressEvent } from '../progress.ts';
import { versions } from '../versions.ts';
import { inShard, type BatchEntry, type BatchInput } from './batch-input.ts';
import { chooseItems, type ChosenItem } from './batch-items.ts';
import { methodFileName, type BatchMethod } from './batch-methods.ts';
import type { ModelInfo } from './explain.ts';
import { readRunItems, RUN_FORMAT, RUN_VERSION, RunStore, specDifference, type ItemRecord, type MapFile, type MethodRecord, type RunManifest, type TimingRecord } from './run-store.ts';

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
  /**
   * 'run' (default): every item draws from its method's seed, one RISE mask set and one jitter
   * sequence for the whole run. 'per-item': each item's seed is derived from (seed, item key =
   * image and class), so a mask set's luck averages out within one run (itemSeed).
   */
  streams?: 'run' | 'per-item';
  /** Also write each BOREx/BO map's (image or clip) posterior σ map (uncertainty.npy beside its map); needs maps 'npy'. */
  uncertainty?: boolean;
}

/**
 * The seed of one item's stream under `streams: 'per-item'`: FNV-1a over "SEED\0KEY" (KEY = the
 * item key, image path and class), mixed by splitmix32's finaliser; a uint32. Deterministic: no
 * shard, session or order changes it.
 */
export function itemSeed(seed: number, key: string): number {
  let h = 0x811c9dc5;
  const text = `${seed}\u0000${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The config a method runs with on one item: its own, or with the item's derived seed (per-item streams). */
function itemConfig(spec: BatchSpec, method: BatchMethod, key: string): BatchMethod['config'] {
  return spec.streams === 'per-item' ? { ...method.config, seed: itemSeed(method.config.seed, key) } : method.config;
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
  /** Entries that had failed before and were redone (`retryFailed`). */
  retried?: number;
  items: { ok: number; failed: number; noItem: number; methodFailures: number };
  elapsedMs: number;
  storeMs: number;
}

/** Curves are stored rounded to 6 decimals (they are for plots; the AUCs are stored unrounded). */
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function entriesSha256(input: BatchInput): string {
  const h = crypto.createHash('sha256');
  for (const e of input.entries) {
    // A video entry adds its tube file's name (a photo's line is as it always was: old runs still resume).
    const line = [e.image, e.label ?? null, e.objects ?? null, e.vocXml ? path.basename(e.vocXml) : null, ...(input.medium === 'video' ? [e.tube ? path.basename(e.tube) : null] : [])];
    h.update(JSON.stringify(line) + '\n');
  }
  return h.digest('hex');
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * The part of run.json that decides items.jsonl (compared on --resume and by merge). A run of
 * videos adds `medium: "video"` and `sampling` (T and the spec's sampling), and its model input
 * the clip layout: a resume with another T or sampling is refused. A photo run's record is as it
 * always was.
 */
export function batchSpecRecord(spec: BatchSpec, classifier: Classifier, model: ModelInfo): RunManifest['spec'] {
  const record = photoSpecRecord(spec, classifier, model);
  if (spec.input.medium !== 'video') return record;
  const cs = classifier.spec;
  const sampling = { frames: inputDims(cs)[1], sampling: cs.sampling ?? 'uniform' };
  const modelRecord = record.model as Record<string, unknown> & { input: Record<string, unknown> };
  return { medium: 'video', sampling, ...record, model: { ...modelRecord, input: { ...modelRecord.input, layout: cs.layout, frames: sampling.frames } } };
}

function photoSpecRecord(spec: BatchSpec, classifier: Classifier, model: ModelInfo): RunManifest['spec'] {
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
    // Recorded only when not the default, so a default run's run.json is as it always was.
    ...(spec.streams === 'per-item' ? { streams: 'per-item' } : {}),
    ...(spec.uncertainty ? { uncertainty: true } : {}),
  };
}

/** Opens (with resume) or creates the run directory and checks that it holds this very spec. */
export function openRun(outDir: string, spec: BatchSpec, classifier: Classifier, model: ModelInfo, resume: boolean, command?: string): RunStore {
  assertModelTakes(spec.input.medium, classifier, model);
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

/** A run of videos needs a clip model, a run of photos an image model: refused before anything is written. */
function assertModelTakes(medium: MediaKind, classifier: Classifier, model: ModelInfo): void {
  const clip = isClipSpec(classifier.spec);
  if (medium === 'video' && !clip) throw usageError(`${model.name} is an image model; a batch of videos needs a clip model (layout NCTHW, NTCHW or NTHWC)`);
  if (medium === 'image' && clip) throw usageError(`${model.name} is a clip model; a batch of photos needs an image model`);
}

const fmtShard = (s: { index: number; count: number } | null) => (s ? `${s.index}/${s.count}` : 'none (the whole input)');

export async function runBatch(classifier: Classifier, model: ModelInfo, spec: BatchSpec, outDir: string, options: { resume: boolean; command?: string; takeOverLock?: boolean; retryFailed?: boolean } & BatchControl): Promise<BatchSummary> {
  const started = performance.now();
  const store = openRun(outDir, spec, classifier, model, options.resume, options.command);
  store.lock(options.takeOverLock);
  try {
    const recovered = store.recover();
    // --retry-failed: entries that failed (or had a method fail) are taken out, so they are done again.
    const retried = options.retryFailed ? store.dropFailedEntries() : 0;
    const done = new Set((retried ? readRunItems(outDir) : recovered).map((r) => r.entry));
    const mine = spec.input.entries.filter((e) => inShard(e.index, spec.shard));
    const todo = mine.filter((e) => !done.has(e.index));
    const classMap = spec.classMap ? readVocImagenetMap(spec.classMap) : undefined;
    const summary: BatchSummary = { dir: outDir, entries: mine.length, skipped: mine.length - todo.length, processed: 0, items: { ok: 0, failed: 0, noItem: 0, methodFailures: 0 }, elapsedMs: 0, storeMs: 0 };
    const progress = new ProgressReporter('batch', todo.length, options.onProgress);
    // One per run: BOREx builds its candidate sets once for all the run's photos or clips (same geometry).
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
    if (retried) summary.retried = retried;
    // Redone entries were appended last (by this or an earlier --retry-failed cut short): put them in order.
    store.sortByEntry();
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

/**
 * One item of an entry, as its medium lists it: `open` gives what its methods see (the target),
 * the fields of its record after `status` (label, class, frames, groundTruth, in that order) and
 * the ground truth its maps are scored against. For a video, `open` decodes the window then, so an
 * entry holds one clip in memory at a time.
 */
interface EntryItem {
  key: string;
  /** The folder of its maps under maps/. */
  mapDir: string;
  /** The prefix of its methods in timing.jsonl (entries of several items). */
  timingPrefix?: string;
  open(): Promise<{ target: ExplainTarget; fields: Partial<ItemRecord>; truth?: Box[] | Tube }>;
}

type EntryItems = { items: EntryItem[] } | { noItem: string };

/** What differs between media: how an entry is read and which items it has. Everything else is shared. */
interface EntryKind {
  /** Reads the entry and lists its items; a thrown error fails the entry as a whole. */
  items(classifier: Classifier, spec: BatchSpec, entry: BatchEntry, classMap: Map<number, string> | undefined, signal?: AbortSignal): Promise<EntryItems>;
}

const ENTRY_KINDS: Record<MediaKind, EntryKind> = {
  image: { items: photoItems },
  video: { items: clipItems },
};

/** One entry: its items, their maps (encoded, not yet written) and timings. Never throws but for cancel. */
async function runEntry(classifier: Classifier, spec: BatchSpec, entry: BatchEntry, classMap: Map<number, string> | undefined, control: BatchControl, cache: BorexCache): Promise<EntryOutput> {
  const timing: TimingRecord = { entry: entry.index, image: entry.image, total_ms: 0, prepare_ms: 0, store_ms: 0, methods: {}, pid: process.pid, at: new Date().toISOString() };
  const base = { entry: entry.index, part: 0, parts: 1, key: entry.image, image: entry.image };
  const t0 = performance.now();
  let listed: EntryItems;
  try {
    listed = await ENTRY_KINDS[spec.input.medium].items(classifier, spec, entry, classMap, control.signal);
  } catch (err) {
    if (isCancel(err)) throw err;
    timing.prepare_ms = performance.now() - t0;
    return { records: [{ ...base, status: 'failed', error: errorOf(err) }], maps: [], timing };
  }
  timing.prepare_ms = performance.now() - t0;
  if ('noItem' in listed) return { records: [{ ...base, status: 'no-item', reason: listed.noItem }], maps: [], timing };

  const { items } = listed;
  const records: ItemRecord[] = [];
  const maps: MapFile[] = [];
  for (let part = 0; part < items.length; part++) {
    const item = items[part];
    const head = { entry: entry.index, part, parts: items.length, key: item.key, image: entry.image };
    let opened: Awaited<ReturnType<EntryItem['open']>>;
    try {
      const o0 = performance.now();
      opened = await item.open();
      timing.prepare_ms += performance.now() - o0;
    } catch (err) {
      if (isCancel(err)) throw err;
      records.push({ ...head, status: 'failed', error: errorOf(err) });
      continue;
    }
    const record: ItemRecord = { ...head, status: 'ok', ...opened.fields };
    record.methods = await runMethods(classifier, spec, entry, item, opened.target, opened.truth, control, cache, maps, timing);
    records.push(record);
  }
  return { records, maps, timing };
}

/**
 * Every method of the run on one item, in the run's order: map methods first (each computed once,
 * shared as a prior by the refinements), each map scored and queued for writing into `maps`.
 */
async function runMethods(
  classifier: Classifier,
  spec: BatchSpec,
  entry: BatchEntry,
  item: EntryItem,
  target: ExplainTarget,
  truth: Box[] | Tube | undefined,
  control: BatchControl,
  cache: BorexCache,
  maps: MapFile[],
  timing: TimingRecord,
): Promise<Record<string, MethodRecord>> {
  const methods: Record<string, MethodRecord> = {};
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
        const priorId = method.priorId ?? method.prior;
        const p = computed.get(priorId) ?? (await computePrior(target, { ...method, config: itemConfig(spec, method, item.key) }, method.prior, stepControl, cache));
        if ('error' in p) throw new BorexError(p.error.kind as BorexError['kind'], `prior ${priorId} failed: ${p.error.message}`);
        prior = p;
      }
      const config = itemConfig(spec, method, item.key);
      const out = await computeItemMap(target, config, stepControl, { prior, cache, uncertainty: spec.uncertainty });
      if (out.borex) mt.gp_ms = out.borex.gpMs;
      computed.set(method.id, out);
      const s0 = performance.now();
      const scored = await scoreMap(target, out.map, spec.metrics, truth, stepControl);
      mt.metrics_ms = performance.now() - s0;
      const rec: MethodRecord = { status: 'ok', signed: out.signed };
      // Only where it is not the run's seed of the method (per-item streams): explain --seed N redoes the map.
      if (config.seed !== method.config.seed) rec.seed = config.seed;
      if (out.borex?.priorWeight !== undefined) rec.priorWeight = out.borex.priorWeight;
      if (out.borex?.check) rec.check = out.borex.check;
      if (scored.metrics) rec.metrics = scored.metrics;
      if (scored.curves) rec.curves = { insertion: scored.curves.insertion.map(round6), deletion: scored.curves.deletion.map(round6) };
      if (spec.maps === 'npy') {
        rec.map = `${item.mapDir}/${methodFileName(method.id)}.npy`;
        maps.push({ file: rec.map, map: out.map, shape: [...out.dims] });
        if (out.borex?.uncertainty) {
          rec.uncertainty = `${item.mapDir}/${methodFileName(method.id)}.uncertainty.npy`;
          maps.push({ file: rec.uncertainty, map: out.borex.uncertainty, shape: [...out.dims] });
        }
      }
      methods[method.id] = rec;
    } catch (err) {
      if (isCancel(err)) throw err;
      const error = errorOf(err);
      if (!computed.has(method.id)) computed.set(method.id, { error });
      methods[method.id] = { status: 'failed', error };
    }
    mt.ms = performance.now() - m0;
    mt.model_ms = classifier.busyMs - busy0;
    mt.model_calls = classifier.calls - calls0;
    timing.methods[item.timingPrefix ? `${item.timingPrefix}:${method.id}` : method.id] = mt;
  }
  // Record methods in the run's order (not the computation order).
  return Object.fromEntries(spec.methods.map((m) => [m.id, methods[m.id]]));
}

const mapDirOf = (entry: BatchEntry, suffix?: string) => `maps/${String(entry.index).padStart(6, '0')}-${safeName(path.parse(entry.image).name)}${suffix !== undefined ? '.' + safeName(suffix) : ''}`;

/** A photo: decoded, preprocessed and classified once; one item per class chosen (batch-items.ts). */
async function photoItems(classifier: Classifier, spec: BatchSpec, entry: BatchEntry, classMap: Map<number, string> | undefined): Promise<EntryItems> {
  const { input, probabilities } = await prepareInput(classifier, entry.file, entry.image, spec.resizeFilter);
  const objects = entry.vocXml ? readVocAnnotation(entry.vocXml).objects.map((o) => ({ name: o.name, box: o.box })) : entry.objects;
  const choice = chooseItems(probabilities, classifier.labels, objects, entry.label, classMap);
  if ('noItem' in choice) return { noItem: choice.noItem };
  const baseline = makeBaseline(spec.baseline, input.tensor, input.dims, classifier.spec);
  const several = choice.items.length > 1;
  return {
    items: choice.items.map((item) => ({
      key: item.class !== undefined ? `${entry.image}#${item.class}` : entry.image,
      mapDir: mapDirOf(entry, item.class),
      timingPrefix: several ? item.class : undefined,
      open: async () => {
        const boxes = boxesOnInput(item.boxes, input);
        const fields: Partial<ItemRecord> = { label: labelRecord(classifier, probabilities, item) };
        if (item.class !== undefined) fields.class = item.class;
        if (boxes.length > 0) fields.groundTruth = { boxes, pixels: boxPixels(boxes, input) };
        return { target: itemTarget(classifier, input, baseline, item.label), fields, truth: boxes.length > 0 ? boxes : undefined };
      },
    })),
  };
}

/**
 * A video: probed, its clips chosen by the model's sampling (one for uniform, one per window) and
 * its tube read, once; each clip an item (key VIDEO, or VIDEO#wN for window N), decoded and
 * classified when it runs, explaining the explicit label or its own top-1 class.
 */
async function clipItems(classifier: Classifier, spec: BatchSpec, entry: BatchEntry, _classMap: unknown, signal?: AbortSignal): Promise<EntryItems> {
  const prepared = await prepareVideo(classifier, entry.file, entry.file, signal);
  const tube = entry.tube ? readTubeFile(entry.tube, prepared.video) : undefined;
  const windowed = (classifier.spec.sampling ?? 'uniform') !== 'uniform';
  return {
    items: prepared.windows.map((_, w) => ({
      key: windowed ? `${entry.image}#w${w}` : entry.image,
      mapDir: mapDirOf(entry, windowed ? `w${w}` : undefined),
      timingPrefix: windowed ? `w${w}` : undefined,
      open: async () => {
        const { input, probabilities } = await prepareClipInput(classifier, prepared, w, entry.file, spec.resizeFilter, signal);
        const choice = chooseItems(probabilities, classifier.labels, undefined, entry.label, undefined);
        if (!('items' in choice)) throw new Error('a clip always has an item'); // no objects: never 'noItem'
        const [item] = choice.items;
        const fields: Partial<ItemRecord> = { label: labelRecord(classifier, probabilities, item), frames: input.frames };
        const onClip = tube && tubeOnClip(tube, input);
        // A tube none of whose boxes falls on the sampled frames scores nothing (no F, no pointing game).
        if (onClip) fields.groundTruth = { voxels: onClip.voxels };
        return { target: itemTarget(classifier, input, spec.baseline, item.label), fields, truth: onClip?.truth };
      },
    })),
  };
}

function labelRecord(classifier: Classifier, probabilities: Float32Array, item: ChosenItem): ItemRecord['label'] {
  return { index: item.label, name: classifier.labels[item.label] !== undefined ? shortLabel(classifier.labels[item.label]) : String(item.label), probability: probabilities[item.label], choice: item.choice };
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

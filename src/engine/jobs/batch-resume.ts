/**
 * Resuming a batch run from its run directory alone (the app's Resume; `borex batch --resume` takes
 * the options again instead). run.json records everything that decides items.jsonl — the input
 * (where it is, and a hash of its entry list), every method's full config, the metric options, the
 * class map (path and sha256) — so the spec is rebuilt from it exactly; runBatch then checks it
 * against run.json once more before it appends anything.
 *
 * What the rest of the run needs is checked first: a run whose inputs are gone is refused, naming
 * what is missing, rather than resumed in part. Resuming in part would record every missing photo
 * as a failed item, and those lines would stay in the run for good (a resume never redoes a
 * finished item).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BorexError, usageError } from '../errors.ts';
import type { BaselineKind } from '../image/baseline.ts';
import type { ResizeFilter } from '../image/preprocess.ts';
import type { MethodConfig } from '../methods/config.ts';
import { shortLabel } from '../model/labels.ts';
import { findLabelsFile, sha256File } from '../model/model-store.ts';
import { inShard, listBatchInput, type BatchInput, type BoxFormat } from './batch-input.ts';
import { parseMethodId, type BatchMethod } from './batch-methods.ts';
import { entriesSha256, type BatchSpec } from './batch.ts';
import { readRunItems, readRunManifest, type ItemRecord, type RunManifest } from './run-store.ts';

/** run.json's `spec` as batchSpecRecord writes it (the fields a resume reads). */
interface RecordedSpec {
  input: { kind: BatchInput['kind']; path: string; boxes: BoxFormat | null; annotations: string | null; entries: number; entriesSha256: string };
  model: { name: string; path: string; sha256: string };
  methods: { id: string; implicit: boolean; config: MethodConfig }[];
  baseline: BaselineKind;
  resizeFilter: ResizeFilter;
  metrics: BatchSpec['metrics'];
  classMap: { file: string; sha256: string } | null;
  maps: BatchSpec['maps'];
  /** Runs of videos only (a photo run has none). */
  medium?: 'video';
}

export const recordedSpec = (manifest: RunManifest) => manifest.spec as unknown as RecordedSpec;

/** The model a run was made with, as run.json records it. */
export const recordedModel = (manifest: RunManifest) => recordedSpec(manifest).model;

/** Images of the run (of its shard) that are not finished. */
export function remainingEntries(manifest: RunManifest, done: readonly ItemRecord[]): number {
  const finished = new Set(done.map((r) => r.entry));
  const shard = manifest.shard ?? undefined;
  let remaining = 0;
  for (let i = 0; i < manifest.spec.input.entries; i++) if (inShard(i, shard) && !finished.has(i)) remaining++;
  return remaining;
}

export interface ResumePlan {
  spec: BatchSpec;
  /** The items already finished (complete images only, as runBatch will find them). */
  done: ItemRecord[];
  remaining: number;
}

/**
 * The spec of the run in `dir`, rebuilt from its run.json, with everything the images still to do
 * need checked to be there. `modelFile` is the model found for the run (a class map that moved is
 * looked for beside it, as a new batch looks for it). Throws 'bad-input' naming all that is missing.
 */
export function planResume(dir: string, modelFile: string): ResumePlan {
  const manifest = readRunManifest(dir);
  const rec = recordedSpec(manifest);
  const done = readRunItems(dir);
  const shard = manifest.shard ?? undefined;
  const missing: string[] = [];

  const input = listRecordedInput(rec.input, rec.medium, done, shard, missing);
  const classMap = rec.classMap ? findRecordedFile(rec.classMap, [path.dirname(modelFile)]) : undefined;
  if (rec.classMap && !classMap) missing.push(`its class map ${rec.classMap.file} (sha256 ${short(rec.classMap.sha256)})`);
  if (missing.length > 0 || !input) throw new BorexError('bad-input', `cannot resume run ${path.basename(dir)}: missing ${missing.join('; ')}`);

  const methods: BatchMethod[] = rec.methods.map((m) => {
    const parsed = parseMethodId(m.id);
    return { id: m.id, kind: parsed.kind, prior: parsed.prior, implicit: m.implicit, config: m.config };
  });
  const spec: BatchSpec = { input, methods, baseline: rec.baseline, resizeFilter: rec.resizeFilter, metrics: rec.metrics, classMap, maps: rec.maps, shard };
  return { spec, done, remaining: remainingEntries(manifest, done) };
}

/**
 * The run's input listed again: it must list the very entries it listed then (same hash), and
 * every photo still to do must be readable. What is not is added to `missing`.
 */
function listRecordedInput(rec: RecordedSpec['input'], medium: RecordedSpec['medium'], done: ItemRecord[], shard: BatchSpec['shard'], missing: string[]): BatchInput | undefined {
  const what = rec.kind === 'manifest' ? 'manifest' : 'folder';
  const noun = (n: number) => (medium === 'video' ? (n === 1 ? 'a video' : `${n} videos`) : n === 1 ? 'a photo' : `${n} photos`);
  if (!fs.existsSync(rec.path)) {
    missing.push(`its input ${what} ${rec.path}`);
    return undefined;
  }
  if (rec.annotations && !fs.existsSync(rec.annotations)) {
    missing.push(`its annotations ${rec.annotations}`);
    return undefined;
  }
  let input: BatchInput;
  try {
    input = listBatchInput(rec.path, { boxes: rec.boxes ?? undefined, annotations: rec.annotations ?? undefined });
  } catch (err) {
    missing.push(`a readable input (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
  if (input.entries.length !== rec.entries || entriesSha256(input) !== rec.entriesSha256) {
    const listed = new Set(input.entries.map((e) => e.image));
    const gone = [...new Set(done.map((r) => r.image))].filter((image) => !listed.has(image));
    const things = medium === 'video' ? 'videos' : 'photos';
    missing.push(`the ${things} it listed: ${rec.path} lists other ${things} now (${rec.entries} then, ${input.entries.length} now${gone.length ? `; gone: ${names(gone)}` : ''})`);
    return undefined;
  }
  const finished = new Set(done.map((r) => r.entry));
  // fs.existsSync follows links: a photo linked into the input folder must still be where the link points.
  // A video still to do needs its tube file too (without it the entry would be scored differently).
  const gone = input.entries
    .filter((e) => inShard(e.index, shard) && !finished.has(e.index) && (!fs.existsSync(e.file) || (e.tube !== undefined && !fs.existsSync(e.tube))))
    .map((e) => (fs.existsSync(e.file) ? `${e.image} (its tube ${e.tube})` : e.image));
  if (gone.length > 0) missing.push(`${noun(gone.length)} still to do: ${names(gone)}`);
  return gone.length > 0 ? undefined : input;
}

/** A file run.json names by path and sha256: there still, or (moved) of the same name in `dirs` and the model directories. */
function findRecordedFile(rec: { file: string; sha256: string }, dirs: string[]): string | undefined {
  const candidates = [rec.file, findLabelsFile(path.basename(rec.file), dirs)];
  return candidates.find((f): f is string => !!f && fs.existsSync(f) && sha256File(f) === rec.sha256);
}

/**
 * The model's class names must be those the run recorded: an item's label name is part of
 * items.jsonl, so another labels file would make old and new items disagree.
 */
export function assertSameLabels(done: readonly ItemRecord[], labels: readonly string[]): void {
  for (const r of done) {
    if (!r.label) continue;
    const now = labels[r.label.index] !== undefined ? shortLabel(labels[r.label.index]) : String(r.label.index);
    if (now !== r.label.name) {
      throw usageError(`the model's class ${r.label.index} is "${now}" but the run recorded "${r.label.name}" (${r.key}): open the model with the labels the run used, then resume`);
    }
  }
}

const short = (sha: string) => `${sha.slice(0, 12)}…`;

/** At most five names, then how many more. */
function names(list: string[]): string {
  return list.length <= 5 ? list.join(', ') : `${list.slice(0, 5).join(', ')} and ${list.length - 5} more`;
}

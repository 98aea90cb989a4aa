import path from 'node:path';
import { listBatchInput } from '../../jobs/batch-input.ts';
import { resolveMethods } from '../../jobs/batch-methods.ts';
import { assertSameLabels, planResume } from '../../jobs/batch-resume.ts';
import { runBatch, type BatchSpec } from '../../jobs/batch.ts';
import type { LoadedModel } from '../../model/load.ts';
import { findLabelsFile } from '../../model/model-store.ts';
import type { JobControl } from '../../progress.ts';
import type { BatchDone } from '../../../shared/api.ts';
import type { HostJob } from '../protocol.ts';
import type { ModelCache } from '../model-cache.ts';
import { batchItem } from '../batch-item.ts';
import type { JobUpdate } from './handler.ts';

/** A batch over a folder with the engine's batch runner (a run directory on disk, like `borex batch`). */
export async function runBatchJob(job: Extract<HostJob, { kind: 'batch' }>, models: ModelCache, control: JobControl, onUpdate: JobUpdate): Promise<BatchDone> {
  const r = job.request;
  const loaded = await models.get(job.model);
  const { classifier, resolved } = loaded;
  const input = listBatchInput(job.inputDir);
  // A folder of clips runs as `borex batch` runs it: BOREx-3D's clip parameters, no class map
  // (a clip's tube has no class), the model spec's own baseline (motion-v1: temporal-mean).
  const videos = input.medium === 'video';
  const methods = resolveMethods(r.methods, { preset: r.preset, clip: videos, seed: r.seed ?? 0, borex: r.iterations === undefined ? {} : { iterations: r.iterations } });
  const classMap = !videos && classifier.numClasses === 1000 ? findLabelsFile('voc_imagenet_map.txt', [path.dirname(resolved.file)]) : undefined;
  const spec: BatchSpec = {
    input,
    methods,
    baseline: classifier.spec.baseline ?? 'mean',
    resizeFilter: 'linear',
    metrics: { enabled: true, insertionStart: 'blur' },
    classMap,
    maps: 'npy',
  };
  onUpdate({ entries: input.entries.map((e) => e.image) });
  return runInto(loaded, spec, job.outDir, false, control, onUpdate);
}

/**
 * Continues a run in its own directory: its spec from its run.json, its inputs checked first
 * (batch-resume.ts). The queue is every image of the run, with the items already done; then the
 * images still to do run as in any batch, and runBatch skips what is finished.
 */
export async function resumeBatchJob(job: Extract<HostJob, { kind: 'resume' }>, models: ModelCache, control: JobControl, onUpdate: JobUpdate): Promise<BatchDone> {
  const loaded = await models.get(job.model);
  const plan = planResume(job.runDir, loaded.resolved.file);
  assertSameLabels(plan.done, loaded.classifier.labels);
  onUpdate({ entries: plan.spec.input.entries.map((e) => e.image), items: plan.done.map(batchItem) });
  return runInto(loaded, plan.spec, job.runDir, true, control, onUpdate);
}

async function runInto({ classifier, resolved }: LoadedModel, spec: BatchSpec, outDir: string, resume: boolean, control: JobControl, onUpdate: JobUpdate): Promise<BatchDone> {
  const summary = await runBatch(classifier, { name: resolved.name, path: resolved.file, sha256: resolved.sha256 }, spec, outDir, {
    resume,
    signal: control.signal,
    onProgress: control.onProgress,
    onEntry: (records) => onUpdate({ items: records.map(batchItem) }),
  });
  return {
    methods: spec.methods.map((m) => m.id),
    summary: { entries: summary.entries, skipped: summary.skipped, processed: summary.processed, ok: summary.items.ok, failed: summary.items.failed, noItem: summary.items.noItem, elapsedMs: summary.elapsedMs },
  };
}

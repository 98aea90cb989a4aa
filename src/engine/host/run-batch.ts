import path from 'node:path';
import type { BatchItem } from '../../shared/api.ts';
import { listBatchInput } from '../jobs/batch-input.ts';
import { resolveMethods } from '../jobs/batch-methods.ts';
import { runBatch, type BatchSpec } from '../jobs/batch.ts';
import type { ItemRecord } from '../jobs/run-store.ts';
import { findLabelsFile } from '../model/model-store.ts';
import type { JobControl } from '../progress.ts';
import type { BatchJobResult, HostJob } from './protocol.ts';
import type { JobUpdate, ModelCache } from './run-job.ts';

/** A batch over a folder with the engine's batch runner (a run directory on disk, like `borex batch`). */
export async function runBatchJob(job: Extract<HostJob, { kind: 'batch' }>, models: ModelCache, control: JobControl, onUpdate: JobUpdate): Promise<BatchJobResult> {
  const r = job.request;
  const { classifier, resolved } = await models.get(job.model);
  const methods = resolveMethods(r.methods, { preset: r.preset, seed: r.seed ?? 0, borex: r.iterations === undefined ? {} : { iterations: r.iterations } });
  const input = listBatchInput(job.inputDir);
  const classMap = classifier.numClasses === 1000 ? findLabelsFile('voc_imagenet_map.txt', [path.dirname(resolved.file)]) : undefined;
  const spec: BatchSpec = {
    input,
    methods,
    baseline: 'mean',
    resizeFilter: 'linear',
    metrics: { enabled: true, insertionStart: 'blur' },
    classMap,
    maps: 'npy',
  };
  onUpdate({ entries: input.entries.map((e) => e.image) });
  const summary = await runBatch(classifier, { name: resolved.name, path: resolved.file, sha256: resolved.sha256 }, spec, job.outDir, {
    resume: false,
    signal: control.signal,
    onProgress: control.onProgress,
    onEntry: (records) => onUpdate({ items: records.map(batchItem) }),
  });
  return {
    methods: methods.map((m) => m.id),
    summary: { entries: summary.entries, processed: summary.processed, ok: summary.items.ok, failed: summary.items.failed, noItem: summary.items.noItem, elapsedMs: summary.elapsedMs },
  };
}

export function batchItem(r: ItemRecord): BatchItem {
  const methods: BatchItem['methods'] = {};
  for (const [id, m] of Object.entries(r.methods ?? {})) {
    methods[id] = { status: m.status, insertion: m.metrics?.insertion, deletion: m.metrics?.deletion, fRp: m.metrics?.fRp, error: m.error?.message };
  }
  return { key: r.key, image: r.image, status: r.status, label: r.label?.name, note: r.error?.message ?? r.reason, methods };
}

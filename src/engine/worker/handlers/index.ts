import type { JobControl } from '../../progress.ts';
import type { ModelCache } from '../model-cache.ts';
import type { HostJob, HostJobResult } from '../protocol.ts';
import { resumeBatchJob, runBatchJob } from './batch.ts';
import { classify } from './classify.ts';
import { explain } from './explain.ts';
import type { JobHandler, JobUpdate } from './handler.ts';
import { openModel } from './open-model.ts';
import { explainVideoJob } from './explain-video.ts';
import { exportVideoJob } from './export-video.ts';
import { proxyJob } from './proxy.ts';

/** One handler per job kind: a new kind of job is one row here plus its handler's file. */
const HANDLERS: { [K in HostJob['kind']]: JobHandler<K> } = {
  classify: (job, { models }) => classify(job.image, job.model, models),
  explain: (job, { models, control, onUpdate }) => explain(job, models, control, (geometry) => onUpdate({ geometry })),
  batch: (job, { models, control, onUpdate }) => runBatchJob(job, models, control, onUpdate),
  resume: (job, { models, control, onUpdate }) => resumeBatchJob(job, models, control, onUpdate),
  'open-model': (job, { models }) => openModel(job.model, models),
  'explain-video': (job, { models, control, onUpdate }) => explainVideoJob(job, models, control, onUpdate),
  proxy: (job, { control }) => proxyJob(job, control),
  'export-video': (job, { control }) => exportVideoJob(job, control),
};

export function runJob(job: HostJob, models: ModelCache, control: JobControl, onUpdate: JobUpdate = () => {}): Promise<HostJobResult> {
  const handler = HANDLERS[job.kind] as JobHandler<HostJob['kind']>;
  return handler(job, { models, control, onUpdate });
}

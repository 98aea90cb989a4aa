import type { JobControl } from '../../progress.ts';
import type { ModelCache } from '../model-cache.ts';
import type { JobProgress } from '../../../shared/api.ts';
import type { HostJob, HostJobResult } from '../protocol.ts';

/** What a job tells beyond the engine's progress: an explain job's geometry, a batch's queue and items. */
export type JobUpdate = (update: Pick<JobProgress, 'geometry' | 'entries' | 'items' | 'video'>) => void;

/** Everything a job handler may use: the open model, the cancel signal with progress, and updates. */
export interface JobContext {
  models: ModelCache;
  control: JobControl;
  onUpdate: JobUpdate;
}

/** Turns one kind of API job into an engine job, inside the worker. */
export type JobHandler<K extends HostJob['kind']> = (job: Extract<HostJob, { kind: K }>, context: JobContext) => Promise<HostJobResult>;

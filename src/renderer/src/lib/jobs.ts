import type { JobEvent, JobStarted } from '../../../shared/api.ts';
import { api } from './api.ts';

/**
 * Starts a job and hands its events to `onEvent`. A job's first events can arrive before the call
 * that started it returns its id, so events are buffered until the id is known, then replayed.
 * Listening stops after the job's last event.
 */
export async function followJob(start: () => Promise<JobStarted>, onEvent: (e: JobEvent) => void): Promise<string> {
  let jobId: string | undefined;
  const early: JobEvent[] = [];
  const deliver = (e: JobEvent) => {
    onEvent(e);
    if (e.type !== 'progress') stop();
  };
  const stop = api.onJobEvent((e) => {
    if (jobId === undefined) early.push(e);
    else if (e.jobId === jobId) deliver(e);
  });
  try {
    jobId = (await start()).jobId;
  } catch (err) {
    stop();
    throw err;
  }
  for (const e of early.splice(0)) if (e.jobId === jobId) deliver(e);
  return jobId;
}

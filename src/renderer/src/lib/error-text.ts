import type { JobEvent } from '../../../shared/api.ts';

type FailedEvent = Extract<JobEvent, { type: 'failed' }>;

const isFailedEvent = (e: unknown): e is FailedEvent => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === 'failed' && typeof (e as { message?: unknown }).message === 'string';

/**
 * The one place a failure becomes the text the UI shows: a thrown value (a refused call, a file
 * that would not open) or a job's `failed` event. Both transports already put the engine's reason
 * in the message, so the message is shown as it is.
 */
export function errorText(failure: unknown): string {
  if (isFailedEvent(failure)) return failure.message;
  return failure instanceof Error ? failure.message : String(failure);
}

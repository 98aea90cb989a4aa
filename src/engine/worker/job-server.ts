import { asBorexError, BorexError } from '../errors.ts';
import type { ProgressEvent } from '../progress.ts';
import type { FromHost, HostSettings, ToHost } from './protocol.ts';
import { runJob } from './handlers/index.ts';
import { ModelCache } from './model-cache.ts';

/** The host side of a message channel: worker_threads' parentPort or Electron's parentPort. */
export interface HostPort {
  post(message: FromHost): void;
  onMessage(listener: (message: ToHost) => void): void;
}

/**
 * Runs jobs one at a time as they arrive. A job is cancelled by a 'cancel' message or, while the
 * event loop is busy, through `cancelFlag` (slot 0 holds the seq to cancel): the engine reads
 * `signal.aborted` between batches, and that read here also consults the shared flag.
 */
export function serveJobs(port: HostPort, settings: HostSettings = {}, cancelFlag?: Int32Array): void {
  const models = new ModelCache(settings);
  const controllers = new Map<number, AbortController>();
  let chain = Promise.resolve();

  port.onMessage((message) => {
    if (message.type === 'cancel') {
      controllers.get(message.seq)?.abort();
      return;
    }
    const { seq, job } = message;
    const controller = new AbortController();
    const signal = controller.signal;
    if (cancelFlag) {
      Object.defineProperty(signal, 'aborted', { get: () => controller.signal.reason !== undefined || Atomics.load(cancelFlag, 0) === seq });
    }
    controllers.set(seq, controller);
    const onProgress = (e: ProgressEvent) =>
      port.post({
        type: 'progress',
        seq,
        progress: { stage: e.stage, done: e.done, total: e.total, etaMs: e.etaMs, partialMap: e.partialMap, priorMap: e.priorMap, samples: e.samples && Array.from(e.samples), sampleValues: e.sampleValues, ...(e.sampleShapes ? { sampleShapes: e.sampleShapes } : {}), clip: e.clip },
      });
    chain = chain.then(async () => {
      try {
        if (signal.aborted) throw new BorexError('cancelled', 'cancelled');
        const value = await runJob(job, models, { signal, onProgress }, (update) => port.post({ type: 'progress', seq, progress: { stage: 'starting', done: 0, total: 1, ...update } }));
        port.post({ type: 'result', seq, value });
      } catch (err) {
        const e = asBorexError(err);
        port.post({ type: 'error', seq, kind: e.kind, message: e.message });
      } finally {
        controllers.delete(seq);
      }
    });
  });
}

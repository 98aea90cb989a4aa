import type { JobProgress } from '../../../src/shared/api.ts';
import type { HostJob, HostJobResult } from '../../../src/engine/worker/protocol.ts';
import { runJob } from '../../../src/engine/worker/handlers/index.ts';
import { ModelCache } from '../../../src/engine/worker/model-cache.ts';
import type { EngineHost } from '../../../src/engine/worker/worker-host.ts';
import type { ProgressEvent } from '../../../src/engine/progress.ts';

/** The real engine without a worker: jobs run one at a time in this thread (tests only). */
export class InProcessHost implements EngineHost {
  readonly models = new ModelCache({ threads: 2 });
  readonly jobs: HostJob[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private seq = 0;
  /** Cancel reaches a job as it does in the worker: through its signal, read between batches of work. */
  private readonly controllers = new Map<number, AbortController>();

  run(job: HostJob, onProgress?: (p: JobProgress) => void): { seq: number; result: Promise<HostJobResult> } {
    this.jobs.push(job);
    const seq = ++this.seq;
    const controller = new AbortController();
    this.controllers.set(seq, controller);
    const progress = (p: ProgressEvent) => onProgress?.({ ...p, samples: p.samples && Array.from(p.samples) });
    const result = this.chain
      .then(() => runJob(job, this.models, { signal: controller.signal, onProgress: progress }, (u) => onProgress?.({ stage: 'starting', done: 0, total: 1, ...u })))
      .finally(() => this.controllers.delete(seq));
    this.chain = result.catch(() => undefined);
    return { seq, result };
  }

  cancel(seq: number): boolean {
    const controller = this.controllers.get(seq);
    controller?.abort();
    return !!controller;
  }

  close(): Promise<void> {
    return this.models.dispose();
  }
}

import type { HostJob, HostJobResult, HostProgress } from '../../../src/engine/host/protocol.ts';
import { ModelCache, runJob } from '../../../src/engine/host/run-job.ts';
import type { EngineHost } from '../../../src/engine/host/worker-host.ts';
import type { ProgressEvent } from '../../../src/engine/progress.ts';

/** The real engine without a worker: jobs run one at a time in this thread (tests only). */
export class InProcessHost implements EngineHost {
  readonly models = new ModelCache({ threads: 2 });
  readonly jobs: HostJob[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private seq = 0;

  run(job: HostJob, onProgress?: (p: HostProgress) => void): { seq: number; result: Promise<HostJobResult> } {
    this.jobs.push(job);
    const progress = (p: ProgressEvent) => onProgress?.({ ...p, samples: p.samples && Array.from(p.samples) });
    const result = this.chain.then(() => runJob(job, this.models, { onProgress: progress }, (u) => onProgress?.({ stage: 'starting', done: 0, total: 1, ...u })));
    this.chain = result.catch(() => undefined);
    return { seq: ++this.seq, result };
  }

  cancel(): boolean {
    return false;
  }

  close(): Promise<void> {
    return this.models.dispose();
  }
}

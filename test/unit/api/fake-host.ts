import { BorexError } from '../../../src/engine/errors.ts';
import type { HostJob, HostJobResult, HostProgress } from '../../../src/engine/host/protocol.ts';
import type { EngineHost } from '../../../src/engine/host/worker-host.ts';

/** An engine host that answers from a script: no worker, no model. */
export class FakeHost implements EngineHost {
  readonly jobs: HostJob[] = [];
  private pending = new Map<number, { reject: (e: Error) => void; resolve: (v: HostJobResult) => void; onProgress?: (p: HostProgress) => void }>();
  private seq = 0;

  run(job: HostJob, onProgress?: (p: HostProgress) => void) {
    this.jobs.push(job);
    const seq = ++this.seq;
    const result = new Promise<HostJobResult>((resolve, reject) => this.pending.set(seq, { resolve, reject, onProgress }));
    if (job.kind === 'classify') this.finish(seq, { model: job.model, top5: [{ index: 1, name: 'one', probability: 0.9 }], numClasses: 2 });
    return { seq, result };
  }

  progress(seq: number, p: HostProgress): void {
    this.pending.get(seq)?.onProgress?.(p);
  }

  finish(seq: number, value: HostJobResult): void {
    this.pending.get(seq)?.resolve(value);
    this.pending.delete(seq);
  }

  cancel(seq: number): boolean {
    const p = this.pending.get(seq);
    p?.reject(new BorexError('cancelled', 'cancelled'));
    this.pending.delete(seq);
    return !!p;
  }

  async close(): Promise<void> {}
}

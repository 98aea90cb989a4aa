import { Worker } from 'node:worker_threads';
import { ApiError } from '../../shared/errors.ts';
import { BorexError, type ErrorKind } from '../errors.ts';
import type { FromHost, HostJob, HostJobResult, HostProgress, HostSettings } from './protocol.ts';

export interface EngineHost {
  /** Queues a job; the promise settles with its result or a BorexError (kind 'cancelled' when cancelled). */
  run(job: HostJob, onProgress?: (p: HostProgress) => void): { seq: number; result: Promise<HostJobResult> };
  cancel(seq: number): boolean;
  close(): Promise<void>;
}

interface Pending {
  seq: number;
  job: HostJob;
  onProgress?: (p: HostProgress) => void;
  resolve: (v: HostJobResult) => void;
  reject: (e: Error) => void;
  cancelRequested?: boolean;
  watchdog?: NodeJS.Timeout;
}

export interface WorkerHostOptions {
  settings?: HostSettings;
  /** The worker script (tests pass a fake). Default: the real engine host. */
  entry?: URL;
  /** After a cancel, how long the job may take to stop before the worker is terminated. */
  cancelGraceMs?: number;
}

/**
 * The engine in a worker_threads worker, so onnxruntime's blocking run() never stalls the caller's
 * event loop. Jobs run one at a time. If the worker dies, the running job fails with a clear
 * message and a fresh worker is started for the next one.
 */
export class WorkerHost implements EngineHost {
  private worker: Worker | undefined;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private nextSeq = 1;
  private closed = false;
  restarts = 0;

  constructor(private readonly options: WorkerHostOptions = {}) {}

  run(job: HostJob, onProgress?: (p: HostProgress) => void): { seq: number; result: Promise<HostJobResult> } {
    if (this.closed) throw new ApiError('runtime', 'the engine host is closed');
    const seq = this.nextSeq++;
    const result = new Promise<HostJobResult>((resolve, reject) => this.queue.push({ seq, job, onProgress, resolve, reject }));
    this.pump();
    return { seq, result };
  }

  cancel(seq: number): boolean {
    const queued = this.queue.findIndex((p) => p.seq === seq);
    if (queued >= 0) {
      const [p] = this.queue.splice(queued, 1);
      p.reject(new BorexError('cancelled', 'cancelled'));
      return true;
    }
    const p = this.current;
    if (!p || p.seq !== seq || p.cancelRequested) return false;
    p.cancelRequested = true;
    Atomics.store(this.cancelFlag, 0, seq);
    this.worker?.postMessage({ type: 'cancel', seq });
    // A job stuck inside one long native call: stop the worker itself.
    p.watchdog = setTimeout(() => void this.worker?.terminate(), this.options.cancelGraceMs ?? 10_000);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new BorexError('cancelled', 'the engine host was closed'));
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0 || this.closed) return;
    const p = this.queue.shift()!;
    this.current = p;
    this.ensureWorker().postMessage({ type: 'job', seq: p.seq, job: p.job });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const entry = this.options.entry ?? new URL('./worker-entry.mjs', import.meta.url);
    const worker = new Worker(entry, { workerData: { settings: this.options.settings, cancelFlag: this.cancelFlag.buffer } });
    worker.on('message', (m: FromHost) => this.onMessage(m));
    worker.on('error', (err) => this.onExit(worker, `engine host failed: ${err.message}`));
    worker.on('exit', (code) => this.onExit(worker, `the engine host stopped unexpectedly (exit code ${code}); it will be restarted for the next job`));
    this.worker = worker;
    return worker;
  }

  private onMessage(m: FromHost): void {
    const p = this.current;
    if (!p || m.seq !== p.seq) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.progress);
      return;
    }
    this.finish(p);
    if (m.type === 'result') p.resolve(m.value);
    else p.reject(new BorexError(m.kind as ErrorKind, m.message));
  }

  private onExit(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const p = this.current;
    if (p) {
      this.finish(p);
      if (!this.closed) this.restarts++;
      p.reject(p.cancelRequested ? new BorexError('cancelled', 'cancelled (the engine host was stopped and restarted)') : new BorexError('runtime', message));
    }
  }

  private finish(p: Pending): void {
    clearTimeout(p.watchdog);
    this.current = undefined;
    queueMicrotask(() => this.pump());
  }
}

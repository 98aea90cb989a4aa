import { Worker } from 'node:worker_threads';
import { ApiError } from '../../shared/errors.ts';
import { BorexError, type ErrorKind } from '../errors.ts';
import type { JobProgress } from '../../shared/api.ts';
import type { FromHost, HostJob, HostJobResult, HostSettings, ToHost } from './protocol.ts';

export interface EngineHost {
  /** Queues a job; the promise settles with its result or a BorexError (kind 'cancelled' when cancelled). */
  run(job: HostJob, onProgress?: (p: JobProgress) => void): { seq: number; result: Promise<HostJobResult> };
  cancel(seq: number): boolean;
  close(): Promise<void>;
}

/** A host whose child can be replaced, e.g. to start the engine again with new settings. */
export interface RestartableHost extends EngineHost {
  /** Stops the child now if it is idle, else once its job ends; the next job starts a new one. */
  restart(): 'now' | 'after-job';
}

interface Pending {
  seq: number;
  job: HostJob;
  onProgress?: (p: JobProgress) => void;
  resolve: (v: HostJobResult) => void;
  reject: (e: Error) => void;
  cancelRequested?: boolean;
  watchdog?: NodeJS.Timeout;
}

/** A child that runs jobs: a worker thread here, an Electron utilityProcess in the app. */
export interface HostChannel {
  post(message: ToHost): void;
  /** Called once the child sends a message, dies (`exitCode`) or fails to start. */
  listen(onMessage: (m: FromHost) => void, onExit: (reason: string) => void): void;
  /** Asks the running job to stop fast without waiting for the child's event loop (worker threads only). */
  flagCancel?(seq: number): void;
  kill(): void;
}

export interface QueueHostOptions {
  /** After a cancel, how long the job may take to stop before the child is killed. */
  cancelGraceMs?: number;
}

/**
 * Jobs run one at a time in a child. If the child dies, the running job fails with a clear message
 * and a fresh child is started for the next one; a job that ignores its cancel has its child killed.
 */
export class QueueHost implements RestartableHost {
  private child: HostChannel | undefined;
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private nextSeq = 1;
  private closed = false;
  private restartPending = false;
  restarts = 0;

  constructor(
    private readonly spawn: () => HostChannel,
    private readonly options: QueueHostOptions = {},
  ) {}

  run(job: HostJob, onProgress?: (p: JobProgress) => void): { seq: number; result: Promise<HostJobResult> } {
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
    this.child?.flagCancel?.(seq);
    this.child?.post({ type: 'cancel', seq });
    // A job stuck inside one long native call: stop the child itself.
    p.watchdog = setTimeout(() => this.child?.kill(), this.options.cancelGraceMs ?? 10_000);
    return true;
  }

  restart(): 'now' | 'after-job' {
    if (this.current) {
      this.restartPending = true;
      return 'after-job';
    }
    this.stopChild();
    return 'now';
  }

  /** The child is let go before it is killed, so its exit is not taken for a crash. */
  private stopChild(): void {
    this.restartPending = false;
    const c = this.child;
    this.child = undefined;
    c?.kill();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new BorexError('cancelled', 'the engine host was closed'));
    const c = this.child;
    this.child = undefined;
    c?.kill();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0 || this.closed) return;
    const p = this.queue.shift()!;
    this.current = p;
    this.ensureChild().post({ type: 'job', seq: p.seq, job: p.job });
  }

  private ensureChild(): HostChannel {
    if (this.child) return this.child;
    const child = this.spawn();
    child.listen(
      (m) => this.child === child && this.onMessage(m),
      (reason) => this.onExit(child, reason),
    );
    this.child = child;
    return child;
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

  private onExit(child: HostChannel, reason: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    const p = this.current;
    if (p) {
      this.finish(p);
      if (!this.closed) this.restarts++;
      p.reject(p.cancelRequested ? new BorexError('cancelled', 'cancelled (the engine host was stopped and restarted)') : new BorexError('runtime', `${reason}; it will be restarted for the next job`));
    }
  }

  private finish(p: Pending): void {
    clearTimeout(p.watchdog);
    this.current = undefined;
    if (this.restartPending) this.stopChild();
    queueMicrotask(() => this.pump());
  }
}

export interface WorkerHostOptions extends QueueHostOptions {
  settings?: HostSettings;
  /** The worker script (tests pass a fake). Default: the real engine host. */
  entry?: URL;
}

/** The engine in a worker_threads worker, so onnxruntime's blocking run() never stalls the caller's event loop. */
export class WorkerHost extends QueueHost {
  constructor(options: WorkerHostOptions = {}) {
    super(() => workerChannel(options), options);
  }
}

function workerChannel(options: WorkerHostOptions): HostChannel {
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const entry = options.entry ?? new URL('./worker-entry.mjs', import.meta.url);
  const worker = new Worker(entry, { workerData: { settings: options.settings, cancelFlag: cancelFlag.buffer } });
  return {
    post: (m) => worker.postMessage(m),
    listen(onMessage, onExit) {
      worker.on('message', onMessage);
      worker.on('error', (err) => onExit(`the engine host failed: ${err.message}`));
      worker.on('exit', (code) => onExit(`the engine host stopped unexpectedly (exit code ${code})`));
    },
    flagCancel: (seq) => Atomics.store(cancelFlag, 0, seq),
    kill: () => void worker.terminate(),
  };
}

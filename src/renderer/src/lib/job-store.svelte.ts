/// <reference types="svelte" />
// (The reference declares the runes for plain `tsc`, which type-checks the unit tests that import this.)
import type { BorexApi, JobEvent, JobStarted } from '../../../shared/api.ts';
import { errorText } from './error-text.ts';

export type ProgressEvent = Extract<JobEvent, { type: 'progress' }>;
/** The event a job ends well with: an explanation's `done`, a batch's `batch-done`, a video job's `video-done` / `proxy-done` / `export-done`. */
export type JobResult = Extract<JobEvent, { type: 'done' | 'batch-done' | 'video-done' | 'proxy-done' | 'export-done' }>;

/** What a job has sent so far to draw while it runs: each is kept until the job sends a newer one. */
export type LiveData = Pick<ProgressEvent, 'partialMap' | 'priorMap' | 'samples' | 'sampleValues' | 'sampleShapes' | 'geometry'>;

export type JobState<R extends JobResult> =
  | { phase: 'idle' }
  /** `jobId` is unknown until the start call returns (events that come first wait for it). */
  | { phase: 'running'; jobId?: string; stage: string; done: number; total: number; etaMs?: number; live: LiveData }
  | { phase: 'done'; jobId: string; result: R }
  /** `jobId` is absent when the start call itself was refused (nothing ran). */
  | { phase: 'failed'; jobId?: string; error: string }
  | { phase: 'cancelled'; jobId: string };

/** A job over: how it ended, as `onEnd` gets it. */
export type EndedJob<R extends JobResult> = Extract<JobState<R>, { phase: 'done' | 'failed' | 'cancelled' }>;

/** How a start went: running (or already over), or refused by the API with its reason. */
export type Started = { ok: true } | { ok: false; error: string };

/** The part of the API a job store needs (a fake one in tests). */
export type JobApi = Pick<BorexApi, 'onJobEvent' | 'cancel'>;

export interface StartOptions<R extends JobResult> {
  /** The count shown until the job reports its own (a batch: the photos it was given). */
  total?: number;
  /** Every progress event, after the state took it in: for what a view builds from its deltas (a batch's rows). */
  onProgress?: (e: ProgressEvent) => void;
  /** Once, when the job's last event arrived (not when the start call is refused: `start` resolves with the reason). */
  onEnd?: (state: EndedJob<R>) => void;
  /** A refused start puts back the state from before it (the view stays as it was) instead of `failed`. */
  keepStateIfRefused?: boolean;
}

/**
 * One job at a time, followed from its start to its last event: the UI's one job state machine,
 * used by every view (explain, batch, and the views to come) as it is.
 */
export class JobStore<R extends JobResult = JobResult> {
  /** Replaced whole on every change, never mutated: raw state, so maps and results are not proxied. */
  state: JobState<R> = $state.raw({ phase: 'idle' });
  readonly running: boolean = $derived(this.state.phase === 'running');

  constructor(private readonly api: JobApi) {}

  /**
   * Starts a job and follows its events. A job's first events can arrive before the call that
   * started it returns its id, so events are buffered until the id is known, then replayed.
   * Resolves once the job runs (it may have ended already) or the call was refused, with the reason.
   */
  async start(begin: () => Promise<JobStarted>, options: StartOptions<R> = {}): Promise<Started> {
    if (this.running) throw new Error('a job is already running');
    const before = this.state;
    this.state = { phase: 'running', stage: 'starting', done: 0, total: options.total ?? 1, live: {} };
    let jobId: string | undefined;
    const early: JobEvent[] = [];
    const stop = this.api.onJobEvent((e) => {
      if (jobId === undefined) early.push(e);
      else if (e.jobId === jobId) deliver(e);
    });
    const deliver = (e: JobEvent) => {
      if (e.type === 'progress') {
        this.progress(e);
        options.onProgress?.(e);
        return;
      }
      stop();
      const ended = this.end(e);
      options.onEnd?.(ended);
    };
    try {
      jobId = (await begin()).jobId;
    } catch (err) {
      stop();
      const error = errorText(err);
      this.state = options.keepStateIfRefused ? before : { phase: 'failed', error };
      return { ok: false, error };
    }
    if (this.state.phase === 'running' && this.state.jobId === undefined) this.state = { ...this.state, jobId };
    for (const e of early.splice(0)) if (e.jobId === jobId) deliver(e);
    return { ok: true };
  }

  /** Asks the engine to stop the running job; its `failed` (cancelled) event ends it here. */
  cancel(): void {
    if (this.state.phase === 'running' && this.state.jobId) void this.api.cancel({ jobId: this.state.jobId });
  }

  /** Forgets a finished job (a new photo, a new queue); a running job is not affected. */
  reset(): void {
    if (!this.running) this.state = { phase: 'idle' };
  }

  private progress(e: ProgressEvent): void {
    const s = this.state;
    if (s.phase !== 'running') return;
    const live: LiveData = {
      partialMap: e.partialMap ?? s.live.partialMap,
      priorMap: e.priorMap ?? s.live.priorMap,
      samples: e.samples ?? s.live.samples,
      sampleValues: e.samples ? e.sampleValues : s.live.sampleValues,
      sampleShapes: e.samples ? e.sampleShapes : s.live.sampleShapes,
      geometry: e.geometry ?? s.live.geometry,
    };
    // The worker's 'starting' events announce data (geometry, a batch's photos) before any work;
    // their counts are placeholders (0/1), so the counts the job started with stay in view.
    const counts = e.stage === 'starting' ? {} : { stage: e.stage, done: e.done, total: e.total, etaMs: e.etaMs };
    this.state = { ...s, jobId: e.jobId, ...counts, live };
  }

  private end(e: Exclude<JobEvent, ProgressEvent>): EndedJob<R> {
    const ended: EndedJob<R> =
      e.type === 'failed'
        ? e.kind === 'cancelled'
          ? { phase: 'cancelled', jobId: e.jobId }
          : { phase: 'failed', jobId: e.jobId, error: errorText(e) }
        : { phase: 'done', jobId: e.jobId, result: e as R };
    this.state = ended;
    return ended;
  }
}

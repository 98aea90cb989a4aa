import type { JobProgress } from '../shared/results.ts';

/**
 * Progress of a long job as the engine reports it, between batches: the fields of the one job
 * progress type (shared/results.ts) a method fills in, with BOREx's sampled squares still a typed
 * array of (row, col, halfSize) triples (the worker turns it into a plain array for the wire).
 */
export type ProgressEvent = Pick<JobProgress, 'stage' | 'done' | 'total' | 'etaMs' | 'partialMap' | 'priorMap' | 'clip' | 'sampleValues' | 'sampleShapes'> & { samples?: Float64Array };

export type ProgressListener = (event: ProgressEvent) => void;

export interface JobControl {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** Tracks start time so each event can carry a simple linear ETA. */
export class ProgressReporter {
  private readonly started = performance.now();
  constructor(
    private readonly stage: string,
    private readonly total: number,
    private readonly listener?: ProgressListener,
  ) {}

  report(done: number, extra: Partial<ProgressEvent> = {}): void {
    if (!this.listener) return;
    const elapsed = performance.now() - this.started;
    const etaMs = done > 0 ? (elapsed / done) * (this.total - done) : undefined;
    this.listener({ stage: this.stage, done, total: this.total, etaMs, ...extra });
  }
}

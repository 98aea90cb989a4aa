/** Progress of a long job, emitted between batches. `partialMap` lets a UI draw a map while it grows. */
export interface ProgressEvent {
  stage: string;
  done: number;
  total: number;
  /** Estimated milliseconds left for this stage, when known. */
  etaMs?: number;
  partialMap?: Float32Array;
  /** BOREx: the mask squares sampled so far, as (row, col, halfSize) triples. */
  samples?: Float64Array;
  /** BOREx: the prior it refines, sent once, before its first model query. */
  priorMap?: Float32Array;
}

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

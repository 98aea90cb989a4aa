/**
 * One seek at a time: the next one starts only after the browser's 'seeked' for the last, and a
 * request made meanwhile replaces any earlier waiting one (seeks are never queued, so holding a key
 * steps at the rate the browser decodes, and a drag on the scrubber shows its latest frame).
 */
export interface SeekTarget {
  /** Starts the seek that shows frame k (e.g. video.currentTime = midpoint of k). */
  seek(k: number): void;
}

export class Seeker {
  /** The frame being sought now, if a seek is in flight. */
  private inFlight: number | undefined;
  /** The frame asked for while a seek was in flight (only the latest is kept). */
  private waiting: number | undefined;

  constructor(
    private readonly target: SeekTarget,
    private readonly frames: () => number,
  ) {}

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** The frame the player is heading to: the waiting one, else the one in flight, else `shown`. */
  heading(shown: number): number {
    return this.waiting ?? this.inFlight ?? shown;
  }

  /** Go to frame k (clamped); returns the frame asked for. */
  go(k: number): number {
    const n = this.frames();
    const frame = Math.min(Math.max(Math.round(k), 0), n - 1);
    if (this.inFlight === undefined) {
      this.inFlight = frame;
      this.target.seek(frame);
    } else this.waiting = frame;
    return frame;
  }

  /**
   * A step of `delta` frames from where the player is heading. A key held down (`repeat`) while a
   * seek is in flight is dropped, so repeats come at the decode rate and never pile up.
   */
  step(delta: number, shown: number, repeat = false): number | undefined {
    if (repeat && this.busy) return undefined;
    return this.go(this.heading(shown) + delta);
  }

  /** The browser's 'seeked': start the waiting seek, if any and different from the one just done. */
  seeked(): void {
    const done = this.inFlight;
    this.inFlight = undefined;
    const next = this.waiting;
    this.waiting = undefined;
    if (next !== undefined && next !== done) this.go(next);
  }

  /** Forget everything (a new clip, or playback took over the clock). */
  reset(): void {
    this.inFlight = this.waiting = undefined;
  }
}

/**
 * Every failure the engine reports to a user is a BorexError whose kind decides the CLI exit code
 * (architecture.md: 2 usage, 3 bad input file, 4 model problem, 5 runtime failure, 130 cancelled).
 */
export type ErrorKind = 'usage' | 'bad-input' | 'model' | 'runtime' | 'cancelled';

export const EXIT_CODES: Record<ErrorKind, number> = {
  usage: 2,
  'bad-input': 3,
  model: 4,
  runtime: 5,
  cancelled: 130,
};

export class BorexError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BorexError';
  }
}

export const usageError = (message: string) => new BorexError('usage', message);
export const badInput = (file: string, problem: string, cause?: unknown) =>
  new BorexError('bad-input', `${file}: ${problem}`, { cause });
export const modelError = (file: string, problem: string, cause?: unknown) =>
  new BorexError('model', `${file}: ${problem}`, { cause });

/** Throws a 'cancelled' error if the signal has fired; call between batches of work. */
export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new BorexError('cancelled', 'cancelled');
}

/** Maps any thrown value to a BorexError so faces can print one message and exit with one code. */
export function asBorexError(err: unknown): BorexError {
  if (err instanceof BorexError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new BorexError('runtime', message, { cause: err });
}

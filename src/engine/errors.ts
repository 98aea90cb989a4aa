/**
 * Every failure the engine reports to a user is a BorexError whose kind decides the CLI exit code;
 * the kinds and their codes are declared with every other error kind in src/shared/errors.ts.
 */
import { EXIT_CODES, type EngineErrorKind } from '../shared/errors.ts';

export type ErrorKind = EngineErrorKind;
export { EXIT_CODES };

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

/**
 * The limits a user may raise by environment variable (BOREX_MAX_FILE_BYTES, BOREX_MAX_PIXELS,
 * BOREX_MAX_CLIP_PIXELS) are all read the same way: unset or empty means the default, anything
 * but a positive integer is a usage error naming the variable and what it held.
 */
import { BorexError } from './errors.ts';

/** `env[name]` as a positive integer, or `fallback` when it is unset or empty. */
export function positiveIntFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new BorexError('usage', `${name} must be a positive integer, got "${text}"`);
  return n;
}

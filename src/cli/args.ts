import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from '../engine/errors.ts';

/** parseArgs with strict checking, turning its errors into usage errors (exit code 2). */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  // `--label -1`, `--mean -0.5,0,0`: a negative number after an option that takes a value is that
  // value (parseArgs alone reads it as an option and answers with a parser message).
  const args = [...argv];
  for (let i = args.length - 2; i >= 0; i--) {
    const m = args[i].match(/^--([^=]+)$/);
    if (m && options[m[1]]?.type === 'string' && /^-\.?\d/.test(args[i + 1])) args.splice(i, 2, `${args[i]}=${args[i + 1]}`);
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err));
  }
}

export function intOption(value: string | undefined, name: string, min = 0, max?: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (max !== undefined && (!Number.isInteger(n) || n < min || n > max)) throw usageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  if (!Number.isInteger(n) || n < min) throw usageError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

export function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw usageError(`--${name} must be a number, got "${value}"`);
  return n;
}

export function choiceOption<T extends string>(value: string | undefined, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw usageError(`--${name} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

export function tripleOption(value: string | undefined, name: string): [number, number, number] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map(Number);
  if (parts.length !== 3 || !parts.every(Number.isFinite)) throw usageError(`--${name} must be three comma-separated numbers, got "${value}"`);
  return parts as [number, number, number];
}

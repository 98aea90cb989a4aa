/**
 * A tiny schema checker for every inbound API message (HTTP bodies, WebSocket frames, IPC
 * arguments, worker messages). No dependencies, so the renderer, main, preload and the engine
 * host can all use it. A schema parses `unknown` into a typed value or throws ApiError('bad-request').
 */
import { ApiError } from './errors.ts';

export type Schema<T> = (value: unknown, path: string) => T;

const fail = (path: string, expected: string, value: unknown): never => {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw new ApiError('bad-request', `${path || 'request'}: expected ${expected}, got ${got === 'string' ? JSON.stringify(String(value).slice(0, 40)) : got}`);
};

export const str = (opts: { max?: number; pattern?: RegExp } = {}): Schema<string> => (v, p) => {
  if (typeof v !== 'string') return fail(p, 'a string', v);
  if (v.length > (opts.max ?? 4096)) return fail(p, `a string of at most ${opts.max ?? 4096} characters`, v);
  if (opts.pattern && !opts.pattern.test(v)) return fail(p, `a string matching ${opts.pattern}`, v);
  return v;
};

export const num = (opts: { min?: number; max?: number; int?: boolean } = {}): Schema<number> => (v, p) => {
  const what = `${opts.int ? 'an integer' : 'a number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}${opts.max !== undefined ? ` ≤ ${opts.max}` : ''}`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail(p, what, v);
  if (opts.int && !Number.isInteger(v)) return fail(p, what, v);
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) return fail(p, what, v);
  return v;
};

export const int = (min?: number, max?: number): Schema<number> => num({ min, max, int: true });

export const bool: Schema<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'true or false', v));

export const oneOf = <const T extends readonly string[]>(choices: T): Schema<T[number]> => (v, p) =>
  typeof v === 'string' && (choices as readonly string[]).includes(v) ? (v as T[number]) : fail(p, `one of ${choices.join(', ')}`, v);

export const literal = <const T extends string>(value: T): Schema<T> => (v, p) => (v === value ? value : fail(p, JSON.stringify(value), v));

export const arr = <T>(item: Schema<T>, opts: { min?: number; max?: number } = {}): Schema<T[]> => (v, p) => {
  if (!Array.isArray(v)) return fail(p, 'an array', v);
  if (v.length < (opts.min ?? 0) || v.length > (opts.max ?? 1000)) return fail(p, `an array of ${opts.min ?? 0}–${opts.max ?? 1000} items`, v);
  return v.map((x, i) => item(x, `${p}[${i}]`));
};

export const tuple4 = <T>(item: Schema<T>): Schema<[T, T, T, T]> => (v, p) => {
  if (!Array.isArray(v) || v.length !== 4) return fail(p, 'an array of 4 items', v);
  return v.map((x, i) => item(x, `${p}[${i}]`)) as [T, T, T, T];
};

type Fields = Record<string, Schema<unknown>>;
type Optional<S> = S & { optional: true };
type Out<F extends Fields> = { [K in keyof F as F[K] extends Optional<unknown> ? never : K]: ReturnType<F[K]> } & {
  [K in keyof F as F[K] extends Optional<unknown> ? K : never]?: ReturnType<F[K]>;
};

export const optional = <T>(s: Schema<T>): Optional<Schema<T | undefined>> =>
  Object.assign((v: unknown, p: string) => (v === undefined ? undefined : s(v, p)), { optional: true as const });

/** An object with exactly these fields: unknown fields are refused, not ignored. */
export const obj = <F extends Fields>(fields: F): Schema<Out<F>> => (v, p) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
  const rec = v as Record<string, unknown>;
  // Own keys only: `constructor`, `__proto__`, `toString` are not fields because an object has them.
  for (const key of Object.keys(rec)) if (!Object.hasOwn(fields, key)) throw new ApiError('bad-request', `${p ? `${p}.` : ''}${key}: unknown field`);
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(fields)) {
    const value = schema(rec[key], p ? `${p}.${key}` : key);
    if (value !== undefined) out[key] = value;
  }
  return out as Out<F>;
};

/** A union told apart by its `type` field. */
export const tagged = <M extends Record<string, Schema<unknown>>>(variants: M): Schema<ReturnType<M[keyof M]>> => (v, p) => {
  const type = typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !Object.hasOwn(variants, type)) return fail(p ? `${p}.type` : 'type', `one of ${Object.keys(variants).join(', ')}`, type);
  return variants[type](v, p) as ReturnType<M[keyof M]>;
};

/**
 * Errors as they cross a process boundary. `kind` mirrors the engine's error kinds (usage,
 * bad-input, model, runtime, cancelled) plus the transport's own (bad-request, unauthorized,
 * not-found, busy); each has an HTTP status for serve mode.
 */
export const ERROR_KINDS = ['usage', 'bad-input', 'model', 'runtime', 'cancelled', 'bad-request', 'unauthorized', 'forbidden', 'not-found', 'too-large'] as const;
export type ApiErrorKind = (typeof ERROR_KINDS)[number];

export const HTTP_STATUS: Record<ApiErrorKind, number> = {
  usage: 400,
  'bad-request': 400,
  'bad-input': 422,
  model: 422,
  runtime: 500,
  cancelled: 409,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'too-large': 413,
};

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The JSON form of an error on the wire. */
export interface ErrorBody {
  error: { kind: ApiErrorKind; message: string };
}

/** Any thrown value as { kind, message }; engine errors keep their kind. */
export function toErrorBody(err: unknown): ErrorBody {
  const kind = typeof err === 'object' && err !== null && 'kind' in err && (ERROR_KINDS as readonly unknown[]).includes((err as { kind: unknown }).kind) ? ((err as { kind: ApiErrorKind }).kind) : 'runtime';
  const message = err instanceof Error ? err.message : String(err);
  return { error: { kind, message } };
}

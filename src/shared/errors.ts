/**
 * Every kind of error a user can be shown, declared once for every process: the engine's kinds
 * (each with the CLI's exit code) and the transport's own, each with its HTTP status in serve mode.
 * Errors cross every boundary (worker → host, IPC, HTTP, job events) as an ErrorInfo.
 */
const KINDS = {
  usage: { exit: 2, http: 400 },
  'bad-input': { exit: 3, http: 422 },
  model: { exit: 4, http: 422 },
  runtime: { exit: 5, http: 500 },
  cancelled: { exit: 130, http: 409 },
  'bad-request': { http: 400 },
  unauthorized: { http: 401 },
  forbidden: { http: 403 },
  'not-found': { http: 404 },
  'too-large': { http: 413 },
} as const satisfies Record<string, { exit?: number; http: number }>;

export type ApiErrorKind = keyof typeof KINDS;
export const ERROR_KINDS = Object.keys(KINDS) as ApiErrorKind[];
/** The kinds the engine raises (BorexError): the ones with an exit code. */
export type EngineErrorKind = { [K in ApiErrorKind]: (typeof KINDS)[K] extends { exit: number } ? K : never }[ApiErrorKind];

export const HTTP_STATUS = Object.fromEntries(ERROR_KINDS.map((k) => [k, KINDS[k].http])) as Record<ApiErrorKind, number>;
/** The CLI's exit code per engine error kind (README: 2 usage, 3 bad input file, 4 model problem, 5 runtime failure, 130 cancelled). */
export const EXIT_CODES = Object.fromEntries(ERROR_KINDS.flatMap((k) => ('exit' in KINDS[k] ? [[k, KINDS[k].exit]] : []))) as Record<EngineErrorKind, number>;

/** An error as it crosses a process boundary. */
export interface ErrorInfo {
  kind: ApiErrorKind;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The JSON form of an error on the wire (HTTP bodies, IPC replies, WebSocket frames). */
export interface ErrorBody {
  error: ErrorInfo;
}

export const isErrorKind = (kind: unknown): kind is ApiErrorKind => (ERROR_KINDS as readonly unknown[]).includes(kind);

/** Any thrown value as { kind, message }; engine errors keep their kind. */
export function toErrorInfo(err: unknown): ErrorInfo {
  const kind = typeof err === 'object' && err !== null && 'kind' in err && isErrorKind(err.kind) ? err.kind : 'runtime';
  const message = err instanceof Error ? err.message : String(err);
  return { kind, message };
}

export function toErrorBody(err: unknown): ErrorBody {
  return { error: toErrorInfo(err) };
}

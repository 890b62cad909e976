import type { ErrorCode } from './protocol';

/**
 * Why something failed. The server's acknowledgement codes ({@link ErrorCode}) plus what can go
 * wrong on the client's side of the wire.
 */
export type LiveErrorCode =
  | ErrorCode
  /** The Socket.IO connection failed for a reason other than credentials (network, server down). */
  | 'CONNECTION_ERROR'
  /** The `auth` callback threw or rejected; the client did not connect rather than fall back to Public. */
  | 'AUTH_CALLBACK_FAILED'
  /** A REST request answered with an unexpected HTTP status. */
  | 'HTTP_ERROR'
  /** A REST request could not be made (DNS, refused, aborted) or its body was not Strapi's JSON. */
  | 'NETWORK_ERROR'
  /** The server did not acknowledge a message in time. */
  | 'TIMEOUT'
  /** The client was closed with `live.close()`. */
  | 'CLOSED';

const SERVER_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'INVALID_PAYLOAD',
  'UNKNOWN_CONTENT_TYPE',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_QUERY',
  'UNAUTHORIZED',
  'DISCONNECTED',
  'LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
]);

/**
 * The one error type of the SDK: every failure an observer, the status store or a callback reports
 * is a `LiveError` with a {@link LiveErrorCode}.
 *
 * @example
 * const { error } = live.collection('api::comment.comment').getCurrentResult();
 * if (error?.code === 'FORBIDDEN') showLogin();
 */
export class LiveError extends Error {
  override readonly name = 'LiveError';
  readonly code: LiveErrorCode;
  /** HTTP status, for errors that came from a REST response. */
  readonly status: number | undefined;

  constructor(code: LiveErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}

/** Whether a string is one of the server's acknowledgement codes. */
export function isServerErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && SERVER_CODES.has(code);
}

/** Wraps anything thrown into a {@link LiveError}, keeping one that already is. */
export function toLiveError(error: unknown, fallback: LiveErrorCode = 'INTERNAL_ERROR'): LiveError {
  if (error instanceof LiveError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LiveError(fallback, message, { cause: error });
}

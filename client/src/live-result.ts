import type { LiveError } from './live-error';
import type { Pagination } from './rest';

/** Where a live query is, TanStack Query's way: `pending` until its first read, then `success` or `error`. */
export type LiveStatus = 'pending' | 'success' | 'error';

export interface LiveResultBase {
  /** True while the data is being kept current: subscribed, connected and read since the last resubscribe. */
  readonly isLive: boolean;
  /** True while a REST read for this query is in flight. */
  readonly isFetching: boolean;
  /** `meta.pagination` of a paginated collection, kept current with the page. */
  readonly pagination?: Pagination;
}

/** Nothing read yet (and nothing failed). */
export interface LivePendingResult extends LiveResultBase {
  readonly status: 'pending';
  readonly data: undefined;
  readonly error: null;
}

/** Read, and kept current while `isLive`. */
export interface LiveSuccessResult<TData> extends LiveResultBase {
  readonly status: 'success';
  /** The documents: a list for a collection, the document or null for an entity. */
  readonly data: TData;
  readonly error: null;
}

/** Failed; `data` is what was read before the failure, if anything. The query retries where it can. */
export interface LiveErrorResult<TData> extends LiveResultBase {
  readonly status: 'error';
  readonly data: TData | undefined;
  readonly error: LiveError;
}

/**
 * An immutable snapshot of a live query; a new object whenever anything in it changes, the same
 * object otherwise. Narrowed by `status`: `'success'` ⇒ `data` is defined, `'error'` ⇒ `error` is.
 *
 * @example
 * const result = live.collection('api::article.article').getCurrentResult();
 * if (result.status === 'success') render(result.data);
 * else if (result.status === 'error') showError(result.error.message);
 */
export type LiveResult<TData> = LivePendingResult | LiveSuccessResult<TData> | LiveErrorResult<TData>;

/**
 * The frozen snapshot for `data` and `error`: a failure makes it `error`, no data yet `pending`,
 * anything else `success`, so the status can never disagree with what it narrows.
 */
export function toLiveResult<TData>(data: TData | undefined, error: LiveError | null, base: LiveResultBase): LiveResult<TData> {
  if (error) return Object.freeze({ ...base, status: 'error', data, error });
  if (data === undefined) return Object.freeze({ ...base, status: 'pending', data: undefined, error: null });
  return Object.freeze({ ...base, status: 'success', data, error: null });
}

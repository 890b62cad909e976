import type { LiveError } from './live-error';
import type { Pagination } from './rest';

/** Where a live query is, TanStack Query's way: `pending` until its first read, then `success` or `error`. */
export type LiveStatus = 'pending' | 'success' | 'error';

/**
 * An immutable snapshot of a live query; a new object whenever anything in it changes, the same
 * object otherwise.
 */
export interface LiveResult<TData> {
  /** The documents (a list for a collection, the document or null for an entity); undefined while pending. */
  readonly data: TData | undefined;
  readonly status: LiveStatus;
  /** The last failure, null once it recovered. */
  readonly error: LiveError | null;
  /** True while the data is being kept current: subscribed, connected and read since the last resubscribe. */
  readonly isLive: boolean;
  /** True while a REST read for this query is in flight. */
  readonly isFetching: boolean;
  /** `meta.pagination` of a paginated collection, kept current with the page. */
  readonly pagination?: Pagination;
}

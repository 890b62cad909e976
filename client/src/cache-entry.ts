import { QueryObserver } from '@tanstack/query-core';
import type { QueryClient } from '@tanstack/query-core';
import type { LiveError } from './live-error';
import { shareDocuments } from './structural-sharing';

/**
 * A live query's entry in the TanStack Query cache: where its data lives, so that an app reading
 * the same `QueryClient` sees it. `queryHash` is `hashKey(queryKey)`: the entry is found by it
 * without hashing the key again on every event (a client with its own `queryKeyHashFn` goes the
 * long way, through the key).
 */
export function createCacheEntry(queryClient: QueryClient, queryKey: readonly unknown[], queryHash: string) {
  let release: (() => void) | undefined;
  /** Data being written that is shared with what the cache holds already (see `write`). */
  let preShared: unknown;
  // Documents that did not change keep their identity, wherever they moved: one pass over every
  // document, unless the writer did the sharing itself.
  const structuralSharing = (previous: unknown, next: unknown): unknown => (next === preShared ? next : shareDocuments(previous, next));
  const query = () => queryClient.getQueryCache().get(queryHash);

  return {
    /** The cached data, undefined if there is none. */
    read(): unknown {
      const entry = query();
      return entry ? entry.state.data : queryClient.getQueryData(queryKey);
    },

    /** Keeps TanStack Query from collecting the entry while the query is live (an observer on it). */
    hold(): void {
      if (release) return;
      const observer = new QueryObserver(queryClient, {
        queryKey,
        queryFn: () => queryClient.getQueryData(queryKey) ?? null,
        enabled: false,
        staleTime: Infinity,
        structuralSharing,
      });
      release = observer.subscribe(() => {});
    },

    /** Lets TanStack Query collect the entry after its `gcTime`. */
    let(): void {
      release?.();
      release = undefined;
    },

    /**
     * Stores new data; returns what the cache holds (structurally shared with the previous data).
     * `shared`: every document in `data` is one the cache holds or was shared with the one it
     * replaces already (a live query's events), so the cache stores it as it is.
     */
    write(data: unknown, shared = false): unknown {
      preShared = shared ? data : undefined;
      try {
        // What setQueryData does once it has found the entry (data is never undefined here).
        const entry = query();
        if (entry) return entry.setData(data, { manual: true });
        queryClient.setQueryData(queryKey, data);
      } finally {
        preShared = undefined;
      }
      return queryClient.getQueryData(queryKey);
    },

    /** Marks the entry failed, TanStack Query's way; `clearData` also drops its data. */
    fail(error: LiveError, clearData: boolean): void {
      const query = queryClient.getQueryCache().find({ queryKey, exact: true });
      if (!query || (query.state.error === error && (!clearData || query.state.data === undefined))) return;
      query.setState({
        status: 'error',
        error,
        errorUpdatedAt: Date.now(),
        errorUpdateCount: query.state.errorUpdateCount + 1,
        fetchStatus: 'idle',
        ...(clearData ? { data: undefined, dataUpdatedAt: 0 } : {}),
      });
    },
  };
}

export type CacheEntry = ReturnType<typeof createCacheEntry>;

import { QueryObserver } from '@tanstack/query-core';
import type { QueryClient } from '@tanstack/query-core';
import type { LiveError } from './live-error';
import { shareDocuments } from './structural-sharing';

/**
 * A live query's entry in the TanStack Query cache: where its data lives, so that an app reading
 * the same `QueryClient` sees it.
 */
export function createCacheEntry(queryClient: QueryClient, queryKey: readonly unknown[]) {
  let release: (() => void) | undefined;

  return {
    /** The cached data, undefined if there is none. */
    read(): unknown {
      return queryClient.getQueryData(queryKey);
    },

    /** Keeps TanStack Query from collecting the entry while the query is live (an observer on it). */
    hold(): void {
      if (release) return;
      const observer = new QueryObserver(queryClient, {
        queryKey,
        queryFn: () => queryClient.getQueryData(queryKey) ?? null,
        enabled: false,
        staleTime: Infinity,
        // Documents that did not change keep their identity, wherever they moved.
        structuralSharing: shareDocuments,
      });
      release = observer.subscribe(() => {});
    },

    /** Lets TanStack Query collect the entry after its `gcTime`. */
    let(): void {
      release?.();
      release = undefined;
    },

    /** Stores new data; returns what the cache holds (structurally shared with the previous data). */
    write(data: unknown): unknown {
      queryClient.setQueryData(queryKey, data);
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

import type { LiveResult } from '../live-result';
import type { NormalizedQuery } from '../query-options';
import type { LiveQuery } from '../live-query';

/** What an observer needs from the client: shared live queries, reference-counted. */
export interface ObserverHost {
  acquire(query: NormalizedQuery): LiveQuery;
  release(live: LiveQuery): void;
  peek(query: NormalizedQuery): LiveResult<unknown>;
}

/**
 * Watches one live query, TanStack Query's way: `subscribe` starts it (the first observer of a
 * query subscribes on the server; others share that), `getCurrentResult` returns an immutable
 * snapshot that keeps its identity until something changes, and the returned function stops.
 *
 * @example
 * const observer = live.collection('api::article.article', { sort: 'title' });
 * const stop = observer.subscribe(({ data, status, isLive }) => render(data));
 * // later
 * stop();
 */
export class LiveObserver<TData> {
  private readonly host: ObserverHost;
  private readonly query: NormalizedQuery;
  private readonly listeners = new Set<(result: LiveResult<TData>) => void>();
  private live: LiveQuery | undefined;
  private stopLive: (() => void) | undefined;
  private idle: LiveResult<unknown> | undefined;

  constructor(host: ObserverHost, query: NormalizedQuery) {
    this.host = host;
    this.query = query;
  }

  /** The TanStack Query key this query's data is stored under. */
  get queryKey(): readonly unknown[] {
    return this.query.queryKey;
  }

  /**
   * Calls `listener` with every new snapshot while subscribed; returns the function that
   * unsubscribes. The last unsubscribe ends the server subscription (a moment later, so a
   * remount in the same tick, as React StrictMode does, keeps it).
   */
  subscribe(listener: (result: LiveResult<TData>) => void): () => void {
    this.listeners.add(listener);
    if (!this.live) {
      this.live = this.host.acquire(this.query);
      this.stopLive = this.live.snapshot.subscribe((result) => {
        for (const each of [...this.listeners]) each(result as LiveResult<TData>);
      });
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.listeners.delete(listener);
      if (this.listeners.size > 0 || !this.live) return;
      this.idle = this.live.snapshot.get();
      this.stopLive?.();
      this.host.release(this.live);
      this.live = undefined;
      this.stopLive = undefined;
    };
  }

  /** The current snapshot: `{ data, status, error, isLive, isFetching, pagination? }`. */
  getCurrentResult(): LiveResult<TData> {
    if (this.live) return this.live.snapshot.get() as LiveResult<TData>;
    const peeked = this.host.peek(this.query);
    // Same data, same object: a snapshot must not change identity when nothing changed.
    if (!this.idle || this.idle.data !== peeked.data || this.idle.isLive) this.idle = peeked;
    return this.idle as LiveResult<TData>;
  }

  /** Reads the query again over REST; resolves when done. Only while subscribed. */
  refetch(): Promise<void> {
    return this.live?.refetch() ?? Promise.resolve();
  }
}

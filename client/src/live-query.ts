import type { QueryClient } from '@tanstack/query-core';
import { createCacheEntry } from './cache-entry';
import type { CacheEntry } from './cache-entry';
import { emptyState, fromFetch, recordEvent, withSharedItems } from './collection-state';
import type { CollectionState } from './collection-state';
import { EventQueue } from './event-queue';
import type { EventQueueHost } from './event-queue';
import { LiveError, toLiveError } from './live-error';
import { toLiveResult } from './live-result';
import type { LiveResult } from './live-result';
import type { Logger } from './logger';
import { learnShape, planPopulate, project, samePopulateAsEvents } from './projection';
import type { PopulatePlan, Shape } from './projection';
import type { DatabaseOrder, EventMeta, RelatedInfo, RestInfo, StrapiDocument } from './protocol';
import type { NormalizedQuery, PopulateInput } from './query-options';
import { canonicalize } from './query-options';
import { readQuery, samePagination, wrongKind } from './query-reads';
import type { QueryRead } from './query-reads';
import type { RestClient } from './rest';
import { createRereadScheduler } from './reread';
import { concernsQuery } from './related';
import { createStore } from './store';
import type { ReadableStore } from './store';
import type { SubscriptionConsumer, SubscriptionRegistry } from './subscription-registry';

/** A list read in several requests may have shifted between them; read it again this many times. */
const MAX_CONSISTENT_READS = 3;
const RETRY_DELAYS = [1000, 2000, 5000, 10_000, 30_000];

const isRetryable = (error: LiveError) => error.code === 'NETWORK_ERROR' || (error.code === 'HTTP_ERROR' && (error.status ?? 0) >= 500);

/**
 * One live query (a collection, one entity, or a single type's entry): the server subscription it
 * rides on, the REST reads, the events applied in order on top of them, and its data in the
 * TanStack Query cache. Shared by every observer of the same query.
 *
 * The order of things is what keeps it correct: subscribe first; read REST once the server has
 * acknowledged; queue every event meanwhile; then apply the queued events on top of what was read
 * (the queue, its batching per tick and the applying are in event-queue.ts).
 */
export class LiveQuery<T extends StrapiDocument = StrapiDocument> implements SubscriptionConsumer {
  readonly query: NormalizedQuery;
  private readonly rest: RestClient;
  private readonly registry: SubscriptionRegistry;
  private readonly cache: CacheEntry;
  private readonly logger: Logger;
  private plan: PopulatePlan;
  private readonly store;

  private state: CollectionState<T> = emptyState();
  /** The events not yet applied to the state. */
  private readonly events: EventQueue<T>;
  private restInfo: RestInfo | undefined;
  /** Events that could not be applied locally ask for a read here: one per burst. */
  private readonly reread = createRereadScheduler(() => void this.readList());
  private shape: Shape | undefined;
  private generation = 0;
  private fetchingList = false;
  private loaded = false;
  private online = false;
  private synced = false;
  private error: LiveError | null = null;
  private retries = 0;
  /** The last read failed (and was not retried while offline). */
  private readFailed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private release: (() => void) | undefined;
  private waiters: (() => void)[] = [];
  /** The items last written to the cache. */
  private written: readonly T[] | undefined;
  /** What the cache held after the last write (the items, or for one document that document). */
  private cached: unknown;
  /**
   * The items are the cache's own documents, or documents of events already shared with them (see
   * EventQueue's apply): the cache has nothing to compare on the next write. Not after a REST read.
   */
  private sharedWithCache = false;
  /** The data was dropped (access refused): the snapshot and the cache show none. */
  private cleared = false;
  /** The query does not fit its type's kind: an error for good, holding no server subscription. */
  private refused = false;

  constructor(options: { query: NormalizedQuery; rest: RestClient; registry: SubscriptionRegistry; queryClient: QueryClient; logger: Logger }) {
    this.query = options.query;
    this.rest = options.rest;
    this.registry = options.registry;
    this.cache = createCacheEntry(options.queryClient, options.query.queryKey, options.query.queryHash);
    this.logger = options.logger;
    this.plan = planPopulate(this.query.rest.populate as PopulateInput | undefined);
    this.store = createStore<LiveResult<unknown>>(LiveQuery.peek(options.queryClient, this.query), (error) =>
      this.logger.error('An observer listener threw', error),
    );
    this.events = new EventQueue<T>(this.eventQueueHost());
  }

  /** What the event queue reads and writes of this query. */
  private eventQueueHost(): EventQueueHost<T> {
    // Accessors, not copies: the queue applies events to the state this query reads and replaces.
    const live = this;
    return {
      query: this.query,
      logger: this.logger,
      reread: this.reread,
      get state() {
        return live.state;
      },
      set state(state) {
        live.state = state;
      },
      get loaded() {
        return live.loaded;
      },
      get generation() {
        return live.generation;
      },
      project: (document) => project<T>(document, this.shape, this.plan),
      readDocument: (documentId) => this.rest.one<T>(this.restInfo!.path, documentId, this.query.rest),
      learnShape: (document) => {
        this.shape = learnShape(this.shape, [document], this.plan);
      },
      readQuery: () => void this.readList(),
      publish: () => this.publish(),
    };
  }

  /** The snapshot of a query nobody observes yet: cached data if there is some, else pending. */
  static peek(queryClient: QueryClient, query: NormalizedQuery): LiveResult<unknown> {
    const cached = queryClient.getQueryData(query.queryKey);
    return toLiveResult(cached, null, { isLive: false, isFetching: false });
  }

  get snapshot(): ReadableStore<LiveResult<unknown>> {
    return this.store;
  }

  start(): void {
    if (this.release || this.refused) return;
    this.cache.hold();
    // Its populate, so that the server tells this socket of changes to what the reads show populated.
    const release = this.registry.acquire(this.query.server, this.query.serverHash, this, this.query.rest.populate);
    // An active subscription answers at once (onActive during acquire): refused already, hold nothing.
    if (this.refused) release();
    else this.release = release;
  }

  stop(): void {
    this.events.flush();
    this.generation += 1;
    this.reread.cancel();
    this.fetchingList = false;
    this.settleWaiters();
    clearTimeout(this.retryTimer);
    this.release?.();
    this.release = undefined;
    this.cache.let();
    this.online = false;
    this.events.clear();
    this.publish();
  }

  /** Reads the query again over REST (events meanwhile are queued and applied on top). */
  refetch(): Promise<void> {
    this.events.flush();
    if (!this.restInfo) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    void this.readList();
    return done;
  }

  // SubscriptionConsumer. Each entry point but onEvent first applies the events queued this tick,
  // so that what it does follows them, as it did when each event was applied on arrival.

  onActive(rest: RestInfo, order?: DatabaseOrder): void {
    this.events.flush();
    const refusal = wrongKind(this.query, rest);
    if (refusal) {
      this.refuse(refusal);
      return;
    }
    this.restInfo = rest;
    // The server says what its events populate: a query that reads exactly that takes them as they are.
    if (samePopulateAsEvents(this.query.rest, rest.populate, canonicalize)) this.plan = { kind: 'exact' };
    else if (this.plan.kind === 'exact') this.plan = planPopulate(this.query.rest.populate as PopulateInput | undefined);
    this.events.order = order;
    this.online = true;
    this.synced = false;
    this.retries = 0;
    void this.readList();
  }

  onEvent(document: unknown, meta: EventMeta): void {
    if (this.refused) return;
    // Applied in a microtask with the rest of this tick's events (see EventQueue).
    this.events.push({ document, meta, duringFetch: this.fetchingList });
    // A read is about to start: this event is part of the burst it reads (and puts it off a little).
    if (this.reread.pending) this.reread.request();
  }

  onOffline(): void {
    this.events.flush();
    this.online = false;
    this.publish();
  }

  onResync(): void {
    this.events.flush();
    if (this.loaded) void this.refetch();
  }

  /** Whether REST reads of this query show related documents at all. */
  private get populates(): boolean {
    return this.plan.kind !== 'simple' || this.plan.keys.size > 0;
  }

  onRelated(info: RelatedInfo): void {
    this.events.flush();
    // Only a query it concerns reads again (see concernsQuery): once for a burst, like other re-reads.
    if (!this.loaded || !concernsQuery(info, this.query.uid, this.state.items, this.populates)) return;
    this.events.held = true;
    this.reread.request();
  }

  onRecovered(): void {
    this.events.flush();
    this.online = true;
    if (this.readFailed) void this.readList();
    this.publish();
  }

  onConnectionError(error: LiveError): void {
    this.events.flush();
    // A query that has shown data keeps it (not live) while Socket.IO reconnects; one that has
    // read nothing yet says why it has nothing, instead of staying pending.
    if (this.loaded) return;
    this.error = error;
    this.publish();
  }

  onError(error: LiveError): void {
    this.events.flush();
    this.error = error;
    // Refused or ended by the server: no events come for it.
    this.online = false;
    if (error.code === 'FORBIDDEN' || error.code === 'UNAUTHORIZED') {
      // The principal may not read this (any more): do not keep showing what another could.
      this.state = fromFetch(this.state, [], undefined);
      this.sharedWithCache = false;
      this.loaded = false;
      this.written = undefined;
      this.cleared = true;
    }
    this.publish();
  }

  /**
   * A mistake in the app, not a state of the server: say so, and let the server subscription go
   * (another query may still share it), so no events pile up for a query that cannot apply them.
   */
  private refuse(error: LiveError): void {
    this.refused = true;
    this.events.clear();
    this.release?.();
    this.release = undefined;
    this.onError(error);
  }

  // Reading and applying

  private async readList(attempt = 1): Promise<void> {
    this.events.flush();
    const rest = this.restInfo;
    if (!rest) return;
    const generation = ++this.generation;
    clearTimeout(this.retryTimer);
    this.reread.cancel();
    // What arrived before this read was sent is in what it returns: remember it, do not apply it.
    for (const { meta } of this.events.takeAll()) this.state = recordEvent(this.state, meta);
    this.fetchingList = true;
    this.events.held = true;
    this.publish();
    let read: QueryRead<T>;
    try {
      read = await readQuery<T>(this.rest, this.query, rest);
    } catch (caught) {
      if (generation !== this.generation) return;
      const error = toLiveError(caught, 'NETWORK_ERROR');
      this.fetchingList = false;
      this.events.held = false;
      this.error = error;
      this.logger.warn(`reading ${this.query.uid} failed: ${error.message}`);
      this.readFailed = true;
      // Offline, the server is likely down too: the read is made again once it is back
      // (onRecovered; a new session reads anyway), not on a schedule against a dead server.
      if (isRetryable(error) && this.release && this.online) {
        const delay = RETRY_DELAYS[Math.min(this.retries, RETRY_DELAYS.length - 1)]!;
        this.retries += 1;
        this.retryTimer = setTimeout(() => void this.readList(), delay);
      }
      this.publish();
      this.settleWaiters();
      return;
    }
    if (generation !== this.generation) return;
    const moved = this.events.some(({ meta }) => meta.action !== 'update');
    if (read.pages > 1 && moved && attempt < MAX_CONSISTENT_READS) {
      // Pages read apart while documents entered or left: a document may have slipped between them.
      return this.readList(attempt + 1);
    }
    this.retries = 0;
    this.readFailed = false;
    this.shape = learnShape(this.shape, read.items, this.plan);
    this.state = fromFetch(this.state, read.items, read.pagination);
    this.sharedWithCache = false;
    this.fetchingList = false;
    this.events.held = false;
    this.loaded = true;
    this.synced = true;
    this.error = null;
    this.publish();
    this.settleWaiters();
    this.events.pump();
  }

  private settleWaiters(): void {
    if (this.fetchingList) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** An entity or a single type: the data is one document or null, not a list. */
  private get holdsOne(): boolean {
    return this.query.kind !== 'collection';
  }

  private publish(): void {
    const previous = this.store.get();
    let data = previous.data;
    if (this.cleared) data = undefined;
    if (this.loaded && this.written !== this.state.items) {
      this.cleared = false;
      // After events only, the cache holding what was last written: the documents are shared already.
      const shared = this.sharedWithCache && this.cache.read() === this.cached;
      data = this.cache.write(this.holdsOne ? (this.state.items[0] ?? null) : this.state.items, shared);
      this.cached = data;
      // Hold what the cache holds (structurally shared): events are then shared with the cache's
      // own documents, and the next write has nothing to compare.
      const items = this.holdsOne ? (data === null || data === undefined ? [] : [data]) : data;
      if (Array.isArray(items)) this.state = withSharedItems(this.state, items as readonly T[]);
      this.sharedWithCache = this.state.items === items;
      this.written = this.state.items;
    }
    if (this.error) this.cache.fail(this.error, this.cleared);
    const pagination = this.query.page ? this.state.pagination : undefined;
    const status = this.error ? 'error' : data === undefined ? 'pending' : 'success';
    const isLive = this.online && this.synced && this.release !== undefined;
    const isFetching = this.fetchingList;
    if (
      previous.data === data &&
      previous.status === status &&
      previous.error === this.error &&
      previous.isLive === isLive &&
      previous.isFetching === isFetching &&
      samePagination(previous.pagination, pagination)
    ) {
      return;
    }
    this.store.set(toLiveResult(data, this.error, { isLive, isFetching, ...(pagination ? { pagination: Object.freeze({ ...pagination }) } : {}) }));
  }
}

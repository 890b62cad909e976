import { applyEvent, heldDocument, isDuplicate, isStale, recordEvent } from './collection-state';
import type { CollectionState, Outcome } from './collection-state';
import { toLiveError } from './live-error';
import type { Logger } from './logger';
import type { ContentAction, DatabaseOrder, EventMeta, StrapiDocument } from './protocol';
import type { NormalizedQuery } from './query-options';
import type { RereadScheduler } from './reread';
import { shareDocument } from './structural-sharing';

/** An event off the socket, waiting for its turn to be applied. */
export interface QueuedEvent {
  document: unknown;
  meta: EventMeta;
  /** Arrived while a REST read of the query was in flight. */
  duringFetch: boolean;
}

/**
 * What the queue needs of its live query: the state that events are applied to, and what stays
 * the query's own (its REST reads, its shape, publishing to the cache and the snapshot).
 */
export interface EventQueueHost<T extends StrapiDocument> {
  readonly query: NormalizedQuery;
  readonly logger: Logger;
  /** Reads the whole query again, once for a burst. */
  readonly reread: Pick<RereadScheduler, 'request'>;
  /** The reducer state: events are applied to it, and the query's reads replace it. */
  state: CollectionState<T>;
  /** The query has been read: there is a list to apply events to. */
  readonly loaded: boolean;
  /** Moves on with every read of the query and on stop: a read of one document started before is stale. */
  readonly generation: number;
  /** An event's document in the query's REST shape; null when the event cannot tell it. */
  project(document: StrapiDocument): T | null;
  /** Reads one document over REST, with the query's parameters. */
  readDocument(documentId: string): Promise<T | null>;
  /** Learns the query's REST shape from a document read over REST. */
  learnShape(document: T): void;
  /** Reads the query again now. */
  readQuery(): void;
  /** Writes the state to the cache and the snapshot. */
  publish(): void;
}

/**
 * The events of one live query, from the socket to its state: queued as they arrive, applied in
 * order, and published together.
 *
 * The events of one tick (a burst off the socket) are applied in one microtask: one cache write,
 * one snapshot and one notification for all of them, with the same end result as one at a time.
 * The query calls `flush` before anything else it does, so that what it does follows them, as it
 * would had each event been applied on arrival.
 */
export class EventQueue<T extends StrapiDocument> {
  /**
   * Events wait instead of being applied: a read is pending or in flight (of the query, or of one
   * event's document) and what it returns comes first.
   */
  held = false;
  /** How the server's database orders (from its acknowledgement); undefined from an older server. */
  order: DatabaseOrder | undefined;

  private readonly host: EventQueueHost<T>;
  private queued: QueuedEvent[] = [];
  /** Events arrived and a microtask will apply them, all together (see push). */
  private scheduled = false;
  /** Applied events changed the list since it was last published. */
  private changed = false;

  constructor(host: EventQueueHost<T>) {
    this.host = host;
  }

  /** Queues an event; the ones of this tick are applied together in a microtask. */
  push(event: QueuedEvent): void {
    this.queued.push(event);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Applies the events queued this tick, if their microtask has not yet. */
  flush(): void {
    if (!this.scheduled) return;
    this.scheduled = false;
    this.pump();
  }

  /** Whether a queued event passes the test (the queue is left as it is). */
  some(test: (event: QueuedEvent) => boolean): boolean {
    return this.queued.some(test);
  }

  /** Forgets the queued events. */
  clear(): void {
    this.queued = [];
  }

  /** Empties the queue; returns what it held, in order of arrival. */
  takeAll(): QueuedEvent[] {
    const taken = this.queued;
    this.queued = [];
    return taken;
  }

  /**
   * Applies queued events in order, one at a time (a REST read of one document may be needed),
   * then publishes what they changed, once.
   */
  pump(): void {
    const { host } = this;
    while (!this.held && host.loaded && this.queued.length > 0) {
      const next = this.queued.shift()!;
      const { meta } = next;
      const action: ContentAction = meta.action;
      if (isDuplicate(host.state, meta) || isStale(host.state, meta)) continue;
      if (action === 'delete') {
        this.apply(next, null);
        continue;
      }
      // Another entry than the one a single type holds: which is current (an event of the old one
      // may lag a read that returned the new one) is for REST to say, not for arrival order.
      const another = host.query.kind === 'single' && host.state.items.some((item) => item.documentId !== meta.documentId);
      const document = another ? null : host.project(next.document as StrapiDocument);
      if (document) {
        this.apply(next, document);
        continue;
      }
      this.readOne(next);
    }
    if (!this.changed) return;
    this.changed = false;
    host.publish();
  }

  /** The event's document is not in this query's REST shape: read it as REST returns it. */
  private readOne(event: QueuedEvent): void {
    const { host } = this;
    if (host.query.kind === 'single') {
      // A single type is read at its path only (no `/:documentId` route), which is the whole query:
      // read it again, once for the burst. The event is part of what that read returns.
      host.state = recordEvent(host.state, event.meta);
      this.held = true;
      host.reread.request();
      return;
    }
    const generation = host.generation;
    this.held = true;
    host.readDocument(event.meta.documentId).then(
      (document) => {
        if (generation !== host.generation) return;
        this.held = false;
        if (document) host.learnShape(document);
        this.apply(event, document);
        this.pump();
      },
      (caught: unknown) => {
        if (generation !== host.generation) return;
        this.held = false;
        host.logger.warn(`reading ${host.query.uid} ${event.meta.documentId} failed: ${toLiveError(caught).message}; reading the query again`);
        host.readQuery();
      },
    );
  }

  private apply(event: QueuedEvent, document: T | null): void {
    const { host } = this;
    // Shared with the version it replaces, as the cache's structural sharing would (the whole of
    // it, if nothing changed): the cache then has nothing left to compare (see LiveQuery.publish).
    const replaced = document ? heldDocument(host.state, event.meta.documentId) : undefined;
    const shared = replaced && document ? shareDocument(replaced, document) : document;
    const { state, outcome } = applyEvent<T>(
      host.state,
      { action: event.meta.action, document: shared, meta: event.meta, ambiguous: event.duringFetch },
      { sort: host.query.sort, page: host.query.page, ...(this.order ? { order: this.order } : {}) },
    );
    this.logOutcome(event.meta, outcome);
    host.state = state;
    if (outcome === 'refetch') {
      // Hold the events that follow for the read, which starts once the burst is over.
      this.held = true;
      host.reread.request();
      return;
    }
    if (outcome === 'applied') this.changed = true;
  }

  private logOutcome(meta: EventMeta, outcome: Outcome): void {
    const { host } = this;
    host.logger.debug(
      `${host.query.queryHash} ${meta.action} ${meta.documentId} (${meta.eventId}): ${outcome}${host.state.pagination ? ` total ${host.state.pagination.total}` : ''}`,
    );
  }
}

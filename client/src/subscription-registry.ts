import type { Connection } from './connection';
import { LiveError, isServerErrorCode } from './live-error';
import type { Logger } from './logger';
import type { CollectionQuery, CollectionSubscriptionAck, DatabaseOrder, EventMeta, RelatedInfo, RestInfo, SubscribeRequest } from './protocol';
import { canonicalize } from './query-options';

/** What a server subscription tells the live queries that share it. */
export interface SubscriptionConsumer {
  /**
   * Subscribed (again): the server now sends its events; read REST and apply them on top. `order`
   * is how the server's database sorts (undefined from a server that does not say).
   */
  onActive(rest: RestInfo, order?: DatabaseOrder): void;
  /** A content event for this subscription (create = entered, update = changed, delete = left). */
  onEvent(document: unknown, meta: EventMeta): void;
  /** The connection dropped: events may be missed until {@link onRecovered} or {@link onActive}. */
  onOffline(): void;
  /** The connection came back with its session: the server replayed what was missed. */
  onRecovered(): void;
  /** The server may have missed changes (`io:resync`): read REST again, events go on. */
  onResync(): void;
  /** A document others relate to changed (`io:related`): read again if one held shows it. */
  onRelated(info: RelatedInfo): void;
  /** The server refused the subscription. */
  onError(error: LiveError): void;
  /** An attempt to connect failed; Socket.IO tries again by itself. */
  onConnectionError(error: LiveError): void;
}

interface Entry {
  hash: string;
  query: CollectionQuery;
  consumers: Set<SubscriptionConsumer>;
  /**
   * The distinct REST populates of the consumers so far, by canonical JSON, sent as `populates`
   * so that the server tells this socket of changes to what they show populated. Never shrinks:
   * the server only ever widens them, so a consumer leaving has nothing to send.
   */
  populates: Map<string, unknown>;
  /** How many of {@link populates} the subscribe in flight or last acknowledged carried. */
  sent: number;
  /** A subscribe that only adds populates is in flight (never two subscribes of one entry at once). */
  widening: boolean;
  state: 'idle' | 'subscribing' | 'active' | 'failed';
  /** Bumped on each attempt, so a late acknowledgement of an earlier one is ignored. */
  attempt: number;
  id?: string;
  rest?: RestInfo;
  order?: DatabaseOrder;
  error?: LiveError;
  retry?: ReturnType<typeof setTimeout>;
}

const PENDING_LIMIT = 1000;
/** The server's limits on `populates` (plugin/server/src/subscriptions/populated-types.ts). */
const MAX_POPULATES = 16;
const MAX_POPULATES_BYTES = 4000;

/**
 * Server subscriptions, shared and reference-counted: queries that differ only in REST options
 * (sort, populate, pagination...) and every observer of them cost one `subscribe`. Routes each
 * event to the subscriptions with the id in its `meta.subscription`, and makes the subscriptions
 * again after a reconnect that did not recover the session.
 */
export function createSubscriptionRegistry({ connection, logger, ackTimeout }: { connection: Connection; logger: Logger; ackTimeout: number }) {
  const entries = new Map<string, Entry>();
  const byId = new Map<string, Set<Entry>>();
  /** Events that arrived before the acknowledgement that says which subscription they are for. */
  let pending: { document: unknown; meta: EventMeta }[] = [];
  /** Ids released while disconnected: a recovered session still has them. */
  const releasedOffline = new Set<string>();

  function link(entry: Entry, id: string | undefined): void {
    if (entry.id !== undefined) {
      const peers = byId.get(entry.id);
      peers?.delete(entry);
      if (peers?.size === 0) byId.delete(entry.id);
    }
    entry.id = id;
    if (id !== undefined) {
      const peers = byId.get(id) ?? new Set<Entry>();
      peers.add(entry);
      byId.set(id, peers);
    }
  }

  let closed = false;

  function unsubscribe(id: string): void {
    if (closed || byId.has(id)) return; // closed, or another query maps to the same server subscription
    if (!connection.connected) {
      releasedOffline.add(id);
      return;
    }
    connection.request('unsubscribe', { id }, ackTimeout).then(
      (response) => {
        if (!response.success) logger.warn(`unsubscribe ${id} refused: ${response.error.message}`);
      },
      (error: Error) => logger.debug(`unsubscribe ${id}: ${error.message}`),
    );
  }

  /**
   * Adds a consumer's populate to its entry; true when the server has not been sent it yet. Past
   * the server's limits one is left out with a warning (the server would refuse the whole
   * subscribe, and every observer of it with it): that read is not told of related changes.
   */
  function remember(entry: Entry, populate: unknown): boolean {
    if (populate === undefined) return false;
    const key = JSON.stringify(canonicalize(populate));
    if (entry.populates.has(key)) return false;
    const bytes = [...entry.populates.keys()].reduce((sum, known) => sum + known.length + 1, key.length + 2);
    if (entry.populates.size >= MAX_POPULATES || bytes > MAX_POPULATES_BYTES) {
      logger.warn(`${entry.query.uid}: more than ${MAX_POPULATES} populates or ${MAX_POPULATES_BYTES} bytes of them on one query; reads populating ${key.slice(0, 80)} will not be told of related changes`);
      return false;
    }
    entry.populates.set(key, populate);
    return true;
  }

  /** The payload of a subscribe of the entry with every populate so far (recorded as sent). */
  function subscribePayload(entry: Entry): SubscribeRequest {
    entry.sent = entry.populates.size;
    return entry.sent === 0 ? entry.query : { ...entry.query, populates: [...entry.populates.values()] };
  }

  /**
   * Tells the server of populates brought by consumers after the entry was subscribed. The id and
   * what the server sends do not change, so the consumers (already reading) are not told anything.
   */
  function widen(entry: Entry): void {
    // Not after a release (a consumer refused in onActive releases at once): it would subscribe again.
    if (closed || entries.get(entry.hash) !== entry || entry.state !== 'active' || !connection.connected) return;
    if (entry.widening || entry.sent === entry.populates.size) return;
    const attempt = entry.attempt;
    const confirmed = entry.sent;
    entry.widening = true;
    const settle = (failure?: string) => {
      entry.widening = false;
      // Released, or subscribed anew (a new session) with every populate.
      if (entries.get(entry.hash) !== entry || entry.attempt !== attempt) return;
      if (failure === undefined) {
        widen(entry); // populates brought while this was in flight
        return;
      }
      entry.sent = confirmed; // sent again by the next widening or recovered connect
      // Lost with the connection is not worth a warning (as for a first subscribe): the reconnect sends them.
      if (connection.connected) logger.warn(`subscribe ${entry.query.uid} with more populates failed: ${failure}`);
    };
    connection.request<CollectionSubscriptionAck>('subscribe', subscribePayload(entry), ackTimeout).then(
      (response) => settle(response.success ? undefined : response.error.message),
      (error: LiveError) => settle(error.message),
    );
  }

  function subscribe(entry: Entry): void {
    clearTimeout(entry.retry);
    if (closed) return;
    if (!connection.connected) {
      entry.state = 'idle';
      return;
    }
    const attempt = ++entry.attempt;
    entry.state = 'subscribing';
    connection.request<CollectionSubscriptionAck>('subscribe', subscribePayload(entry), ackTimeout).then(
      (response) => {
        if (entries.get(entry.hash) !== entry || entry.attempt !== attempt) {
          // Released while in flight. If the same query was acquired again meanwhile, its own
          // subscribe (idempotent on the server) lands after this one: unsubscribing would end it.
          if (response.success && entries.get(entry.hash) !== entry && !entries.has(entry.hash)) unsubscribe(response.id);
          return;
        }
        if (!response.success) {
          const { code, message } = response.error;
          entry.state = 'failed';
          entry.error = new LiveError(isServerErrorCode(code) ? code : 'INTERNAL_ERROR', `subscribe ${entry.query.uid} refused: ${message}`);
          logger.warn(entry.error.message);
          for (const consumer of [...entry.consumers]) consumer.onError(entry.error);
          return;
        }
        link(entry, response.id);
        entry.rest = response.rest;
        entry.order = response.order;
        entry.state = 'active';
        entry.error = undefined;
        const claimed = pending.filter(({ meta }) => meta.subscription === response.id);
        pending = pending.filter(({ meta }) => meta.subscription !== response.id);
        if (![...entries.values()].some((other) => other.state === 'subscribing')) pending = [];
        for (const consumer of [...entry.consumers]) {
          for (const { document, meta } of claimed) consumer.onEvent(document, meta);
          consumer.onActive(response.rest, response.order);
        }
        widen(entry); // populates of consumers that joined while this was in flight
      },
      (error: LiveError) => {
        if (entries.get(entry.hash) !== entry || entry.attempt !== attempt) return;
        entry.state = 'idle';
        // Lost with the connection: made again on connect. A timeout on a live connection: try again.
        if (connection.connected) {
          logger.warn(`${error.message}; trying again`);
          entry.retry = setTimeout(() => subscribe(entry), 1000);
        }
      },
    );
  }

  connection.onContentEvent((document, meta) => {
    const id = meta.subscription;
    if (id === undefined) return;
    const targets = byId.get(id);
    if (targets && targets.size > 0) {
      for (const entry of [...targets]) for (const consumer of [...entry.consumers]) consumer.onEvent(document, meta);
      return;
    }
    if ([...entries.values()].some((entry) => entry.state === 'subscribing') && pending.length < PENDING_LIMIT) {
      pending.push({ document, meta });
    }
  });

  // Given up connecting (credentials refused, auth callback failed): every query says why.
  connection.status.subscribe(({ state, error }) => {
    if (state !== 'disconnected' || !error) return;
    for (const entry of entries.values()) {
      if (entry.state !== 'failed') for (const consumer of [...entry.consumers]) consumer.onError(error);
    }
  });

  // Not connected (yet), and Socket.IO tries again: every query says why meanwhile.
  connection.onConnectFailed((error) => {
    for (const entry of entries.values()) {
      if (entry.state !== 'failed') for (const consumer of [...entry.consumers]) consumer.onConnectionError(error);
    }
  });

  /** Tells a consumer that joins while the connection is down why it is down, if an attempt failed. */
  function reportConnection(consumer: SubscriptionConsumer): void {
    if (connection.connected) return;
    const { state, error } = connection.status.get();
    if (state === 'disconnected' && error) consumer.onError(error);
    else if (connection.connectFailure) consumer.onConnectionError(connection.connectFailure);
  }

  connection.onDisconnect(() => {
    for (const entry of entries.values()) {
      clearTimeout(entry.retry);
      for (const consumer of [...entry.consumers]) consumer.onOffline();
    }
  });

  // Ended by the server (the principal lost the right): an error on those queries, not retried
  // (subscribing again would be refused the same way) until they are acquired anew.
  connection.onSubscriptionEnded((id, error) => {
    for (const entry of [...(byId.get(id) ?? [])]) {
      link(entry, undefined);
      entry.state = 'failed';
      entry.error = error;
      for (const consumer of [...entry.consumers]) consumer.onError(error);
    }
  });

  connection.onRelated((info) => {
    for (const entry of entries.values()) {
      if (entry.state === 'active') for (const consumer of [...entry.consumers]) consumer.onRelated(info);
    }
  });

  connection.onResync(() => {
    for (const entry of entries.values()) {
      if (entry.state === 'active') for (const consumer of [...entry.consumers]) consumer.onResync();
    }
  });

  connection.onConnect((recovered) => {
    if (recovered) {
      for (const id of releasedOffline) unsubscribe(id);
      releasedOffline.clear();
      for (const entry of entries.values()) {
        if (entry.state === 'active') {
          for (const consumer of [...entry.consumers]) consumer.onRecovered();
          widen(entry); // a widening lost with the connection
        } else if (entry.state !== 'failed') subscribe(entry);
      }
      return;
    }
    // A new session: the server holds none of our subscriptions.
    releasedOffline.clear();
    pending = [];
    for (const entry of entries.values()) {
      link(entry, undefined);
      entry.attempt += 1;
      entry.state = 'idle';
    }
    for (const entry of entries.values()) subscribe(entry);
  });

  return {
    /**
     * Adds a consumer to the subscription of `query` (made if it is the first); returns the
     * function that removes it (and ends the subscription with its last consumer). `populate` is
     * the consumer's REST populate (undefined: none).
     */
    acquire(query: CollectionQuery, hash: string, consumer: SubscriptionConsumer, populate?: unknown): () => void {
      if (closed) return () => {};
      let entry = entries.get(hash);
      if (!entry) {
        entry = { hash, query, consumers: new Set(), populates: new Map(), sent: 0, widening: false, state: 'idle', attempt: 0 };
        entries.set(hash, entry);
        remember(entry, populate);
        entry.consumers.add(consumer);
        subscribe(entry);
        if (entry.state === 'idle') reportConnection(consumer);
      } else {
        // Before the consumer reads REST (in onActive below), so that the server learns what it
        // shows as early as it can. While subscribing, the acknowledgement widens it.
        if (remember(entry, populate)) widen(entry);
        entry.consumers.add(consumer);
        if (entry.state === 'active' && entry.rest) {
          consumer.onActive(entry.rest, entry.order);
          // Subscribed, but the connection is down: live again when it recovers (or resubscribes).
          if (!connection.connected) consumer.onOffline();
        }
        else if (entry.state === 'failed' && entry.error) consumer.onError(entry.error);
        else if (entry.state === 'idle') reportConnection(consumer);
      }
      const held = entry;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.consumers.delete(consumer);
        if (held.consumers.size > 0 || entries.get(hash) !== held) return;
        entries.delete(hash);
        clearTimeout(held.retry);
        held.attempt += 1;
        const id = held.id;
        link(held, undefined);
        if (id !== undefined) unsubscribe(id);
      };
    },

    /** How many server subscriptions are held (for tests and diagnostics). */
    get size(): number {
      return entries.size;
    },

    close(): void {
      closed = true;
      for (const entry of entries.values()) clearTimeout(entry.retry);
      entries.clear();
      byId.clear();
      pending = [];
    },
  };
}

export type SubscriptionRegistry = ReturnType<typeof createSubscriptionRegistry>;

import { QueryClient } from '@tanstack/query-core';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { createConnection } from './connection';
import type { AuthOption, ConnectionStatus, LiveSocket } from './connection';
import { LiveError } from './live-error';
import { LiveQuery } from './live-query';
import type { LiveResult } from './live-result';
import { defaultLogger } from './logger';
import type { Logger } from './logger';
import { LiveObserver } from './observers/live-observer';
import type { ObserverHost } from './observers/live-observer';
import type { AckError, ContentEventListener, StrapiDocument } from './protocol';
import { normalizeCollection, normalizeEntity, normalizeSingle } from './query-options';
import type { CollectionOptions, EntityOptions, NormalizedQuery } from './query-options';
import { createRestClient } from './rest';
import type { ReadableStore } from './store';
import { createSubscriptionRegistry } from './subscription-registry';
import type {
  CollectionOptionsFor,
  ContentEventHandler,
  ContentEventName,
  ContentTypeUID,
  CustomEventName,
  DocumentShape,
  EntityOptionsFor,
  ExplicitSingleTypeUid,
  ExplicitTypeEvent,
  ExplicitTypeUid,
  FieldsFor,
  PopulateFor,
  SingleTypeUID,
} from './schema';

export interface LiveClientOptions {
  /** The Strapi server's base URL, e.g. `http://localhost:1337`. REST paths come from the server. */
  url: string;
  /**
   * Handshake credentials; the same token is sent to REST as `Authorization: Bearer`. Omit (or
   * null) for the Public role. A function is called before every connect and reconnect.
   */
  auth?: AuthOption;
  /** Share the app's TanStack Query cache; a new `QueryClient` otherwise. */
  queryClient?: QueryClient;
  /** For REST reads; `globalThis.fetch` otherwise. */
  fetch?: typeof fetch;
  logger?: Logger;
  /** Passed to `io()`, e.g. `{ transports: ['websocket'] }` or `{ path }`. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** How long to wait for the server to acknowledge `subscribe`/`unsubscribe`; 10 s by default. */
  ackTimeout?: number;
}

/** The real-time client. */
export interface LiveClient {
  /**
   * A live list: the documents of `uid` matching `options`, kept equal to what
   * `GET /api/<plural>?<options>` returns. With a registered schema (see `Register`) the uid is
   * checked, `filters`/`populate`/`fields` are typed, and so are the documents, populated relations
   * included.
   *
   * @example
   * const articles = live.collection('api::article.article', {
   *   filters: { category: { slug: { $eq: 'news' } } },
   *   sort: 'publishedAt:desc',
   *   populate: ['category'],
   *   pagination: { page: 1, pageSize: 10 },
   * });
   * articles.subscribe(({ data, pagination }) => render(data, pagination));
   */
  collection<
    const TUid extends ContentTypeUID,
    const TPopulate extends PopulateFor<TUid> | undefined = undefined,
    const TFields extends FieldsFor<TUid> | undefined = undefined,
  >(
    uid: TUid,
    options?: CollectionOptionsFor<TUid, TPopulate, TFields>,
  ): LiveObserver<DocumentShape<TUid, { populate: TPopulate; fields: TFields }>[]>;
  /** A live list whose document type you give: `live.collection<Article>(uid, options)`. */
  collection<TDocument = never>(uid: ExplicitTypeUid<TDocument>, options?: CollectionOptions): LiveObserver<TDocument[]>;
  /**
   * One live document (null when it does not exist, or stops matching: unpublished, deleted).
   *
   * @example
   * live.entity('api::article.article', documentId, { populate: ['category'] })
   *   .subscribe(({ data }) => render(data));
   */
  entity<
    const TUid extends ContentTypeUID,
    const TPopulate extends PopulateFor<TUid> | undefined = undefined,
    const TFields extends FieldsFor<TUid> | undefined = undefined,
  >(
    uid: TUid,
    documentId: string,
    options?: EntityOptionsFor<TUid, TPopulate, TFields>,
  ): LiveObserver<DocumentShape<TUid, { populate: TPopulate; fields: TFields }> | null>;
  /** One live document whose type you give: `live.entity<Article>(uid, documentId)`. */
  entity<TDocument = never>(uid: ExplicitTypeUid<TDocument>, documentId: string, options?: EntityOptions): LiveObserver<TDocument | null>;
  /**
   * A live single type: its one entry in `locale` (the default locale without one) and view
   * (`status`), kept equal to what `GET /api/<singularName>?<options>` returns; null while it has
   * none (REST's 404), and followed when it is deleted and created again under another documentId.
   * With a registered schema only single types' uids are accepted, and the entry is typed.
   *
   * @example
   * const homepage = live.single('api::homepage.homepage', { locale: 'fr' });
   * homepage.subscribe(({ data, status }) => {
   *   if (status === 'success') render(data ? data.headline : 'No homepage in French yet');
   * });
   */
  single<
    const TUid extends SingleTypeUID,
    const TPopulate extends PopulateFor<TUid> | undefined = undefined,
    const TFields extends FieldsFor<TUid> | undefined = undefined,
  >(
    uid: TUid,
    options?: EntityOptionsFor<TUid, TPopulate, TFields>,
  ): LiveObserver<DocumentShape<TUid, { populate: TPopulate; fields: TFields }> | null>;
  /** A live single type whose document type you give: `live.single<Homepage>(uid, { locale })`. */
  single<TDocument = never>(uid: ExplicitSingleTypeUid<TDocument>, options?: EntityOptions): LiveObserver<TDocument | null>;
  /**
   * Listens to raw events (`article:update`, `io:error`, or an app's own). Once a live query is
   * subscribed, the server sends this connection only the events of its subscriptions.
   *
   * @example
   * const off = live.on('article:create', (article, meta) => toast(`New: ${article.title} (${meta.documentId})`));
   */
  on<const TEvent extends ContentEventName>(event: TEvent, handler: ContentEventHandler<TEvent>): () => void;
  on<TDocument extends StrapiDocument = never>(event: ExplicitTypeEvent<TDocument>, handler: ContentEventListener<TDocument>): () => void;
  on(event: 'io:error', handler: (error: AckError) => void): () => void;
  on<const TEvent extends string>(event: CustomEventName<TEvent>, handler: (...args: any[]) => void): () => void;
  /**
   * The connection's state and last error.
   *
   * @example
   * live.status.subscribe(({ state, error }) => banner(state === 'connected' ? null : error?.message ?? state));
   */
  readonly status: ReadableStore<ConnectionStatus>;
  /**
   * Connects again with other credentials (a new session: every live query subscribes again and
   * reads REST again, as the new principal).
   *
   * @example
   * live.setAuth({ strategy: 'jwt', token: session.jwt });
   */
  setAuth(auth: AuthOption): void;
  /**
   * Connects now. Not needed: the client connects on its first live query or `on()`, so a client
   * created during a server render, or created and dropped, opens nothing. After the server ended
   * the session on purpose (`strapi.$io.disconnectSocket`: status `disconnected` with a
   * `DISCONNECTED` error), this connects again.
   */
  connect(): void;
  /** Disconnects and stops every live query. */
  close(): void;
  /** The cache the data lives in. */
  readonly queryClient: QueryClient;
  /** The underlying Socket.IO socket, for an app's own events. */
  readonly socket: LiveSocket;
}

/**
 * Connects to a Strapi server running @strapi-live/plugin-io.
 *
 * @example
 * const live = createLiveClient({
 *   url: 'http://localhost:1337',
 *   auth: async () => ({ strategy: 'jwt', token: await session.freshToken() }),
 * });
 * const articles = live.collection('api::article.article', { sort: 'title' });
 * const stop = articles.subscribe(({ data, status, isLive }) => console.info(status, isLive, data));
 */
export function createLiveClient(options: LiveClientOptions): LiveClient {
  if (typeof options?.url !== 'string' || options.url === '') throw new TypeError('createLiveClient needs the Strapi server url');
  const logger = options.logger ?? defaultLogger;
  const queryClient = options.queryClient ?? new QueryClient();
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImpl !== 'function') throw new TypeError('No fetch available: pass createLiveClient({ fetch })');
  const ackTimeout = options.ackTimeout ?? 10_000;

  const connection = createConnection({ url: options.url, auth: options.auth, logger, socketOptions: options.socketOptions });
  const registry = createSubscriptionRegistry({ connection, logger, ackTimeout });
  const rest = createRestClient({ baseUrl: options.url.replace(/\/+$/, ''), fetch: fetchImpl, token: () => connection.token() });

  const live = new Map<string, { query: LiveQuery; refs: number; stopTimer?: ReturnType<typeof setTimeout> }>();
  let closed = false;

  const host: ObserverHost = {
    acquire(query: NormalizedQuery): LiveQuery {
      let entry = live.get(query.queryHash);
      if (!entry) {
        entry = { query: new LiveQuery({ query, rest, registry, queryClient, logger }), refs: 0 };
        live.set(query.queryHash, entry);
        if (closed) entry.query.onError(new LiveError('CLOSED', 'This live client was closed: create a new one'));
        else {
          connection.start();
          entry.query.start();
        }
      }
      clearTimeout(entry.stopTimer);
      entry.refs += 1;
      return entry.query;
    },
    release(query: LiveQuery): void {
      const entry = live.get(query.query.queryHash);
      if (!entry || entry.query !== query) return;
      entry.refs -= 1;
      if (entry.refs > 0) return;
      // A tick later: an unmount followed by a mount (React StrictMode) keeps the subscription.
      entry.stopTimer = setTimeout(() => {
        if (entry.refs > 0 || live.get(query.query.queryHash) !== entry) return;
        live.delete(query.query.queryHash);
        entry.query.stop();
      }, 0);
    },
    peek(query: NormalizedQuery): LiveResult<unknown> {
      return live.get(query.queryHash)?.query.snapshot.get() ?? LiveQuery.peek(queryClient, query);
    },
  };

  // No connection until something subscribes or listens: a client made during a server render, or
  // thrown away by React StrictMode's double initializer, opens nothing.
  return {
    // The overloads of LiveClient type the documents; at run time a document is whatever REST returned.
    collection(uid: string, collectionOptions?: CollectionOptions) {
      return new LiveObserver<any>(host, normalizeCollection(uid, collectionOptions));
    },
    entity(uid: string, documentId: string, entityOptions?: EntityOptions) {
      return new LiveObserver<any>(host, normalizeEntity(uid, documentId, entityOptions));
    },
    single(uid: string, singleOptions?: EntityOptions) {
      return new LiveObserver<any>(host, normalizeSingle(uid, singleOptions));
    },
    on(event: string, handler: (...args: any[]) => void) {
      if (!closed) connection.start();
      return connection.listen(event, handler);
    },
    status: connection.status,
    setAuth(auth: AuthOption) {
      connection.setAuth(auth);
    },
    connect() {
      if (!closed) connection.connect();
    },
    close() {
      if (closed) return;
      closed = true;
      // Closing the socket ends every server subscription: no unsubscribe messages.
      registry.close();
      for (const entry of live.values()) {
        clearTimeout(entry.stopTimer);
        entry.query.stop();
      }
      live.clear();
      connection.close();
    },
    queryClient,
    socket: connection.socket,
  };
}

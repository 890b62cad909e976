import type { Core } from '@strapi/strapi';
import type { CollectionSubscriptionAck, RestInfo } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import { watchedTypeOf } from '../delivery/content-types';
import type { WatchedType } from '../delivery/content-types';
import type { Audience } from '../socket/audience';
import type { DraftViewConfig } from '../config/types';
import { createPrincipalQueries } from '../limits/principal-queries';
import type { PrincipalQueries } from '../limits/principal-queries';
import type { IoServer, SocketData } from '../socket/create-server';
import { AckError } from '../socket/ack';
import { isPlainObject } from '../socket/validate-payload';
import type { SubscriberSocket } from './entity-subscriptions';
import { attributeAtPath, compileFilter, indexKeyOf } from '../live-queries/matcher';
import type { CompiledFilter } from '../live-queries/matcher';
import { dialectOf, modelsOf } from '../live-queries/model-info';
import { createQueryIndex, scopeKey } from '../live-queries/query-index';
import type { IndexedQuery, KeyOf } from '../live-queries/query-index';
import { createDatabaseOrder } from '../live-queries/database-order';
import { memoize } from '../live-queries/memoize';
import { quickQueryId, readQuery } from './query-definition';
import { populatedTypes, readPopulates } from './populated-types';
import { syncRelatedRooms } from './related-rooms';
import { createSubscriptionAccess } from './subscription-access';
import { createQueryVerdicts } from './query-verdicts';
import type { QueryDefinition } from './query-definition';
import { hasSubscriptions, parseQueryRoom, rooms, subscriptionCount } from './rooms';

/**
 * A query evaluated on this node, shared by every local socket (of any group) that asked for it.
 * It holds no list of the documents it matches: each write's before and after states decide.
 */
export interface LiveQuery extends IndexedQuery {
  def: QueryDefinition;
  compiled: CompiledFilter;
  /**
   * Its rooms on this node, by group key: one per subscription id it is held under (room name →
   * subscription id). A room that emptied is dropped a moment later (`delete-room`), or by the sweep
   * once its sockets' recovery window is over.
   */
  rooms: Map<string, Map<string, string>>;
  /** `rooms` as a flat list, made when a write first needs it after a change (a write may reach 10,000 queries). */
  roomList: QueryRoom[] | undefined;
}

/** One room of a live query: its group, and the subscription id its sockets hold the query under. */
export interface QueryRoom {
  groupKey: string;
  room: string;
  subscription: string;
}

/** The rooms of a live query, as a list. */
export function roomsOf(query: LiveQuery): QueryRoom[] {
  if (query.roomList) return query.roomList;
  const list: QueryRoom[] = [];
  for (const [groupKey, groupRooms] of query.rooms) for (const [room, subscription] of groupRooms) list.push({ groupKey, room, subscription });
  return (query.roomList = list);
}

/**
 * Collection subscriptions: `subscribe { uid, filters?, status?, locale?, populates? }`. Each distinct query is
 * compiled once per node whatever the number of subscribers, into an in-memory matcher that agrees
 * with Strapi's REST filters, and filed in an index by the values it requires, so a write tests only
 * the queries it can concern. Its events say when a document enters (`create`), changes within
 * (`update`) or leaves (`delete`) the query, decided from the document's states before and after
 * the write (see live-queries/state-loader.ts).
 *
 * A subscription's id is the connection's own counter ("1", "2"...; never reused on a connection,
 * kept across connection state recovery in `socket.data`), not the query's: ten thousand sockets
 * each on its own query mostly hold it as "1", so an event that reaches them all is one packet,
 * encoded once and stored once for recovery, as if they shared one query.
 */
export function createCollectionSubscriptions({
  strapi,
  io,
  audience,
  access,
  watched,
  maxPerSocket,
  maxQueries = Infinity,
  maxPerPrincipal = () => Infinity,
  principalQueries = createPrincipalQueries(),
  draftView = 'rest',
  stats,
  sweepEvery = 30_000,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  audience: Audience;
  access: AccessControl;
  watched: Map<string, WatchedType>;
  /** Subscriptions one socket may hold; read at each subscribe (the settings page may change it). */
  maxPerSocket: () => number;
  /** Distinct live queries this node may evaluate (`limits.liveQueriesPerNode`). */
  maxQueries?: number;
  /** Who may hold draft-view queries (`security.draftView`). */
  draftView?: DraftViewConfig;
  /** Collection subscriptions one user or token may hold (`limits.liveQueriesPerPrincipal`, read at each subscribe), and their count. */
  maxPerPrincipal?: () => number;
  principalQueries?: PrincipalQueries;
  /** Counted for tests and benchmarks: filter evaluations, and database reads for undecidable ones. */
  stats: { evaluated: number; fallbackReads: number };
  /** How often queries left only by expired recovery windows are looked for, in ms. */
  sweepEvery?: number;
}) {
  const index = createQueryIndex<LiveQuery>();
  /**
   * The queries a write must judge inside its transaction: those whose verdict may need the
   * database (see `CompiledFilter.decisive`). The others are matched on the states after the commit,
   * so a write that concerns ten thousand of them is not held open while they are.
   */
  const judgedInTransaction = createQueryIndex<LiveQuery>();

  function file(query: LiveQuery): void {
    index.add(query, query.def.uid);
    if (!query.compiled.decisive) judgedInTransaction.add(query, query.def.uid);
  }

  function unfile(query: LiveQuery): void {
    index.remove(query.def.id, query.def.uid);
    judgedInTransaction.remove(query.def.id, query.def.uid);
  }
  const models = modelsOf(strapi);
  const dialect = dialectOf(strapi);
  /** Sent with every subscribe: how to order a sort like the database (read once). */
  const databaseOrder = createDatabaseOrder(strapi, dialect);

  const typeOf = (uid: string) => watchedTypeOf(watched, uid);

  /**
   * Listens to the adapter's room events (again when an app replaced the adapter in `hooks.init`:
   * a new adapter is a new emitter).
   */
  function watchAdapter(): void {
    // Whatever puts a socket in a query room (subscribe, a move to another group after a role change,
    // a recovered session's rooms coming back) makes that group one of the query's.
    io.of('/').adapter.on('join-room', (room: string) => {
      const parsed = parseQueryRoom(room);
      const query = parsed && index.get(parsed.queryId);
      if (query) addRoom(query, parsed.groupKey, room, parsed.subscription);
    });
    // A query whose last room is gone (unsubscribed, disconnected) is forgotten: no memory, and no
    // state reads for its type's writes. A dropped socket's rooms stay live for the recovery window,
    // so the sweep below catches what `delete-room` found still held.
    io.of('/').adapter.on('delete-room', (room: string) => {
      const parsed = parseQueryRoom(room);
      if (!parsed) return;
      // A moment later: a socket moved to another group (a role change) leaves one room of the query
      // and joins another, and must find the query still there.
      setImmediate(() => {
        const query = index.get(parsed.queryId);
        if (query) prune(query);
      });
    });
  }
  watchAdapter();

  const sweep = setInterval(() => {
    for (const query of [...index.values()]) prune(query);
  }, sweepEvery);
  sweep.unref();

  /** The index key of a document's value at a path of `uid` (the matcher's notion of equality). */
  const keyOfFor = memoize((uid: string): KeyOf => {
    const attributes = memoize((path: string) => attributeAtPath(uid, path.split('.'), models));
    return (path, value) => {
      const attribute = attributes(path.join('.'));
      return attribute ? indexKeyOf(attribute, value) : undefined;
    };
  });

  async function defaultLocale(): Promise<string | undefined> {
    const locales = strapi.plugin('i18n')?.service('locales') as { getDefaultLocale?: () => Promise<string> } | undefined;
    return locales?.getDefaultLocale?.();
  }

  function restInfo(type: WatchedType): RestInfo {
    const prefix = (strapi.config.get('api.rest.prefix', '/api') as string).replace(/\/$/, '');
    const name = type.kind === 'singleType' ? type.singularName : type.pluralName;
    return {
      path: `${prefix}/${name}`,
      singularName: type.singularName,
      pluralName: type.pluralName,
      kind: type.kind,
      draftAndPublish: type.draftAndPublish,
      localized: type.localized,
      ...(type.populate !== undefined ? { populate: type.populate } : {}),
    };
  }

  /** The node's live query for a definition, compiled and filed if it is new here. */
  function ownQuery(def: QueryDefinition, locale: string | null, compiled = compileFilter(def.filters, def.uid, models, dialect)): LiveQuery {
    const existing = index.get(def.id);
    if (existing) return existing;
    const query: LiveQuery = {
      id: def.id,
      scope: scopeKey(def.uid, def.status, locale),
      paths: compiled.paths,
      ...(compiled.index ? { index: compiled.index } : {}),
      def,
      compiled,
      rooms: new Map(),
      roomList: undefined,
    };
    file(query);
    return query;
  }

  async function liveQuery(def: QueryDefinition, locale: string | undefined): Promise<LiveQuery> {
    const existing = index.get(def.id);
    if (existing) return existing;
    // Each distinct query costs memory and matching on every write of its type: a node has a cap.
    if (index.size >= maxQueries) throw new AckError('LIMIT_EXCEEDED', 'This server evaluates as many distinct live queries as it may; try again later');
    const compiled = compileFilter(def.filters, def.uid, models, dialect);
    // Left to the database on every write: make sure now that the database takes it at all (a
    // PostgreSQL type error would otherwise surface in every write of the type).
    if (!compiled.inMemory) {
      try {
        await strapi.documents(def.uid as never).findFirst({ filters: def.filters, status: def.status, ...(locale ? { locale } : {}), fields: ['documentId'] } as never);
      } catch (error) {
        throw new AckError('INVALID_QUERY', `The database refuses these filters: ${(error as Error).message.split('\n')[0]!.slice(0, 300)}`);
      }
    }
    return ownQuery(def, locale ?? null, compiled);
  }

  const { judge, matcherOf, matchesNow } = createQueryVerdicts({
    strapi,
    stats,
    // Only the queries whose verdict may need the database are judged inside the write.
    candidates: (uid, key, state) => judgedInTransaction.candidates(scopeKey(uid, key.status, key.locale), [state], keyOfFor(uid)),
  });

  function addRoom(query: LiveQuery, groupKey: string, room: string, subscription: string): void {
    let groupRooms = query.rooms.get(groupKey);
    if (!groupRooms) query.rooms.set(groupKey, (groupRooms = new Map()));
    groupRooms.set(room, subscription);
    query.roomList = undefined;
  }

  /**
   * Drops the query's rooms that nobody (connected, or about to recover) is in, and forgets the
   * query once it has none.
   */
  function prune(query: LiveQuery): void {
    for (const [groupKey, groupRooms] of query.rooms) {
      for (const room of groupRooms.keys()) if (!audience.has(room)) groupRooms.delete(room);
      if (groupRooms.size === 0) query.rooms.delete(groupKey);
    }
    query.roomList = undefined;
    if (query.rooms.size === 0) unfile(query);
  }

  /** The socket's room for a query (of its group), if it holds the query. */
  function heldRoom(socket: SubscriberSocket, groupKey: string, queryId: string): string | undefined {
    const prefix = rooms.query(groupKey, queryId, '');
    for (const room of socket.rooms) if (room.startsWith(prefix)) return room;
    return undefined;
  }

  /** The socket's room for the subscription it holds under `id`, if any. */
  function roomOfSubscription(socket: SubscriberSocket, id: string): string | undefined {
    for (const room of socket.rooms) if (parseQueryRoom(room)?.subscription === id) return room;
    return undefined;
  }

  /** Counts the collection subscriptions a socket holds towards its principal's cap. */
  function countHeld(socket: SubscriberSocket): void {
    if (socket.data.io) principalQueries.set(socket.id, socket.data.io.principal, Object.keys(socket.data.queries ?? {}).length);
  }

  const subscriptionAccess = createSubscriptionAccess({
    strapi,
    io,
    access,
    typeOf,
    draftView,
    ended: (socket, queryId) => {
      countHeld(socket);
      const query = index.get(queryId);
      if (query) prune(query);
    },
  });

  return {
    restInfo,

    async subscribe(socket: SubscriberSocket, payload: unknown): Promise<CollectionSubscriptionAck> {
      const session = socket.data.io;
      if (!session) throw new AckError('UNAUTHORIZED', 'This connection has no session');
      // Cheapest first: at its limit, a connection may only repeat a query it holds, told by the
      // payload's id before any validation (a burst of new ones costs a hash each, not a validation).
      const perSocket = maxPerSocket();
      const perPrincipal = maxPerPrincipal();
      const socketFull = subscriptionCount(socket.rooms) >= perSocket;
      if (socketFull || principalQueries.total(session.principal) >= perPrincipal) {
        const quick = quickQueryId(payload, (uid) => (watched.has(uid) ? typeOf(uid) : undefined));
        if (quick === undefined || heldRoom(socket, session.groupKey, quick) === undefined) {
          throw new AckError(
            'LIMIT_EXCEEDED',
            socketFull
              ? `A connection may hold at most ${perSocket} subscriptions; unsubscribe from some first`
              : `This user or token may hold at most ${perPrincipal} collection subscriptions over all its connections`,
          );
        }
      }
      const uid = isPlainObject(payload) && typeof payload.uid === 'string' ? payload.uid : undefined;
      if (uid !== undefined && watched.has(uid) && !(await access.canRead(session.groupKey, uid, 'find'))) {
        throw new AckError('FORBIDDEN', `This connection may not read ${uid} (it needs the find permission)`);
      }
      const populates = readPopulates(payload);
      const auth = await access.authOf(session.groupKey);
      if (!auth) throw new AckError('UNAUTHORIZED', 'This connection has no session');
      const def = await readQuery(strapi, payload, typeOf, auth);
      await subscriptionAccess.checkDraftView(def, session.groupKey, session.principal.kind);
      const held = heldRoom(socket, session.groupKey, def.id);
      if (held === undefined && subscriptionCount(socket.rooms) >= perSocket) {
        throw new AckError('LIMIT_EXCEEDED', `A connection may hold at most ${perSocket} subscriptions; unsubscribe from some first`);
      }
      // A query without a locale reads the default one, as REST does.
      const locale = typeOf(def.uid).localized ? (def.locale ?? (await defaultLocale())) : undefined;
      const query = await liveQuery(def, locale);
      // Held already (the same query again, or the subscribe of a client that did not see the
      // first acknowledgement): the same id. Otherwise the connection's next one, taken after the
      // awaits above so that concurrent subscribes never share one.
      let id = held === undefined ? undefined : parseQueryRoom(held)!.subscription;
      if (id === undefined) {
        const again = heldRoom(socket, session.groupKey, def.id);
        id = again === undefined ? String((socket.data.lastSubscription = (socket.data.lastSubscription ?? 0) + 1)) : parseQueryRoom(again)!.subscription;
      }
      const room = rooms.query(session.groupKey, def.id, id);
      // Kept with the socket, so that a node it recovers on (maybe another) can evaluate it. What
      // its reads show populated only widens: another read shape sharing it may need the rest.
      const shows = [...new Set([...(socket.data.queries?.[def.id]?.shows ?? []), ...populatedTypes(populates, def.uid, models)])].sort();
      (socket.data.queries ??= {})[def.id] = { def, locale: locale ?? null, ...(shows.length > 0 ? { shows } : {}) };
      addRoom(query, session.groupKey, room, id);
      await socket.join(room);
      await syncRelatedRooms(socket, session.groupKey);
      // Forgotten meanwhile (its last subscriber left while this one joined): file it again.
      if (!index.get(def.id)) file(query);
      countHeld(socket);
      await socket.leave(rooms.broadcast(session.groupKey));
      return { id, uid: def.uid, rest: restInfo(typeOf(def.uid)), order: await databaseOrder() };
    },

    async unsubscribe(socket: SubscriberSocket, payload: unknown): Promise<{ id: string }> {
      const session = socket.data.io;
      if (!session) throw new AckError('UNAUTHORIZED', 'This connection has no session');
      let room: string | undefined;
      let id: string;
      if (isPlainObject(payload) && typeof payload.id === 'string' && Object.keys(payload).length === 1) {
        if (!/^[\w-]{1,64}$/.test(payload.id)) throw new AckError('INVALID_PAYLOAD', 'id must be the id that subscribe acknowledged');
        id = payload.id;
        room = roomOfSubscription(socket, id);
      } else {
        const auth = await access.authOf(session.groupKey);
        if (!auth) throw new AckError('UNAUTHORIZED', 'This connection has no session');
        room = heldRoom(socket, session.groupKey, (await readQuery(strapi, payload, typeOf, auth)).id);
        id = room === undefined ? '' : parseQueryRoom(room)!.subscription;
      }
      if (room === undefined) throw new AckError('NOT_FOUND', 'This connection holds no such subscription');
      await socket.leave(room);
      if (socket.data.queries) delete socket.data.queries[parseQueryRoom(room)!.queryId];
      await syncRelatedRooms(socket, session.groupKey);
      countHeld(socket);
      if (!hasSubscriptions(socket.rooms)) await socket.join(rooms.broadcast(session.groupKey));
      const query = index.get(parseQueryRoom(room)!.queryId);
      if (query) prune(query);
      return { id };
    },

    /**
     * The live queries a document's states (before and after a write) can concern, in one view and
     * locale of its type: looked up in the index, not tested one by one. Read-only, maybe the
     * index's own set, and some may have no room left here (skip those).
     */
    forStates(uid: string, status: 'published' | 'draft', locale: string | null, states: readonly unknown[]): ReadonlySet<LiveQuery> {
      return index.candidates(scopeKey(uid, status, locale), states, keyOfFor(uid));
    },

    /** See subscription-access.ts. */
    revalidate: subscriptionAccess.revalidate,
    endType: subscriptionAccess.endType,

    /** Counts a socket's subscriptions again (a session restored here holds its queries again). */
    countHeld,

    /** Resolves when no check of subscriptions is running. */
    idle: subscriptionAccess.idle,

    /** Every live query of a view and locale of `uid` that has rooms on this node. */
    inScope(uid: string, status: 'published' | 'draft', locale: string | null): LiveQuery[] {
      return [...index.inScope(scopeKey(uid, status, locale))].filter((query) => query.rooms.size > 0);
    },

    matcherOf,
    matchesNow,
    judge,

    /**
     * Makes this node evaluate the queries of a session that recovers here from another node, for
     * its rooms, before the socket joins them (it is sent what it missed first). Returns the rooms
     * whose query the session does not carry (they would stay silent; the caller gives up).
     */
    adopt(roomsToAdopt: Iterable<string>, held: SocketData['queries']): string[] {
      const unknown: string[] = [];
      for (const room of roomsToAdopt) {
        const parsed = parseQueryRoom(room);
        if (!parsed) continue;
        const entry = held?.[parsed.queryId];
        if (!entry || entry.def.id !== parsed.queryId || !watched.has(entry.def.uid)) {
          unknown.push(room);
          continue;
        }
        addRoom(ownQuery(entry.def, entry.locale), parsed.groupKey, room, parsed.subscription);
      }
      return unknown;
    },

    /** Paths the live queries on `uid` read (what a write of `uid` must load). */
    pathsOf: (uid: string) => index.pathsOf(uid),
    hasQueries: (uid: string) => index.has(uid),
    uidsWithQueries: () => index.uids(),

    /** The server's adapter was replaced: listen to the new one's room events. */
    rewire: watchAdapter,

    /** How many live queries this node evaluates. */
    get size(): number {
      return index.size;
    },

    close(): void {
      clearInterval(sweep);
    },
  };
}

export type CollectionSubscriptions = ReturnType<typeof createCollectionSubscriptions>;

import type { Core } from '@strapi/strapi';
import type { CollectionSubscriptionAck } from '@strapi-live/client/protocol';
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
import { createDatabaseOrder } from '../live-queries/database-order';
import { dialectOf } from '../live-queries/model-info';
import { createLiveQueryRegistry } from './live-query-registry';
import { quickQueryId, readQuery } from './query-definition';
import { populatedTypes, readPopulates } from './populated-types';
import { syncRelatedRooms } from './related-rooms';
import { restInfoOf } from './rest-info';
import { createSubscriptionAccess } from './subscription-access';
import { hasSubscriptions, parseQueryRoom, rooms, subscriptionCount } from './rooms';

/**
 * Collection subscriptions: `subscribe { uid, filters?, status?, locale?, populates? }` and
 * `unsubscribe`: who may hold which query, under which id, in which room. The queries themselves
 * are live-query-registry.ts: each distinct one compiled once per node whatever the number of
 * subscribers, into an in-memory matcher that agrees with Strapi's REST filters, and filed in an
 * index by the values it requires, so a write tests only the queries it can concern. Its events say
 * when a document enters (`create`), changes within (`update`) or leaves (`delete`) the query,
 * decided from the document's states before and after the write (see live-queries/state-loader.ts).
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
  const registry = createLiveQueryRegistry({ strapi, io, audience, maxQueries, stats, sweepEvery });
  /** Sent with every subscribe: how to order a sort like the database (read once). */
  const databaseOrder = createDatabaseOrder(strapi, dialectOf(strapi));
  const typeOf = (uid: string) => watchedTypeOf(watched, uid);

  async function defaultLocale(): Promise<string | undefined> {
    const locales = strapi.plugin('i18n')?.service('locales') as { getDefaultLocale?: () => Promise<string> } | undefined;
    return locales?.getDefaultLocale?.();
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
      const query = registry.get(queryId);
      if (query) registry.prune(query);
    },
  });

  return {
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
      const query = await registry.forSubscribe(def, locale);
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
      const shows = [...new Set([...(socket.data.queries?.[def.id]?.shows ?? []), ...populatedTypes(populates, def.uid, registry.models)])].sort();
      (socket.data.queries ??= {})[def.id] = { def, locale: locale ?? null, ...(shows.length > 0 ? { shows } : {}) };
      registry.addRoom(query, session.groupKey, room, id);
      await socket.join(room);
      await syncRelatedRooms(socket, session.groupKey);
      // Forgotten meanwhile (its last subscriber left while this one joined): file it again.
      if (!registry.get(def.id)) registry.file(query);
      countHeld(socket);
      await socket.leave(rooms.broadcast(session.groupKey));
      return { id, uid: def.uid, rest: restInfoOf(strapi, typeOf(def.uid)), order: await databaseOrder() };
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
      const query = registry.get(parseQueryRoom(room)!.queryId);
      if (query) registry.prune(query);
      return { id };
    },

    forStates: registry.forStates,

    /** See subscription-access.ts. */
    revalidate: subscriptionAccess.revalidate,
    endType: subscriptionAccess.endType,

    /** Counts a socket's subscriptions again (a session restored here holds its queries again). */
    countHeld,

    /** Resolves when no check of subscriptions is running. */
    idle: subscriptionAccess.idle,

    inScope: registry.inScope,
    matcherOf: registry.matcherOf,
    matchesNow: registry.matchesNow,
    judge: registry.judge,

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
        registry.addRoom(registry.ownQuery(entry.def, entry.locale), parsed.groupKey, room, parsed.subscription);
      }
      return unknown;
    },

    pathsOf: registry.pathsOf,
    hasQueries: registry.hasQueries,
    uidsWithQueries: registry.uidsWithQueries,
    rewire: registry.rewire,

    /** How many live queries this node evaluates. */
    get size(): number {
      return registry.size;
    },

    close: registry.close,
  };
}

export type CollectionSubscriptions = ReturnType<typeof createCollectionSubscriptions>;

import type { Core } from '@strapi/strapi';
import type { Audience } from '../socket/audience';
import type { IoServer } from '../socket/create-server';
import { AckError } from '../socket/ack';
import { attributeAtPath, compileFilter, indexKeyOf } from '../live-queries/matcher';
import type { CompiledFilter } from '../live-queries/matcher';
import { dialectOf, modelsOf } from '../live-queries/model-info';
import { createQueryIndex, scopeKey } from '../live-queries/query-index';
import type { IndexedQuery, KeyOf } from '../live-queries/query-index';
import { memoize } from '../live-queries/memoize';
import { createQueryVerdicts } from './query-verdicts';
import type { QueryDefinition } from './query-definition';
import { parseQueryRoom } from './rooms';

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
 * The live queries this node evaluates: each distinct query compiled once, filed in an index by
 * the values it requires (so a write looks up the queries it can concern), kept while a room of
 * it is held here (joined through the adapter's room events, dropped when the last one goes or
 * when the recovery window of its last sockets is over), and judged against a write's states.
 * What sockets subscribe to, and who may, is collection-subscriptions.ts.
 */
export function createLiveQueryRegistry({
  strapi,
  io,
  audience,
  maxQueries,
  stats,
  sweepEvery,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  audience: Audience;
  /** Distinct live queries this node may evaluate (`limits.liveQueriesPerNode`). */
  maxQueries: number;
  /** Counted for tests and benchmarks: filter evaluations, and database reads for undecidable ones. */
  stats: { evaluated: number; fallbackReads: number };
  /** How often queries left only by expired recovery windows are looked for, in ms. */
  sweepEvery: number;
}) {
  const index = createQueryIndex<LiveQuery>();
  /**
   * The queries a write must judge inside its transaction: those whose verdict may need the
   * database (see `CompiledFilter.decisive`). The others are matched on the states after the commit,
   * so a write that concerns ten thousand of them is not held open while they are.
   */
  const judgedInTransaction = createQueryIndex<LiveQuery>();
  const models = modelsOf(strapi);
  const dialect = dialectOf(strapi);

  function file(query: LiveQuery): void {
    index.add(query, query.def.uid);
    if (!query.compiled.decisive) judgedInTransaction.add(query, query.def.uid);
  }

  function unfile(query: LiveQuery): void {
    index.remove(query.def.id, query.def.uid);
    judgedInTransaction.remove(query.def.id, query.def.uid);
  }

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

  const { judge, matcherOf, matchesNow } = createQueryVerdicts({
    strapi,
    stats,
    // Only the queries whose verdict may need the database are judged inside the write.
    candidates: (uid, key, state) => judgedInTransaction.candidates(scopeKey(uid, key.status, key.locale), [state], keyOfFor(uid)),
  });

  return {
    models,
    get: (id: string) => index.get(id),
    file,
    ownQuery,
    addRoom,
    prune,

    /** The live query a subscribe asks for: this node's, or a new one if the node may take one more. */
    async forSubscribe(def: QueryDefinition, locale: string | undefined): Promise<LiveQuery> {
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
    },

    /**
     * The live queries a document's states (before and after a write) can concern, in one view and
     * locale of its type: looked up in the index, not tested one by one. Read-only, maybe the
     * index's own set, and some may have no room left here (skip those).
     */
    forStates(uid: string, status: 'published' | 'draft', locale: string | null, states: readonly unknown[]): ReadonlySet<LiveQuery> {
      return index.candidates(scopeKey(uid, status, locale), states, keyOfFor(uid));
    },

    /** Every live query of a view and locale of `uid` that has rooms on this node. */
    inScope(uid: string, status: 'published' | 'draft', locale: string | null): LiveQuery[] {
      return [...index.inScope(scopeKey(uid, status, locale))].filter((query) => query.rooms.size > 0);
    },

    matcherOf,
    matchesNow,
    judge,

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

export type LiveQueryRegistry = ReturnType<typeof createLiveQueryRegistry>;

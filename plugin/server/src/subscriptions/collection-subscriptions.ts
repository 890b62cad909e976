import type { Core } from '@strapi/strapi';
import type { CollectionSubscriptionAck, RestInfo } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import { watchedTypeOf } from '../delivery/content-types';
import type { WatchedType } from '../delivery/content-types';
import type { Audience } from '../socket/audience';
import type { IoServer } from '../socket/create-server';
import { AckError } from '../socket/ack';
import { isPlainObject } from '../socket/validate-payload';
import type { SubscriberSocket } from './entity-subscriptions';
import { readQuery } from './query-definition';
import type { QueryDefinition } from './query-definition';
import { hasSubscriptions, parseQueryRoom, rooms, subscriptionCount } from './rooms';

/** A query evaluated on this node, shared by every local socket (of any group) that asked for it. */
export interface LiveQuery {
  def: QueryDefinition;
  /** documentIds matching the query now: what its subscribers hold. */
  members: Set<string>;
  /** Groups that have (or had) a room for it on this node. */
  groups: Set<string>;
  /** Serializes changes to `members` (a document's own change, a related re-evaluation). */
  lock: Promise<void>;
}

/** Runs `work` when no other change to this query's membership is running. */
export function withQueryLock<T>(query: LiveQuery, work: () => Promise<T>): Promise<T> {
  const run = query.lock.then(work);
  query.lock = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/**
 * Collection subscriptions: `subscribe { uid, filters?, status?, locale? }`. Each distinct query is
 * evaluated once per node whatever the number of subscribers; which documents match is decided by
 * Strapi's Document Service, so a subscription agrees with REST. Its events say when a document
 * enters (`create`), changes within (`update`) or leaves (`delete`) the query.
 */
export function createCollectionSubscriptions({
  strapi,
  io,
  audience,
  access,
  watched,
  maxPerSocket,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  audience: Audience;
  access: AccessControl;
  watched: Map<string, WatchedType>;
  maxPerSocket: number;
}) {
  const queries = new Map<string, Promise<LiveQuery>>();
  const resolved = new Map<string, LiveQuery>();

  const typeOf = (uid: string) => watchedTypeOf(watched, uid);

  // Whatever puts a socket in a query room (subscribe, a move to another group after a role change,
  // a recovered session's rooms coming back) makes that group one of the query's.
  io.of('/').adapter.on('join-room', (room: string) => {
    const parsed = parseQueryRoom(room);
    if (parsed) resolved.get(parsed.queryId)?.groups.add(parsed.groupKey);
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
    };
  }

  async function evaluateMembers(def: QueryDefinition): Promise<Set<string>> {
    const documents = (await strapi.documents(def.uid as never).findMany({
      filters: def.filters,
      status: def.status,
      ...(def.locale ? { locale: def.locale } : {}),
      fields: ['documentId'],
    } as never)) as unknown as { documentId: string }[];
    return new Set(documents.map(({ documentId }) => documentId));
  }

  function liveQuery(def: QueryDefinition): Promise<LiveQuery> {
    let query = queries.get(def.id);
    if (!query) {
      query = evaluateMembers(def).then((members) => {
        const live: LiveQuery = { def, members, groups: new Set<string>(), lock: Promise.resolve() };
        resolved.set(def.id, live);
        return live;
      });
      query.catch(() => queries.delete(def.id));
      queries.set(def.id, query);
    }
    return query;
  }

  /** Local groups with a room for this query; forgets the query once it has none. */
  function localGroups(query: LiveQuery): string[] {
    const groups = [...query.groups].filter((groupKey) => audience.has(rooms.query(groupKey, query.def.id)));
    if (groups.length === 0) {
      queries.delete(query.def.id);
      resolved.delete(query.def.id);
    }
    return groups;
  }

  return {
    restInfo,

    async subscribe(socket: SubscriberSocket, payload: unknown): Promise<CollectionSubscriptionAck> {
      const session = socket.data.io;
      if (!session) throw new AckError('UNAUTHORIZED', 'This connection has no session');
      const uid = isPlainObject(payload) && typeof payload.uid === 'string' ? payload.uid : undefined;
      if (uid !== undefined && watched.has(uid) && !(await access.canRead(session.groupKey, uid, 'find'))) {
        throw new AckError('FORBIDDEN', `This connection may not read ${uid} (it needs the find permission)`);
      }
      const auth = await access.authOf(session.groupKey);
      if (!auth) throw new AckError('UNAUTHORIZED', 'This connection has no session');
      const def = await readQuery(strapi, payload, typeOf, auth);
      const room = rooms.query(session.groupKey, def.id);
      if (!socket.rooms.has(room) && subscriptionCount(socket.rooms) >= maxPerSocket) {
        throw new AckError('LIMIT_EXCEEDED', `A connection may hold at most ${maxPerSocket} subscriptions; unsubscribe from some first`);
      }
      const query = await liveQuery(def);
      // Forgotten meanwhile (its last subscriber left while this one was being checked): keep it.
      if (!resolved.has(def.id)) {
        resolved.set(def.id, query);
        queries.set(def.id, Promise.resolve(query));
      }
      query.groups.add(session.groupKey);
      await socket.join(room);
      await socket.leave(rooms.broadcast(session.groupKey));
      return { id: def.id, uid: def.uid, rest: restInfo(typeOf(def.uid)) };
    },

    async unsubscribe(socket: SubscriberSocket, payload: unknown): Promise<{ id: string }> {
      const session = socket.data.io;
      if (!session) throw new AckError('UNAUTHORIZED', 'This connection has no session');
      let id: string;
      if (isPlainObject(payload) && typeof payload.id === 'string' && Object.keys(payload).length === 1) {
        if (!/^[\w-]{1,64}$/.test(payload.id)) throw new AckError('INVALID_PAYLOAD', 'id must be the id that subscribe acknowledged');
        id = payload.id;
      } else {
        const auth = await access.authOf(session.groupKey);
        if (!auth) throw new AckError('UNAUTHORIZED', 'This connection has no session');
        id = (await readQuery(strapi, payload, typeOf, auth)).id;
      }
      await socket.leave(rooms.query(session.groupKey, id));
      if (!hasSubscriptions(socket.rooms)) await socket.join(rooms.broadcast(session.groupKey));
      const query = resolved.get(id);
      if (query) localGroups(query);
      return { id };
    },

    /** Live queries of a type, view and locale, with the local groups subscribed to each. */
    async forChange(uid: string, status: 'published' | 'draft', locale: string | null, documentId: string): Promise<{ query: LiveQuery; groups: string[] }[]> {
      // A live entity's query cannot match another document: no need to ask the database.
      const candidates = [...resolved.values()].filter(
        ({ def }) => def.uid === uid && def.status === status && (def.onlyDocumentId === undefined || def.onlyDocumentId === documentId),
      );
      if (candidates.length === 0) return [];
      // A query without a locale reads the default one, as REST does.
      const fallback = watched.get(uid)?.localized ? await defaultLocale() : undefined;
      return candidates
        .filter(({ def }) => !watched.get(uid)?.localized || (def.locale ?? fallback) === locale)
        .map((query) => ({ query, groups: localGroups(query) }))
        .filter(({ groups }) => groups.length > 0);
    },

    /** Live queries whose filters reach `uid` through a relation. */
    dependentsOf(uid: string): { query: LiveQuery; groups: string[] }[] {
      return [...resolved.values()]
        .filter(({ def }) => def.relatedUids.has(uid))
        .map((query) => ({ query, groups: localGroups(query) }))
        .filter(({ groups }) => groups.length > 0);
    },

    /** Whether a document matches a query now (Strapi evaluates the filters). */
    async matches(def: QueryDefinition, documentId: string): Promise<boolean> {
      const found = await strapi.documents(def.uid as never).findFirst({
        filters: { $and: [def.filters, { documentId }] },
        status: def.status,
        ...(def.locale ? { locale: def.locale } : {}),
        fields: ['documentId'],
      } as never);
      return found !== null && found !== undefined;
    },

    evaluateMembers,

    /** Whether a type is referenced by a live query's filters (its writes must be captured too). */
    isReferenced(uid: string): boolean {
      for (const { def } of resolved.values()) if (def.relatedUids.has(uid)) return true;
      return false;
    },
  };
}

export type CollectionSubscriptions = ReturnType<typeof createCollectionSubscriptions>;

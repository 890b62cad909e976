import type { Core } from '@strapi/strapi';
import type { EntitySubscriptionAck } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { SocketSession } from '../auth/principal';
import type { SocketData } from '../socket/create-server';
import { watchedTypeOf } from '../delivery/content-types';
import type { WatchedType } from '../delivery/content-types';
import { AckError } from '../socket/ack';
import { readEntityPayload } from '../socket/validate-payload';
import { SINGLE_ENTRY, entityKey, hasSubscriptions, parseEntityRoom, rooms, subscriptionCount } from './rooms';

/** A socket on this node or on another one (Socket.IO's RemoteSocket): all a subscription needs. */
export interface SubscriberSocket {
  id: string;
  rooms: Set<string>;
  data: SocketData;
  join(room: string | string[]): unknown;
  leave(room: string): unknown;
}

/**
 * Subscriptions to single documents, held as rooms so that they survive connection state recovery
 * and work with any adapter. A socket with no subscription is in its group's broadcast room; its
 * first subscription takes it out, its last unsubscription puts it back.
 */
export function createEntitySubscriptions({
  strapi,
  access,
  watched,
  maxPerSocket,
}: {
  strapi: Core.Strapi;
  access: AccessControl;
  watched: Map<string, WatchedType>;
  /** Read at each subscribe: the settings page may change it. */
  maxPerSocket: () => number;
}) {
  function sessionOf(socket: SubscriberSocket): SocketSession {
    if (!socket.data.io) throw new AckError('UNAUTHORIZED', 'This connection has no session');
    return socket.data.io;
  }

  const typeOf = (uid: string) => watchedTypeOf(watched, uid);

  const findRow = (type: WatchedType, where: Record<string, unknown>) =>
    strapi.db.query(type.uid as never).findOne({ select: ['documentId'], where }) as Promise<{ documentId: string } | null>;

  /** The documentId of a row id (any row: draft or published, any locale); a documentId as it is. */
  async function documentIdOf(type: WatchedType, id: string | number): Promise<string> {
    if (typeof id === 'string') return id;
    const row = await findRow(type, { id });
    if (!row) throw new AckError('NOT_FOUND', `No ${type.singularName} has id ${id}; subscribe with its documentId`);
    return row.documentId;
  }

  /**
   * The documentId of a document this subscription can hear about, or NOT_FOUND. Existence is
   * decided as REST's `GET /api/<plural>/:documentId` decides it for a reader of the published
   * view: a draft & publish document that has no published version (never published, or
   * unpublished) is a 404 there, so it is NOT_FOUND here. Entity subscriptions deliver the
   * published view only (drafts reach collection subscriptions with `status: 'draft'`), so a
   * subscription to such a draft would hear nothing until a publish, and would look exactly like
   * a subscription to a mistyped id: answering success for it is what took sockets out of the
   * broadcast for nothing. Any locale counts: the subscription covers every locale of the document.
   */
  async function existingDocumentId(type: WatchedType, id: string | number): Promise<string> {
    const documentId = await documentIdOf(type, id);
    const published = type.draftAndPublish ? { publishedAt: { $notNull: true } } : {};
    if (await findRow(type, { documentId, ...published })) return documentId;
    // The same answer whether the row is missing or only a draft, and never the draft's documentId.
    const what = typeof id === 'number' ? `id ${id}` : `documentId "${documentId}"`;
    throw new AckError(
      'NOT_FOUND',
      type.draftAndPublish
        ? `No published ${type.singularName} has ${what}; a draft that was never published is not found, as with REST`
        : `No ${type.singularName} has ${what}`,
    );
  }

  /**
   * A single type's entry, if it has one now (any locale, any status: the subscription follows the
   * type, so it hears of a `create` when there is none yet). Its rooms are the type's, not the entry's.
   */
  async function singleEntryId(type: WatchedType, id: string | number | undefined): Promise<string | null> {
    if (id !== undefined) await documentIdOf(type, id); // a row id of another type's table is still an error
    const row = await findRow(type, {});
    return row?.documentId ?? null;
  }

  /** A collection type's document needs its id; the message says what to send. */
  function requireId(type: WatchedType, id: string | number | undefined): string | number {
    if (id === undefined) {
      throw new AckError('INVALID_PAYLOAD', `${type.uid} is a collection type: send { uid, id } with the documentId to subscribe to one of its documents`);
    }
    return id;
  }

  function assertRoomAllowed(socket: SubscriberSocket, room: string): void {
    const max = maxPerSocket();
    if (!socket.rooms.has(room) && subscriptionCount(socket.rooms) >= max) {
      throw new AckError('LIMIT_EXCEEDED', `A connection may hold at most ${max} subscriptions; unsubscribe from some first`);
    }
  }

  /** What a socket subscribed to; a single type's entry shows as documentId `'*'`. */
  function list(socket: SubscriberSocket): { uid: string; documentId: string }[] {
    return [...socket.rooms].map(parseEntityRoom).filter((entry) => entry !== null);
  }

  return {
    list,

    /** The room of everyone subscribed to a document (a single type's: the type's, whatever the documentId). */
    entityRoom(uid: string, documentId: string): string {
      const type = watched.get(uid);
      return rooms.entity(uid, type ? entityKey(type, documentId) : documentId);
    },

    async subscribe(socket: SubscriberSocket, payload: unknown): Promise<EntitySubscriptionAck> {
      const { uid, id } = readEntityPayload(payload);
      const type = typeOf(uid);
      const { groupKey } = sessionOf(socket);
      // REST reads a single type with `find` (GET /api/homepage); it has no findOne.
      const action = type.kind === 'singleType' ? 'find' : 'findOne';
      if (!(await access.canRead(groupKey, uid, action))) {
        throw new AckError('FORBIDDEN', `This connection may not read ${uid} (it needs the ${action} permission)`);
      }
      let key: string;
      let documentId: string | null;
      if (type.kind === 'singleType') {
        key = SINGLE_ENTRY;
        assertRoomAllowed(socket, rooms.entity(uid, key));
        documentId = await singleEntryId(type, id);
      } else {
        const wanted = requireId(type, id);
        // A documentId names its room at once: the limit is checked before the existence read, so a
        // socket at its limit costs no database read (a row id needs one read to know its room).
        if (typeof wanted === 'string') assertRoomAllowed(socket, rooms.entity(uid, wanted));
        key = documentId = await existingDocumentId(type, wanted);
        assertRoomAllowed(socket, rooms.entity(uid, key));
      }
      socket.join([rooms.entity(uid, key), rooms.entityOfGroup(groupKey, uid, key)]);
      socket.leave(rooms.broadcast(groupKey));
      return { uid, documentId };
    },

    async unsubscribe(socket: SubscriberSocket, payload: unknown): Promise<EntitySubscriptionAck> {
      const { uid, id } = readEntityPayload(payload);
      const type = typeOf(uid);
      const { groupKey } = sessionOf(socket);
      const single = type.kind === 'singleType';
      const documentId = single ? await singleEntryId(type, id) : await documentIdOf(type, requireId(type, id));
      const key = single ? SINGLE_ENTRY : documentId!;
      socket.leave(rooms.entity(uid, key));
      socket.leave(rooms.entityOfGroup(groupKey, uid, key));
      if (!hasSubscriptions(socket.rooms)) socket.join(rooms.broadcast(groupKey));
      return { uid, documentId };
    },
  };
}

export type EntitySubscriptions = ReturnType<typeof createEntitySubscriptions>;

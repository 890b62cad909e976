import type { Core } from '@strapi/strapi';
import type { EntitySubscriptionAck } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { SocketSession } from '../auth/principal';
import type { SocketData } from '../socket/create-server';
import { watchedTypeOf } from '../delivery/content-types';
import type { WatchedType } from '../delivery/content-types';
import { AckError } from '../socket/ack';
import { readEntityPayload } from '../socket/validate-payload';
import { hasSubscriptions, parseEntityRoom, rooms, subscriptionCount } from './rooms';

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
  maxPerSocket: number;
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

  function assertRoomAllowed(socket: SubscriberSocket, room: string): void {
    if (!socket.rooms.has(room) && subscriptionCount(socket.rooms) >= maxPerSocket) {
      throw new AckError('LIMIT_EXCEEDED', `A connection may hold at most ${maxPerSocket} subscriptions; unsubscribe from some first`);
    }
  }

  function list(socket: SubscriberSocket): { uid: string; documentId: string }[] {
    return [...socket.rooms].map(parseEntityRoom).filter((entry) => entry !== null);
  }

  return {
    list,

    async subscribe(socket: SubscriberSocket, payload: unknown): Promise<EntitySubscriptionAck> {
      const { uid, id } = readEntityPayload(payload);
      const type = typeOf(uid);
      const { groupKey } = sessionOf(socket);
      if (!(await access.canRead(groupKey, uid, 'findOne'))) {
        throw new AckError('FORBIDDEN', `This connection may not read ${uid} (it needs the findOne permission)`);
      }
      // A documentId names its room at once: the limit is checked before the existence read, so a
      // socket at its limit costs no database read (a row id needs one read to know its room).
      if (typeof id === 'string') assertRoomAllowed(socket, rooms.entity(uid, id));
      const documentId = await existingDocumentId(type, id);
      const room = rooms.entity(uid, documentId);
      assertRoomAllowed(socket, room);
      socket.join([room, rooms.entityOfGroup(groupKey, uid, documentId)]);
      socket.leave(rooms.broadcast(groupKey));
      return { uid, documentId };
    },

    async unsubscribe(socket: SubscriberSocket, payload: unknown): Promise<EntitySubscriptionAck> {
      const { uid, id } = readEntityPayload(payload);
      const type = typeOf(uid);
      const { groupKey } = sessionOf(socket);
      const documentId = await documentIdOf(type, id);
      socket.leave(rooms.entity(uid, documentId));
      socket.leave(rooms.entityOfGroup(groupKey, uid, documentId));
      if (!hasSubscriptions(socket.rooms)) socket.join(rooms.broadcast(groupKey));
      return { uid, documentId };
    },
  };
}

export type EntitySubscriptions = ReturnType<typeof createEntitySubscriptions>;

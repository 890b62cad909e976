import type { Core } from '@strapi/strapi';
import type { EntitySubscriptionAck } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { SocketSession } from '../auth/principal';
import { watchedTypeOf } from '../delivery/content-types';
import type { WatchedType } from '../delivery/content-types';
import { AckError } from '../socket/ack';
import { readEntityPayload } from '../socket/validate-payload';
import { hasSubscriptions, parseEntityRoom, rooms, subscriptionCount } from './rooms';

/** A socket on this node or on another one (Socket.IO's RemoteSocket): all a subscription needs. */
export interface SubscriberSocket {
  id: string;
  rooms: Set<string>;
  data: { io?: SocketSession };
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

  async function documentIdOf(type: WatchedType, id: string | number): Promise<string> {
    if (typeof id === 'string') return id;
    const row = (await strapi.db.query(type.uid as never).findOne({ select: ['documentId'], where: { id } })) as
      | { documentId: string }
      | null;
    if (!row) throw new AckError('NOT_FOUND', `No ${type.singularName} has id ${id}; subscribe with its documentId`);
    return row.documentId;
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
      const documentId = await documentIdOf(type, id);
      const room = rooms.entity(uid, documentId);
      if (!socket.rooms.has(room) && subscriptionCount(socket.rooms) >= maxPerSocket) {
        throw new AckError('LIMIT_EXCEEDED', `A connection may hold at most ${maxPerSocket} subscriptions; unsubscribe from some first`);
      }
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

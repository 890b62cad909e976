import type { Core } from '@strapi/strapi';
import { tellAndDisconnect } from '../socket/last-word';
import { metricsOf } from '../metrics/install-metrics';
import type { IoServer } from '../socket/create-server';
import type { Ack, EntitySubscriptionAck } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { Principal } from '../auth/principal';
import type { Delivery } from '../delivery/deliver-changes';
import type { Sessions } from '../socket/sessions';
import { ackForError, fail } from '../socket/ack';
import type { EntitySubscriptions, SubscriberSocket } from '../subscriptions/entity-subscriptions';
import { isReservedRoom, rooms } from '../subscriptions/rooms';
import { boundedClusterRequest } from '../cluster/cluster-request';
import { emitToReaders } from './emit-to-readers';
import type { ReadersEmit } from './emit-to-readers';

export interface EmitOptions<T = unknown> {
  /** Sent as `<singularName>:<event>`. */
  event: string;
  /** Content-type uid whose readers receive the data, sanitized for each of them. */
  schema: string;
  data: T;
}

export interface RawEmitOptions<T = unknown> {
  event: string;
  data: T;
  /** Only these rooms; everyone when omitted. */
  rooms?: string[];
}

export interface SocketInfo {
  id: string;
  rooms: string[];
  principal: Principal | null;
}

export interface EntitySubscription {
  uid: string;
  documentId: string;
}

type SocketLike = SubscriberSocket;

const toInfo = (socket: SocketLike): SocketInfo => ({
  id: socket.id,
  rooms: [...socket.rooms].filter((room) => room !== socket.id),
  principal: socket.data.io?.principal ?? null,
});

/**
 * `strapi.$io`: the seed plugin's helpers, plus entity subscriptions from the server side. Helpers
 * that take a socket id find it on any node (through the adapter), so they keep working with Redis.
 */
export function createIoApi({
  strapi,
  io,
  access,
  delivery,
  sessions,
  subscriptions,
  queries,
  cluster,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  access: AccessControl;
  delivery: Delivery;
  sessions: Sessions;
  subscriptions: EntitySubscriptions;
  queries: { readonly size: number; idle(): Promise<void> };
  /** Passes `emit` calls on to the other nodes, and entity subscriptions to the node of a socket. */
  cluster: { publishEmit(emit: ReadersEmit): void; onOwner(request: SocketRequest): Promise<unknown> };
}) {
  async function findSocket(socketId: string): Promise<SocketLike | undefined> {
    const local = io.of('/').sockets.get(socketId);
    if (local) return local as unknown as SocketLike;
    const [remote] = await boundedClusterRequest(strapi, `finding socket ${socketId}`, io.in(socketId).fetchSockets());
    return remote as unknown as SocketLike | undefined;
  }

  /**
   * Runs a subscription change on a socket and answers as the client's acknowledgement would. A
   * socket of another node is changed there: only its node knows its group's rights.
   */
  async function onSocket<T extends object>(request: SocketRequest, change: (socket: SocketLike) => Promise<T>): Promise<Ack<T>> {
    const socket = io.of('/').sockets.get(request.socketId) as unknown as SocketLike | undefined;
    if (!socket) {
      let answer: Ack<T> | null | undefined;
      try {
        answer = (await cluster.onOwner(request)) as Ack<T> | null | undefined;
      } catch (error) {
        // Not "no such socket": it may be on a node that could not be asked.
        strapi.log.warn(`[io] ${(error as Error).message}`);
        return fail('INTERNAL_ERROR', (error as Error).message);
      }
      return answer ?? fail('NOT_FOUND', `No connected socket ${request.socketId}`);
    }
    try {
      return { success: true, ...(await change(socket)) };
    } catch (error) {
      return ackForError(error);
    }
  }

  /** What another node's `subscribeToEntity` / `unsubscribeFromEntity` asks of this one. */
  async function onLocalSocket(request: SocketRequest): Promise<unknown> {
    if (!io.of('/').sockets.has(request.socketId)) return null;
    return request.op === 'subscribe-entity'
      ? api.subscribeToEntity(request.socketId, request.uid, request.id)
      : api.unsubscribeFromEntity(request.socketId, request.uid, request.id);
  }

  async function socketsIn(room: string): Promise<SocketInfo[]> {
    const sockets = await boundedClusterRequest(strapi, `the sockets in room ${room}`, io.in(room).fetchSockets());
    return sockets.map((socket) => toInfo(socket as unknown as SocketLike));
  }

  const api = {
    /** The Socket.IO server. @example strapi.$io.server.to('admin-room').emit('dashboard:update', stats) */
    server: io,

    /**
     * Sends `<singularName>:<event>` to every socket allowed to read `schema`, with `data` sanitized
     * for each reader as REST would.
     * @example await strapi.$io.emit({ event: 'notification', schema: 'api::article.article', data })
     */
    async emit<T>({ event, schema, data }: EmitOptions<T>): Promise<void> {
      await emitToReaders(strapi, io, access, { event, schema, data });
      cluster.publishEmit({ event, schema, data });
    },

    /**
     * Sends `data` as it is, to everyone or to `rooms`. No permission check: use it for data that is
     * not content. @example strapi.$io.raw({ event: 'notification', data: { message: 'Maintenance at 5' } })
     */
    raw<T>({ event, data, rooms: targets }: RawEmitOptions<T>): void {
      (targets?.length ? io.to(targets) : io).emit(event, data);
    },

    /** @example strapi.$io.broadcast('maintenance', { in: '5m' }) */
    broadcast<T>(event: string, data: T): void {
      io.emit(event, data);
    },

    /** @example strapi.$io.sendPrivateMessage(socketId, 'order:updated', { orderId: 123 }) */
    sendPrivateMessage<T>(socketId: string, event: string, data: T): void {
      io.to(socketId).emit(event, data);
    },

    /** @example strapi.$io.emitToNamespace('admin', 'alert', { message: 'New user registered' }) */
    emitToNamespace<T>(namespace: string, event: string, data: T): void {
      io.of(namespace.startsWith('/') ? namespace : `/${namespace}`).emit(event, data);
    },

    /**
     * Adds a socket to a room of yours; resolves false when no such socket is connected. Room names
     * starting with `$io:` belong to the plugin and are refused.
     * @example await strapi.$io.joinRoom(socketId, 'premium-users')
     */
    async joinRoom(socketId: string, room: string): Promise<boolean> {
      if (isReservedRoom(room)) throw new Error(`$io.joinRoom: rooms starting with "$io:" are reserved (got "${room}")`);
      const socket = await findSocket(socketId);
      if (!socket) return false;
      await socket.join(room);
      return true;
    },

    /** @example await strapi.$io.leaveRoom(socketId, 'premium-users') */
    async leaveRoom(socketId: string, room: string): Promise<boolean> {
      if (isReservedRoom(room)) throw new Error(`$io.leaveRoom: rooms starting with "$io:" are reserved (got "${room}")`);
      const socket = await findSocket(socketId);
      if (!socket) return false;
      await socket.leave(room);
      return true;
    },

    /** @example const sockets = await strapi.$io.getSocketsInRoom('premium-users') */
    getSocketsInRoom(room: string): Promise<SocketInfo[]> {
      return socketsIn(room);
    },

    /**
     * Disconnects a socket (on any node); it first receives `io:error` with code `DISCONNECTED` and
     * the reason as message (`UNAUTHORIZED` stays for credentials that stopped being valid).
     * @example strapi.$io.disconnectSocket(socketId, 'Kicked by admin')
     */
    async disconnectSocket(socketId: string, reason = 'Disconnected by the server'): Promise<boolean> {
      const socket = await findSocket(socketId);
      if (!socket) return false;
      const local = io.of('/').sockets.get(socketId);
      if (local) {
        tellAndDisconnect(local, { code: 'DISCONNECTED', message: reason }, (code) => metricsOf(strapi)?.error(code));
        return true;
      }
      // Another node's: both go through the adapter, in this order.
      io.to(socketId).emit('io:error', { code: 'DISCONNECTED', message: reason });
      io.in(socketId).disconnectSockets(true);
      return true;
    },

    /**
     * Subscribes a socket to one document, with the same checks as the client's `subscribe-entity`
     * (a single type needs no id).
     * @example await strapi.$io.subscribeToEntity(socketId, 'api::article.article', documentId)
     */
    async subscribeToEntity(socketId: string, uid: string, id?: string | number): Promise<Ack<EntitySubscriptionAck>> {
      return onSocket({ op: 'subscribe-entity', socketId, uid, id }, (socket) => subscriptions.subscribe(socket, { uid, id }));
    },

    /** @example await strapi.$io.unsubscribeFromEntity(socketId, 'api::article.article', documentId) */
    async unsubscribeFromEntity(socketId: string, uid: string, id?: string | number): Promise<Ack<EntitySubscriptionAck>> {
      return onSocket({ op: 'unsubscribe-entity', socketId, uid, id }, (socket) => subscriptions.unsubscribe(socket, { uid, id }));
    },

    /** @example const subs = await strapi.$io.getEntitySubscriptions(socketId) */
    async getEntitySubscriptions(socketId: string): Promise<EntitySubscription[]> {
      const socket = await findSocket(socketId);
      return socket ? subscriptions.list(socket) : [];
    },

    /**
     * Sends an event to every socket subscribed to one document, whatever its group.
     * @example strapi.$io.emitToEntity('api::article.article', documentId, 'article:typing', { user: 'ann' })
     */
    emitToEntity<T>(uid: string, documentId: string, event: string, data: T): void {
      io.to(subscriptions.entityRoom(uid, documentId)).emit(event, data);
    },

    /** @example const watchers = await strapi.$io.getEntityRoomSockets('api::article.article', documentId) */
    getEntityRoomSockets(uid: string, documentId: string): Promise<SocketInfo[]> {
      return socketsIn(subscriptions.entityRoom(uid, documentId));
    },

    /** Counters of the content-event pipeline (events emitted, sanitize calls...), and how many live queries this node evaluates. */
    stats(): Readonly<typeof delivery.stats & { liveQueries: number }> {
      return { ...delivery.stats, liveQueries: queries.size };
    },

    /** Resolves once every committed change has been delivered and every rights recheck is done. */
    async idle(): Promise<void> {
      await sessions.idle();
      await queries.idle();
      await delivery.idle();
    },
  };
  return { api, onLocalSocket };
}

/** The type of `strapi.$io`. */
export type SocketIO = ReturnType<typeof createIoApi>['api'];

/** An entity subscription change for a socket that may be on another node. */
export interface SocketRequest {
  op: 'subscribe-entity' | 'unsubscribe-entity';
  socketId: string;
  uid: string;
  /** Absent for a single type. */
  id?: string | number;
}

import type { Core } from '@strapi/strapi';
import { tellAndDisconnect } from './last-word';
import { metricsOf } from '../metrics/install-metrics';
import type { IoServer, IoSocket } from './create-server';
import type { AccessControl } from '../auth/access-control';
import type { Audience } from './audience';
import { SocketError } from '../auth/auth-error';
import { authenticateToken } from '../auth/authenticate-handshake';
import type { Authenticated } from '../auth/authenticate-handshake';
import type { Principal, SocketSession } from '../auth/principal';
import { rooms } from '../subscriptions/rooms';

// setTimeout's limit; a token valid for longer is re-armed when this fires.
const MAX_TIMER = 2 ** 31 - 1;
// Rechecks run at most this many at a time: a role deleted under 10,000 sockets must not start
// 10,000 authentications (each a database read) at once.
const RECHECK_CONCURRENCY = 16;

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * A socket's life as a principal: it joins its group's rooms when it connects, leaves them when it
 * goes, and is ended as soon as its credentials stop being valid (expiry, blocked user, revoked
 * token), without waiting for it to reconnect.
 */
export function createSessions({
  strapi,
  io,
  access,
  audience,
  gone = () => {},
}: {
  strapi: Core.Strapi;
  io: IoServer;
  access: AccessControl;
  audience: Audience;
  /** A socket is gone for good: disconnected without recovery, or its recovery window over. */
  gone?: (socketId: string) => void;
}) {
  const timers = new Map<string, NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  /** Sockets of namespaces other than '/': no rooms or groups here, but the same credential checks. */
  const others = new Set<IoSocket>();

  /** Keeps track of a recheck so that {@link idle} can wait for it. */
  function track(work: Promise<void>): Promise<void> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  }

  function end(socket: IoSocket, message: string): void {
    tellAndDisconnect(socket, { code: 'UNAUTHORIZED', message }, (code) => metricsOf(strapi)?.error(code));
  }

  function armExpiry(socket: IoSocket, principal: Principal): void {
    clearTimeout(timers.get(socket.id));
    timers.delete(socket.id);
    if (principal.kind === 'public' || principal.expiresAt === null) return;
    const expiresAt = principal.expiresAt;
    const wait = expiresAt - Date.now();
    if (wait <= 0) return end(socket, 'Credentials expired: reconnect with a fresh token');
    const timer = setTimeout(() => {
      if (Date.now() >= expiresAt) end(socket, 'Credentials expired: reconnect with a fresh token');
      else armExpiry(socket, principal);
    }, Math.min(wait, MAX_TIMER));
    timer.unref();
    timers.set(socket.id, timer);
  }

  function principalRooms(session: SocketSession): string[] {
    const { principal, groupKey } = session;
    const own = [rooms.group(groupKey)];
    if (principal.kind === 'user') own.push(rooms.user(principal.userId));
    if (principal.kind === 'api-token') own.push(rooms.token(principal.tokenId));
    return own;
  }

  /** Carries a socket's broadcast, subscription and `io:related` rooms over to another group (a user's new role). */
  function moveGroup(socket: IoSocket, from: SocketSession, to: Authenticated): void {
    const oldBroadcast = rooms.broadcast(from.groupKey);
    // Group-scoped subscription rooms: the same subscription, under the new group's key.
    const prefixes = [
      [rooms.entityPrefixOfGroup(from.groupKey), rooms.entityPrefixOfGroup(to.session.groupKey)],
      [rooms.queryPrefixOfGroup(from.groupKey), rooms.queryPrefixOfGroup(to.session.groupKey)],
      [rooms.relatedPrefixOfGroup(from.groupKey), rooms.relatedPrefixOfGroup(to.session.groupKey)],
    ] as const;
    const leaving = new Set(principalRooms(from));
    const joining = principalRooms(to.session);
    for (const room of socket.rooms) {
      const moved = prefixes.find(([oldPrefix]) => room.startsWith(oldPrefix));
      if (room === oldBroadcast) joining.push(rooms.broadcast(to.session.groupKey));
      else if (moved) joining.push(moved[1] + room.slice(moved[0].length));
      else continue;
      leaving.add(room);
    }
    for (const room of leaving) socket.leave(room);
    socket.join(joining);
    access.leave(from.groupKey);
    access.join(to.session.groupKey, to.session.principal, to.auth);
  }

  return {
    /** Called for every connection, recovered ones included (their rooms and data come back with them). */
    attach(socket: IoSocket, authenticated: Authenticated): void {
      const { session, auth } = authenticated;
      const previous = socket.recovered ? (socket.data.io as SocketSession | undefined) : undefined;
      // Back within the recovery window: its ghost's group membership is replaced by the live one.
      if (audience.forget(socket.id) && previous) access.leave(previous.groupKey);
      if (previous && previous.groupKey !== session.groupKey) {
        // Recovered after its role changed: keep its subscriptions, under its new group.
        access.join(previous.groupKey, previous.principal, auth);
        moveGroup(socket, previous, authenticated);
      } else {
        access.join(session.groupKey, session.principal, auth);
        if (!previous) socket.join([...principalRooms(session), rooms.broadcast(session.groupKey)]);
      }
      socket.data.io = session;
      armExpiry(socket, session.principal);
    },

    /**
     * The socket disconnected; if it may recover, its group and rooms stay counted for the window.
     * Returns whether it may recover.
     */
    detach(socket: IoSocket, reason: string, rooms: Iterable<string>): boolean {
      const session = socket.data.io as SocketSession | undefined;
      clearTimeout(timers.get(socket.id));
      timers.delete(socket.id);
      if (!session) return false;
      const leave = () => {
        access.leave(session.groupKey);
        gone(socket.id);
      };
      const recoverable = audience.remember(socket.id, rooms, reason, leave);
      if (!recoverable) leave();
      return recoverable;
    },

    /**
     * Authenticates a connected socket again with the credentials it connected with. Ends it if
     * they are no longer valid; moves its rooms if its group changed (a user's new role).
     */
    async recheck(socket: IoSocket): Promise<void> {
      const session = socket.data.io as SocketSession | undefined;
      if (!session?.credentials || !socket.connected) return;
      let next: Authenticated;
      try {
        next = await authenticateToken(strapi, session.credentials);
      } catch (error) {
        if (socket.connected && socket.data.io === session) end(socket, error instanceof SocketError ? error.message : 'Credentials are no longer valid');
        return;
      }
      // Gone meanwhile, or rechecked by a concurrent recheck: its group was already accounted for.
      if (!socket.connected || socket.data.io !== session) return;
      if (next.session.groupKey !== session.groupKey && !others.has(socket)) moveGroup(socket, session, next);
      socket.data.io = next.session;
      armExpiry(socket, next.session.principal);
    },

    /**
     * A socket of another namespace (an app's, or one `emitToNamespace` created): authenticated at
     * its handshake like any other, and ended the same way when its credentials expire or change.
     */
    attachOther(socket: IoSocket, authenticated: Authenticated): void {
      socket.data.io = authenticated.session;
      others.add(socket);
      armExpiry(socket, authenticated.session.principal);
      socket.once('disconnect', () => {
        others.delete(socket);
        clearTimeout(timers.get(socket.id));
        timers.delete(socket.id);
      });
    },

    /** Rechecks the sockets of this node in a room (a user's or a token's). */
    recheckRoom(room: string): Promise<void> {
      const ids = [...(io.of('/').adapter.rooms.get(room) ?? [])];
      const sockets = ids.map((id) => io.of('/').sockets.get(id)).filter((s) => s !== undefined);
      for (const other of others) if (principalRooms(other.data.io as SocketSession).includes(room)) sockets.push(other);
      return track(eachLimited(sockets, RECHECK_CONCURRENCY, (s) => this.recheck(s)));
    },

    /** Rechecks every socket of this node that connected with credentials of this kind. */
    recheckAll(kind: Principal['kind']): Promise<void> {
      const sockets = [...io.of('/').sockets.values(), ...others].filter((s) => (s.data.io as SocketSession | undefined)?.principal.kind === kind);
      return track(eachLimited(sockets, RECHECK_CONCURRENCY, (s) => this.recheck(s)));
    },

    /** Resolves when no recheck is running. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    close(): void {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      audience.close();
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

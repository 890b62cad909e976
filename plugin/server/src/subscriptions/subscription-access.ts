import type { Core } from '@strapi/strapi';
import type { AccessControl } from '../auth/access-control';
import type { DraftViewConfig } from '../config/types';
import type { WatchedType } from '../delivery/content-types';
import { AckError } from '../socket/ack';
import type { IoServer, IoSocket } from '../socket/create-server';
import type { SubscriberSocket } from './entity-subscriptions';
import { readQuery } from './query-definition';
import type { QueryDefinition } from './query-definition';
import { hasSubscriptions, parseQueryRoom, rooms } from './rooms';
import { syncRelatedRooms } from './related-rooms';

type Socket = SubscriberSocket & { emit: IoSocket['emit'] };

/**
 * Who may hold which collection subscription, beyond Strapi's filter validation: the draft view
 * (`security.draftView`), and, when a group's rights shrink, the subscriptions its sockets already
 * hold, checked again and ended when no longer allowed (`io:subscription-ended`).
 */
export function createSubscriptionAccess({
  strapi,
  io,
  access,
  typeOf,
  draftView,
  ended,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  access: AccessControl;
  typeOf: (uid: string) => WatchedType;
  draftView: DraftViewConfig;
  /** A socket left a query's room for good (its count and the query's rooms follow). */
  ended: (socket: SubscriberSocket, queryId: string) => void;
}) {
  const checking = new Set<Promise<void>>();
  function track(work: Promise<void>): Promise<void> {
    checking.add(work);
    void work.finally(() => checking.delete(work)).catch(() => {});
    return work;
  }

  /** Refuses the draft view to whom `security.draftView` does not serve it. */
  async function checkDraftView(def: QueryDefinition, groupKey: string, kind: string): Promise<void> {
    if (def.status !== 'draft' || draftView === 'rest') return;
    const allowed =
      draftView === 'none' ? false : draftView === 'authenticated' ? kind !== 'public' : await access.canRead(groupKey, def.uid, draftView.action);
    if (!allowed) throw new AckError('FORBIDDEN', `Drafts of ${def.uid} are not served to this connection`);
  }

  /** Why the group may no longer hold `def`, or undefined. */
  async function refusalOf(def: QueryDefinition, groupKey: string, kind: string): Promise<AckError | undefined> {
    if (!(await access.canRead(groupKey, def.uid, 'find'))) return new AckError('FORBIDDEN', `This connection may no longer read ${def.uid}`);
    const auth = await access.authOf(groupKey);
    try {
      if (!auth) throw new AckError('UNAUTHORIZED', 'This connection has no session');
      await readQuery(strapi, { uid: def.uid, filters: def.filters, status: def.status, ...(def.locale ? { locale: def.locale } : {}) }, typeOf, auth);
      await checkDraftView(def, groupKey, kind);
      return undefined;
    } catch (error) {
      return error instanceof AckError ? error : new AckError('INVALID_QUERY', 'These filters are no longer allowed');
    }
  }

  /** Ends each collection subscription of `socket` its group may no longer hold. */
  async function revalidateSocket(socket: Socket, groupKey: string): Promise<void> {
    for (const room of [...socket.rooms]) {
      const parsed = parseQueryRoom(room);
      const held = parsed && parsed.groupKey === groupKey ? socket.data.queries?.[parsed.queryId] : undefined;
      if (!parsed || !held) continue;
      const refusal = await refusalOf(held.def, groupKey, socket.data.io?.principal.kind ?? 'public');
      if (!refusal || !socket.rooms.has(room)) continue;
      await end(socket, room, parsed, refusal);
    }
  }

  /** Takes the socket out of a query's room for good, and tells it why. */
  async function end(socket: Socket, room: string, parsed: NonNullable<ReturnType<typeof parseQueryRoom>>, refusal: AckError): Promise<void> {
    await socket.leave(room);
    delete socket.data.queries?.[parsed.queryId];
    await syncRelatedRooms(socket, parsed.groupKey);
    if (!hasSubscriptions(socket.rooms)) await socket.join(rooms.broadcast(parsed.groupKey));
    ended(socket, parsed.queryId);
    socket.emit('io:subscription-ended', { id: parsed.subscription, code: refusal.code, message: refusal.message });
  }

  return {
    checkDraftView,

    /**
     * Checks the collection subscriptions of the groups' sockets on this node again, with the
     * groups' current rights (a permission removed, a token's scope narrowed): one its principal
     * may no longer hold (the type unreadable, a filter on what it may no longer read) is ended,
     * and the socket told (`io:subscription-ended { id, code, message }`). Until then a filter
     * through a relation would go on answering, by its events, what the principal may no longer read.
     */
    revalidate(groupKeys: Iterable<string>): Promise<void> {
      return track(
        (async () => {
          for (const groupKey of groupKeys) {
            for (const socketId of [...(io.of('/').adapter.rooms.get(rooms.group(groupKey)) ?? [])]) {
              const socket = io.of('/').sockets.get(socketId);
              if (socket) await revalidateSocket(socket as unknown as Socket, groupKey);
            }
          }
        })(),
      );
    },

    /**
     * Ends every collection subscription to `uid` held by a socket of this node, telling each
     * socket `io:subscription-ended` with `refusal` (the type stopped sending events: the settings
     * page turned it off). Sockets away for recovery find their queries unknown when they return.
     */
    endType(uid: string, refusal: AckError): Promise<void> {
      return track(
        (async () => {
          for (const socket of [...io.of('/').sockets.values()] as unknown as Socket[]) {
            // Most sockets hold no query of the type: their rooms are not looked at.
            const held = socket.data.queries;
            if (!held || !Object.values(held).some(({ def }) => def.uid === uid)) continue;
            for (const room of [...socket.rooms]) {
              const parsed = parseQueryRoom(room);
              if (parsed && socket.data.queries?.[parsed.queryId]?.def.uid === uid && socket.rooms.has(room)) await end(socket, room, parsed, refusal);
            }
          }
        })(),
      );
    },

    /** Resolves when no check of subscriptions is running. */
    async idle(): Promise<void> {
      while (checking.size > 0) await Promise.allSettled([...checking]);
    },
  };
}

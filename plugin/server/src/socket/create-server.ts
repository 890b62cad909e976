import type { Core } from '@strapi/strapi';
import { Server } from 'socket.io';
import type { ServerOptions } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@strapi-live/client/protocol';
import type { SocketSession } from '../auth/principal';
import type { ClusterEvents } from '../cluster/cluster-bus';
import type { QueryDefinition } from '../subscriptions/query-definition';
import { corsFollowingStrapi } from './cors';
import { forwardForeignUpgrades } from './forward-upgrades';

/**
 * What the plugin keeps on a socket (`socket.data`, which Socket.IO restores with a recovered
 * session): its principal, the last collection-subscription id it was given, and the queries it
 * holds (so that the node it recovers on, which may be another, can evaluate them).
 */
export interface SocketData {
  io?: SocketSession;
  lastSubscription?: number;
  queries?: Record<string, HeldQuery>;
  /** The socket's transport, kept for the monitoring page of other nodes (many nodes only; see admin/admin-channel.ts). */
  transport?: string;
}

/** A collection query a socket holds, by query id: its definition and the locale it reads. */
export interface HeldQuery {
  def: QueryDefinition;
  locale: string | null;
  /** The types its REST reads show populated (`populates`): it is told `io:related` of them. */
  shows?: string[];
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, ClusterEvents, SocketData>;

export const DEFAULT_RECOVERY = { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false };

/** How long a dropped socket may come back with its session (0 when the app turned recovery off with `false`). */
export function recoveryWindow(serverOptions: Partial<ServerOptions>): number {
  const recovery = serverOptions.connectionStateRecovery;
  if ((recovery as unknown) === false) return 0;
  return recovery?.maxDisconnectionDuration ?? DEFAULT_RECOVERY.maxDisconnectionDuration;
}

/**
 * Attaches Socket.IO to Strapi's HTTP server. Connection state recovery is on by default, so a
 * short disconnect replays what was missed, and middlewares run again on recovery so the
 * credentials are checked again. CORS follows the app's `strapi::cors` settings unless
 * `serverOptions.cors` is given, which then replaces them entirely (`false` turns CORS off).
 * `destroyUpgrade: false` leaves other upgrade requests alone, so Strapi's own `/admin/transfer`
 * websocket keeps working.
 */
export function createServer(strapi: Core.Strapi, serverOptions: Partial<ServerOptions>, adapter?: ServerOptions['adapter']): IoServer {
  const httpServer = (strapi.server as unknown as { httpServer: import('node:http').Server }).httpServer;
  const { connectionStateRecovery, cors, ...rest } = serverOptions;
  const io: IoServer = new Server(httpServer, {
    ...rest,
    cors: cors !== undefined ? cors : (corsFollowingStrapi(strapi) as unknown as ServerOptions['cors']),
    // Off when the app says false; otherwise the app's window, and always with the middlewares, so
    // a recovering socket is authenticated again (Socket.IO's own default skips them).
    connectionStateRecovery:
      (connectionStateRecovery as unknown) === false ? undefined : { ...DEFAULT_RECOVERY, ...connectionStateRecovery, skipMiddlewares: false },
    destroyUpgrade: false,
    // `redis` in the config; otherwise the app's own (serverOptions.adapter, or one set in hooks.init).
    ...(adapter ? { adapter } : {}),
  });
  forwardForeignUpgrades(httpServer, io.path());
  return io;
}

export type IoSocket = import('socket.io').Socket<ClientToServerEvents, ServerToClientEvents, ClusterEvents, SocketData>;

/**
 * Drops the recovery session Socket.IO keeps under a private session id. The in-memory adapter
 * keeps a session after restoring it, so a socket that recovered once, was then ended for good
 * (by the server, or by its client) and comes back would recover that old session: old rooms, and
 * none of the events emitted since. A session is only worth keeping until it is used or ended.
 */
export function forgetRecoverySession(io: IoServer, socket: IoSocket): void {
  const pid = (socket as unknown as { pid?: string }).pid;
  const sessions = (io.of('/').adapter as unknown as { sessions?: Map<string, unknown> }).sessions;
  if (pid && sessions instanceof Map) sessions.delete(pid);
}

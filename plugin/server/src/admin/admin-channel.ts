import type { Core } from '@strapi/strapi';
import { Adapter, SessionAwareAdapter } from 'socket.io-adapter';
import type { Namespace } from 'socket.io';
import { SocketError } from '../auth/auth-error';
import { jwtExpiry } from '../auth/strapi-auth';
import type { IoServer, IoSocket } from '../socket/create-server';
import { authenticateAdmin } from './admin-auth';
import { ADMIN_NAMESPACE } from './admin-namespace';
import type { Connections, DescribedSocket } from './connections';
import type { AdminServerEvents, ConnectionInfo, MonitoringStats } from './contract';
import type { EventLog } from './event-log';
import { ACTIONS } from './permissions';

const MAX_TOKEN_LENGTH = 8192;
const STATS_EVERY_MS = 1000;
/** A node with admins tells the others every this many seconds; they push to it for a while longer. */
const ANNOUNCE_EVERY_TICKS = 5;
const REMOTE_ADMINS_FOR_MS = 3 * ANNOUNCE_EVERY_TICKS * STATS_EVERY_MS;
// setTimeout's limit.
const MAX_TIMER = 2 ** 31 - 1;

type AdminNamespace = Namespace<Record<string, never>, AdminServerEvents>;

/**
 * The monitoring page's live channel: the `/io-admin` namespace, for administrators with
 * `plugin::io.monitoring.read` only (an admin access token in `auth: { token }`). It gets a
 * snapshot on connect, then pushes: every client connection and disconnection (of every node, when
 * an admin listens somewhere), every content event this node sends, and this node's figures every
 * second. Admin sockets are not client connections: no client authentication, limits or content
 * events apply to them, and they are not counted.
 *
 * When its admin token expires, the connection is closed without a disconnect packet, so
 * socket.io-client reconnects by itself, with a fresh token when `auth` is a function.
 */
export function createAdminChannel({
  strapi,
  io,
  connections,
  events,
  stats,
  figures,
  clustered,
  announce,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  connections: Connections;
  events: EventLog;
  stats: () => MonitoringStats;
  /** `stats` without the event log, pushed every second. */
  figures: () => Omit<MonitoringStats, 'recentEvents'>;
  /** Whether other nodes share the adapter. */
  clustered: () => boolean;
  /** Tells the other nodes an admin listens here (so they push their connections). */
  announce: () => void;
}) {
  const namespace = io.of(ADMIN_NAMESPACE) as unknown as AdminNamespace;
  // Alone, the admin channel needs no recovery store (a reconnecting admin gets a snapshot): the
  // in-memory session adapter would keep two minutes of its packets. A cluster adapter stays, so
  // connection changes reach the admins of every node.
  if (namespace.adapter.constructor === SessionAwareAdapter) namespace.adapter = new Adapter(namespace as never);
  const expiries = new Map<string, NodeJS.Timeout>();
  let remoteAdminsUntil = 0;

  namespace.use((socket, next) => {
    // Cheapest first: the token's shape, before any signature or database is looked at.
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH || /\s/.test(token)) {
      return next(new SocketError('UNAUTHORIZED', 'Connect with auth: { token: <admin access token> } (POST /admin/login gives one)'));
    }
    authenticateAdmin(strapi, token)
      .then((session) => {
        if (!session) return next(new SocketError('UNAUTHORIZED', 'Not a valid admin session: log in to the admin panel again'));
        if (!session.can(ACTIONS.readMonitoring)) return next(new SocketError('FORBIDDEN', `This administrator lacks the ${ACTIONS.readMonitoring} permission`));
        const expiresAt = jwtExpiry(token);
        if (expiresAt !== null) (socket.data as { expiresAt?: number }).expiresAt = expiresAt;
        next();
      })
      .catch((error: Error) => {
        strapi.log.error(`[io] authenticating an admin socket failed: ${error.stack ?? error}`);
        next(new SocketError('INTERNAL_ERROR', 'Authentication failed on the server; try again'));
      });
  });

  namespace.on('connection', (socket) => {
    const expiresAt = (socket.data as { expiresAt?: number }).expiresAt;
    if (expiresAt !== undefined) {
      const timer = setTimeout(() => socket.conn.close(), Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER));
      timer.unref();
      expiries.set(socket.id, timer);
    }
    socket.once('disconnect', () => {
      clearTimeout(expiries.get(socket.id));
      expiries.delete(socket.id);
    });
    announce();
    connections
      .list()
      .then((list) => {
        if (socket.connected) socket.emit('monitor:snapshot', { connections: list, stats: stats() });
      })
      .catch((error: Error) => strapi.log.warn(`[io] the monitoring snapshot failed: ${error.message}`));
  });

  const listening = () => namespace.sockets.size > 0;
  const stopEvents = events.subscribe((event) => {
    if (listening()) namespace.local.emit('monitor:event', event);
  });
  let ticks = 0;
  const timer = setInterval(() => {
    if (!listening()) return;
    namespace.local.emit('monitor:stats', figures());
    if (clustered() && ++ticks % ANNOUNCE_EVERY_TICKS === 0) announce();
  }, STATS_EVERY_MS);
  timer.unref();

  // Connections: each change once to the admins of every node, and worked out only when an admin
  // listens somewhere (a label may cost a database read).
  const someoneListens = () => listening() || Date.now() < remoteAdminsUntil;
  const pushed = new WeakMap<object, Promise<unknown>>();
  function push(type: 'connected' | 'disconnected', socket: IoSocket): void {
    const previous = pushed.get(socket) ?? Promise.resolve();
    const work = previous
      .then(() => connections.describe([socket as unknown as DescribedSocket]))
      .then(([connection]) => emitConnection(type, connection!))
      .catch((error: Error) => strapi.log.warn(`[io] could not tell admins of socket ${socket.id}: ${error.message}`));
    pushed.set(socket, work);
  }
  const emitConnection = (type: 'connected' | 'disconnected', connection: ConnectionInfo) => namespace.emit('monitor:connection', { type, connection });

  const main = io.of('/');
  const onConnection = (socket: IoSocket) => {
    if (clustered()) {
      socket.data.transport = socket.conn.transport.name;
      socket.conn.once('upgrade', (transport: { name: string }) => (socket.data.transport = transport.name));
    }
    // After the plugin's own connection handler (registered later), which may turn it away.
    setImmediate(() => {
      if (!socket.connected || !socket.data.io) return;
      if (someoneListens()) push('connected', socket);
      socket.once('disconnect', () => {
        if (someoneListens()) push('disconnected', socket);
      });
    });
  };
  main.on('connection', onConnection);

  return {
    /** Another node has admins listening: this node's connection changes go to them for a while. */
    remoteAdmins(): void {
      remoteAdminsUntil = Date.now() + REMOTE_ADMINS_FOR_MS;
    },

    close(): void {
      clearInterval(timer);
      stopEvents();
      main.off('connection', onConnection);
      for (const expiry of expiries.values()) clearTimeout(expiry);
      expiries.clear();
      namespace.disconnectSockets(true);
    },
  };
}

export type AdminChannel = ReturnType<typeof createAdminChannel>;

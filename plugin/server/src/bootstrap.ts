import type {} from './types';
import { ADMIN_NAMESPACE } from './admin/admin-namespace';
import { createEventLog } from './admin/event-log';
import { loadSettings } from './admin/settings';
import { startAdmin } from './admin/start-admin';
import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { createIoApi } from './api/io-api';
import { emitToReaders } from './api/emit-to-readers';
import { createAccessControl } from './auth/access-control';
import { authenticateHandshake } from './auth/authenticate-handshake';
import type { Authenticated } from './auth/authenticate-handshake';
import { SocketError } from './auth/auth-error';
import { watchPermissionChanges } from './auth/watch-permission-changes';
import { captureChanges } from './capture/capture-changes';
import type { DocumentChange } from './capture/document-change';
import { setOuterMiddleware } from './capture/outer-slot';
import type { DocumentMiddleware } from './capture/outer-slot';
import { createSharedFieldCopies } from './capture/shared-field-copies';
import { createSharedFields } from './capture/shared-fields';
import { createClusterBus } from './cluster/cluster-bus';
import { createSessionRecovery } from './recovery/session-recovery';
import { createConnectionGuard } from './limits/connection-guard';
import { watchSlowConsumers } from './limits/slow-consumers';
import { createPrincipalQueries } from './limits/principal-queries';
import { connectRedisAdapter } from './cluster/redis-adapter';
import { ConfigError, validateConfig } from './config/validate-config';
import { resolveWatchedTypes } from './delivery/content-types';
import { createDelivery } from './delivery/deliver-changes';
import type { DeliveryStats } from './delivery/deliver-changes';
import { modelsOf } from './live-queries/model-info';
import { installMetrics } from './metrics/install-metrics';
import { createStateLoader } from './live-queries/state-loader';
import { registerClientEvents } from './socket/client-events';
import { tellAndDisconnect } from './socket/last-word';
import { createAudience } from './socket/audience';
import { createServer, forgetRecoverySession, recoveryWindow } from './socket/create-server';
import { createSessions } from './socket/sessions';
import { createCollectionSubscriptions } from './subscriptions/collection-subscriptions';
import { createEntitySubscriptions } from './subscriptions/entity-subscriptions';


/** The validated config; failures read like Strapi's own config errors. */
function readConfig(strapi: Core.Strapi): ReturnType<typeof validateConfig> {
  try {
    return validateConfig(strapi.config.get('plugin::io'));
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`Error regarding io config: ${error.message}`);
    throw error;
  }
}

/** What destroy() needs to shut the plugin down; kept per Strapi instance. */
export const runtimes = new WeakMap<Core.Strapi, { close(): Promise<void> }>();

export default async function bootstrap({ strapi }: { strapi: Core.Strapi }): Promise<void> {
  // The file config (checked alone first) with what Settings → Socket.IO saved over it; saves
  // change `config`, `watched` and their entries in place (admin/settings-apply.ts).
  const settings = await loadSettings(strapi, readConfig(strapi));
  const config = settings.config;
  const watched = resolveWatchedTypes(strapi, config);

  const redis = config.redis ? await connectRedisAdapter(strapi, config.redis) : undefined;
  const serverOptions = config.serverOptions;
  const io = createServer(strapi, serverOptions, redis?.adapter);
  const access = createAccessControl({ strapi });
  const audience = createAudience(io, recoveryWindow(serverOptions));
  const principalQueries = createPrincipalQueries();
  const sessions = createSessions({ strapi, io, access, audience, gone: (socketId) => principalQueries.forget(socketId) });
  const subscriptions = createEntitySubscriptions({ strapi, access, watched, maxPerSocket: () => config.maxSubscriptionsPerSocket });
  const stats: DeliveryStats = { emitted: 0, sanitized: 0, evaluated: 0, stateReads: 0, fallbackReads: 0, movedIn: 0, replayed: 0 };
  const queries = createCollectionSubscriptions({
    strapi,
    io,
    audience,
    access,
    watched,
    maxPerSocket: () => config.maxSubscriptionsPerSocket,
    maxQueries: config.guard.liveQueriesPerNode,
    draftView: config.guard.draftView,
    maxPerPrincipal: () => config.guard.liveQueriesPerPrincipal,
    principalQueries,
    stats,
  });
  // Drafts of a type are anyone's who may `find` it only when they are served as REST serves them.
  const eventLog = createEventLog(io); // the monitoring page's, fed by every emit
  const delivery = createDelivery({ strapi, io, audience, access, watched, queries, stats, draftsReadable: config.guard.draftView === 'rest', observer: eventLog.observer });
  const nodeId = randomUUID();
  const metrics = installMetrics({ strapi, io, nodeId, stats, config: config.metrics });
  // Connection state recovery: what this node sends its sockets is kept here, replayed after a
  // recovered socket is authenticated, and handed to another node a client comes back to.
  const recovery =
    recoveryWindow(serverOptions) > 0
      ? createSessionRecovery({
          strapi,
          io,
          nodeId,
          windowMs: recoveryWindow(serverOptions),
          audience,
          barrier: () => delivery.barrier(),
          adopt: (roomsOfSession, held) => queries.adopt(roomsOfSession, held),
          endGhost: (sid) => audience.end(sid),
          mayRead: (groupKey, uid, action) => access.canRead(groupKey, uid, action),
          sanitize: (groupKey, uid, document) => access.sanitize(groupKey, uid, document),
          stats,
        })
      : undefined;
  recovery?.install(io.of('/').adapter);

  // Other nodes: changes committed there are delivered here, and a write here reads what their
  // live queries need too.
  const bus = createClusterBus({
    strapi,
    io,
    nodeId,
    local: { pathsOf: queries.pathsOf, has: queries.hasQueries, uids: queries.uidsWithQueries },
    onRemoteChanges: (changes) => delivery.deliver(changes),
    onRemoteAccess: (change) => permissions.applyRemote(change),
    onSocketRequest: (request) => ioApi.onLocalSocket(request),
    onRemoteSettings: () => void settings.reload(),
    onRemoteAdmins: () => admin.remoteAdmins(),
    onRemoteEmit: (emit) => {
      emitToReaders(strapi, io, access, emit).catch((error: Error) => strapi.log.warn(`[io] $io.emit from another node failed here: ${error.message}`));
    },
  });
  // Redis was lost: changes committed on other nodes meanwhile never reached this one. Its clients
  // are told to read again (the SDK refetches its live queries), and its paths announced again.
  redis?.onReturn(() => {
    bus.reannounce();
    io.local.emit('io:resync', { reason: 'The server lost contact with the other nodes for a while: read again what you show' });
  });
  const ioApi = createIoApi({ strapi, io, access, delivery, sessions, subscriptions, queries, cluster: bus });
  const $io = ioApi.api;
  const states = createStateLoader({
    strapi,
    models: modelsOf(strapi),
    pathsOf: bus.pathsOf,
    hasQueries: bus.hasQueries,
    uidsWithQueries: bus.uids,
    draftAndPublish: (uid) => (strapi.getModel(uid as never) as { options?: { draftAndPublish?: boolean } } | undefined)?.options?.draftAndPublish === true,
    judge: queries.judge,
    stats,
  });
  const handOver = (changes: DocumentChange[]) => {
    const stamped = delivery.stamp(changes);
    bus.publish(stamped);
    delivery.deliver(stamped);
  };
  const isWatched = (uid: string) => watched.has(uid);
  const stopCopies = setOuterMiddleware(strapi, createSharedFieldCopies(strapi, createSharedFields(strapi), isWatched, handOver, states) as DocumentMiddleware);
  const stopCapture = captureChanges(
    strapi,
    isWatched,
    handOver,
    states,
  );
  const permissions = watchPermissionChanges({
    strapi,
    access,
    sessions,
    publish: (change) => bus.publishAccess(change),
    narrowed: (groupKeys) => queries.revalidate(groupKeys),
  });

  // Handshakes are authenticated here; the result waits for the connection handler.
  const handshakes = new WeakMap<object, Authenticated>();
  const guard = createConnectionGuard(config.guard, metrics?.error);
  const stopWatchingSlowConsumers = watchSlowConsumers(strapi, io, config.guard.maxBufferedBytes);
  const authenticate: Parameters<typeof io.use>[0] = (socket, next) => {
    next = metrics?.countRefusals(next) ?? next; // every refusal below is a client's connect_error
    // Cheapest first: who may connect at all, before credentials are read from the database.
    const refused = guard.admit(socket.handshake);
    if (refused) return next(refused);
    authenticateHandshake(strapi, socket.handshake as never)
      .then((authenticated) => {
        const anonymous = guard.authenticated(authenticated.session.principal.kind);
        if (anonymous) return next(anonymous);
        handshakes.set(socket, authenticated);
        next();
      })
      .catch((error: unknown) => {
        if (error instanceof SocketError) return next(error);
        strapi.log.error(`[io] authenticating a socket failed: ${(error as Error).stack ?? error}`);
        next(new SocketError('INTERNAL_ERROR', 'Authentication failed on the server; try again'));
      });
  };
  io.use(authenticate);
  // The admin panel's side; before `new_namespace` below, since /io-admin is no client namespace.
  const admin = startAdmin({
    strapi,
    io,
    settings,
    live: { watched, delivery, queries },
    events: eventLog,
    addressOf: guard.addressOf,
    disconnectSocket: (socketId, reason) => $io.disconnectSocket(socketId, reason),
    cluster: bus,
  });
  // Namespaces an app creates (or `emitToNamespace` creates) authenticate the same way.
  io.on('new_namespace', (namespace) => {
    if (namespace.name === ADMIN_NAMESPACE) return; // authenticated as admins (admin/admin-channel.ts)
    namespace.use((socket, next) => authenticate(socket as never, next));
    namespace.on('connection', (socket) => {
      const authenticated = handshakes.get(socket);
      handshakes.delete(socket);
      if (!authenticated) return void socket.disconnect(true);
      socket.use(
        guard.messageRate((message) => {
          tellAndDisconnect(socket, { code: 'LIMIT_EXCEEDED', message }, metrics?.error);
        }),
      );
      sessions.attachOther(socket, authenticated);
    });
  });

  const context = { strapi, io: $io };
  const customHandlers = config.events.filter(({ name }) => name !== 'connection' && name !== 'disconnect');
  const onConnection = config.events.filter(({ name }) => name === 'connection');
  const onDisconnect = config.events.filter(({ name }) => name === 'disconnect');
  const runUserHandler = (name: string, run: () => unknown) => {
    Promise.resolve()
      .then(run)
      .catch((error: Error) => strapi.log.error(`[io] the "${name}" handler from config.events threw: ${error.stack ?? error}`));
  };

  io.on('connection', (socket) => {
    const authenticated = handshakes.get(socket);
    handshakes.delete(socket);
    if (!authenticated) {
      socket.disconnect(true);
      return;
    }
    // Before any of its messages is looked at: its rate.
    socket.use(
      guard.messageRate((message) => {
        tellAndDisconnect(socket, { code: 'LIMIT_EXCEEDED', message }, metrics?.error);
      }),
    );
    socket.once('disconnect', guard.count(socket.handshake));
    // A recovered socket's rooms stay listened to while it catches up (attach ends its ghost);
    // then it gets what it missed, as its principal may read it now, and its rooms back.
    recovery?.hold(socket);
    sessions.attach(socket, authenticated);
    if (socket.recovered) forgetRecoverySession(io, socket);
    recovery
      ?.arrive(socket)
      // Rights may have changed while it was away: its subscriptions are checked again.
      .then((recovered) => {
        if (!recovered || !socket.recovered || !socket.data.io) return undefined;
        queries.countHeld(socket);
        return queries.revalidate([socket.data.io.groupKey]);
      })
      .catch((error: Error) => strapi.log.error(`[io] recovering socket ${socket.id} failed: ${error.stack ?? error}`));
    registerClientEvents(strapi, socket, { entities: subscriptions, queries });
    for (const { name, handler } of customHandlers) {
      socket.on(name, (...args: unknown[]) => runUserHandler(name, () => handler(context, socket, ...args)));
    }
    for (const { handler } of onConnection) runUserHandler('connection', () => handler(context, socket));
    // 'disconnecting' still sees the rooms, which recovery will restore.
    let rooms: string[] = [];
    socket.on('disconnecting', () => {
      rooms = [...socket.rooms];
    });
    socket.on('disconnect', (reason) => {
      if (!sessions.detach(socket, reason, rooms)) forgetRecoverySession(io, socket);
      for (const { handler } of onDisconnect) runUserHandler('disconnect', () => handler(context, socket, reason));
      // A client that left its last namespace but keeps the connection open (socket.io-client
      // closes it; a hand-made client need not) would hold it outside every limit: close it.
      if (reason === 'client namespace disconnect') {
        setImmediate(() => {
          if ((socket.client as unknown as { sockets: Map<string, unknown> }).sockets.size === 0) socket.conn.close();
        });
      }
    });
  });

  strapi.$io = $io;
  runtimes.set(strapi, {
    async close() {
      // New handshakes are refused from here on, at the transport, so clients retry with their
      // backoff as after any restart: one now would read credentials from a database about to close.
      io.engine.opts.allowRequest = (_request, callback) => callback('Server shutting down', false);
      admin.close();
      stopCapture();
      stopCopies();
      await $io.idle();
      // Closing the transports, without a disconnect packet: clients see 'transport close' and keep
      // reconnecting, so a restart or a deploy does not end them for good ('io server disconnect'
      // would tell socket.io-client never to reconnect by itself). Sessions close after, so the
      // disconnects this causes find them still open and leave nothing behind.
      io.engine.close();
      sessions.close();
      queries.close();
      bus.close();
      recovery?.close();
      stopWatchingSlowConsumers();
      await redis?.close();
    },
  });

  const adapter = io.of('/').adapter;
  await admin.ready; // RBAC actions registered before the admin's bootstrap syncs the super admin's
  await config.hooks.init?.({ strapi, $io });
  // The seed's recipe: `$io.server.adapter(createAdapter(pubClient, subClient))` in hooks.init.
  if (io.of('/').adapter !== adapter) {
    queries.rewire();
    recovery?.install(io.of('/').adapter);
  }
  strapi.log.info(`[io] Socket.IO ready; real-time events for ${[...watched.keys()].join(', ') || 'no content type'}`);
}

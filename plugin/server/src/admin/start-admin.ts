import type { Core } from '@strapi/strapi';
import type { WatchedType } from '../delivery/content-types';
import type { IoServer } from '../socket/create-server';
import { createAdminChannel } from './admin-channel';
import { createConnections } from './connections';
import type { Connections } from './connections';
import type { ChannelInfo, MonitoringStats } from './contract';
import { ADMIN_NAMESPACE } from './admin-namespace';
import type { EventLog } from './event-log';
import { registerAdminActions } from './permissions';
import type { LiveSettings } from './settings-apply';
import type { SettingsService } from './settings';

/** What the admin routes' controllers work with, per Strapi instance. */
export interface AdminRuntime {
  settings: SettingsService;
  connections: Connections;
  stats(): MonitoringStats;
  disconnect(socketId: string): Promise<boolean>;
  /** Where the admin live channel is (an app may serve Socket.IO on another path). */
  channel(): ChannelInfo;
}

const runtimes = new WeakMap<Core.Strapi, AdminRuntime>();

/** The admin runtime of this Strapi instance (undefined before the plugin's bootstrap). */
export const adminRuntimeOf = (strapi: Core.Strapi): AdminRuntime | undefined => runtimes.get(strapi);

/**
 * The admin panel's server side: RBAC actions, what the admin routes read and change, and the
 * `/io-admin` live channel. Synchronous, so that nothing another node sends meanwhile finds it
 * half made; `ready` resolves once the RBAC actions are registered (before the admin's own
 * bootstrap gives them to the super admin role).
 *
 * Call it before the plugin listens to `new_namespace`: `/io-admin` is not a client namespace.
 */
export function startAdmin({
  strapi,
  io,
  settings,
  live,
  events,
  addressOf,
  disconnectSocket,
  cluster,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  settings: SettingsService;
  /** What a save changes in the running plugin. */
  live: Omit<LiveSettings, 'config' | 'io'> & { watched: Map<string, WatchedType> };
  events: EventLog;
  /** The connection guard's address of a handshake (`trustProxy` applied). */
  addressOf: Parameters<typeof createConnections>[0]['addressOf'];
  /** `strapi.$io.disconnectSocket`: any node, `io:error` DISCONNECTED first. */
  disconnectSocket(socketId: string, reason: string): Promise<boolean>;
  cluster: { clustered(): boolean; publishSettings(): void; announceAdmins(): void };
}) {
  const ready = registerAdminActions(strapi);
  settings.attach({ io, ...live }, () => cluster.publishSettings());
  const connections = createConnections({ strapi, io, addressOf });
  const figures = (): Omit<MonitoringStats, 'recentEvents'> => ({
    // This node's client sockets; admin sockets live in their own namespace.
    connections: io.sockets.sockets.size,
    eventsPerSecond: events.eventsPerSecond(),
    totals: events.totals(),
  });
  const stats = (): MonitoringStats => ({ ...figures(), recentEvents: events.recent() });
  const channel = createAdminChannel({ strapi, io, connections, events, stats, figures, clustered: cluster.clustered, announce: cluster.announceAdmins });
  runtimes.set(strapi, {
    settings,
    connections,
    stats,
    disconnect: (socketId) => disconnectSocket(socketId, 'Disconnected by an administrator'),
    channel: () => ({ namespace: ADMIN_NAMESPACE, path: io.path() }),
  });
  return {
    ready,
    /** Another node has admins listening. */
    remoteAdmins: channel.remoteAdmins,
    close(): void {
      channel.close();
      runtimes.delete(strapi);
    },
  };
}

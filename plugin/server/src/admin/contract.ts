import type { ContentAction } from '@strapi-live/client/protocol';

/**
 * The shapes the admin routes and the `/io-admin` channel exchange with the admin panel (the
 * contract of issue 11). Types only: the admin side may `import type` them from here.
 */

/** Where an effective value comes from: the file config (or its default), or the settings page. */
export type Source = 'file' | 'admin';

export interface ContentTypeSetting {
  uid: string;
  displayName: string;
  kind: 'collectionType' | 'singleType';
  /** Whether the type sends events. */
  enabled: boolean;
  actions: ContentAction[];
  /** REST populate syntax, or null for none. */
  populate: unknown;
}

export interface LimitSettings {
  messagesPerSecond: number;
  messageBurst: number;
  maxSubscriptionsPerSocket: number;
  connectionsPerIp: number;
  liveQueriesPerPrincipal: number;
}

export interface Settings {
  contentTypes: ContentTypeSetting[];
  security: { requireAuthentication: boolean };
  limits: LimitSettings;
  /** Shown read-only: they need a restart (CORS origins, transports, redis, path, recovery window, IP lists...). */
  restartRequired: Record<string, unknown>;
  /**
   * For each editable key: `contentTypes` (admin when any type was changed on the page),
   * `contentTypes.<uid>`, `security.requireAuthentication`, `limits.<name>`.
   */
  sources: Record<string, Source>;
}

/** What `PUT /io/settings` takes: any of the three sections; an omitted section (or content type) stays as it is. */
export type SettingsInput = Partial<Pick<Settings, 'contentTypes' | 'security' | 'limits'>>;

export interface ConnectionInfo {
  id: string;
  principal: { kind: 'public' | 'user' | 'api-token'; label: string };
  transport: 'websocket' | 'polling';
  address: string;
  /** Rooms the app put the socket in (`$io.joinRoom`); the plugin's own rooms are not counted. */
  rooms: number;
  /** Entity and collection subscriptions it holds. */
  subscriptions: number;
  /** ISO date of its handshake. */
  connectedAt: string;
}

export interface MonitoredEvent {
  uid: string;
  action: ContentAction;
  documentId: string;
  locale: string | null;
  /** Sockets of this node the event reached (never the payload). */
  recipients: number;
  ts: number;
}

export interface MonitoringStats {
  connections: number;
  eventsPerSecond: number;
  totals: Record<string, Record<ContentAction, number>>;
  /** Newest first, at most 100. */
  recentEvents: MonitoredEvent[];
}

/** Where the admin live channel is: its namespace, on the Socket.IO server's path (`socket.serverOptions.path`). */
export interface ChannelInfo {
  namespace: string;
  path: string;
}

/** Events of the `/io-admin` namespace, server to admin. */
export interface AdminServerEvents {
  'monitor:snapshot': (snapshot: { connections: ConnectionInfo[]; stats: MonitoringStats }) => void;
  'monitor:connection': (change: { type: 'connected' | 'disconnected'; connection: ConnectionInfo }) => void;
  'monitor:event': (event: MonitoredEvent) => void;
  'monitor:stats': (stats: Omit<MonitoringStats, 'recentEvents'>) => void;
}

/** A field error of a refused `PUT /io/settings` (Strapi's ValidationError `details.errors`). */
export interface FieldError {
  path: string[];
  message: string;
}

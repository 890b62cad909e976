import type { ServerOptions } from 'socket.io';
import type { ContentAction } from '@strapi-live/client/protocol';

/**
 * What `populate` accepts: Strapi's populate syntax, as REST's `?populate=` would: `'*'`, a name or
 * comma-separated names, an array of names, or the object form. Checked against the schema at start-up.
 */
export type PopulateConfig = string | string[] | Record<string, unknown>;

/** One content type as written in `config/plugins`: a uid, or a uid with options. */
export type ContentTypeConfigEntry =
  | string
  | {
      uid: string;
      /** Which events to send; all three by default. */
      actions?: ContentAction[];
      /** Relations to include in every payload, sanitized per reader like REST output. */
      populate?: PopulateConfig;
    };

/** Extra Socket.IO events, exactly as the seed plugin took them. */
export interface EventHandlerConfig {
  name: string;
  handler: (context: { strapi: unknown; io: unknown }, socket: unknown, ...args: unknown[]) => unknown;
}

/**
 * The plugin's configuration (`config/plugins.ts` → `io.config`), in the seed plugin's format.
 *
 * @example
 * export default {
 *   io: {
 *     enabled: true,
 *     config: {
 *       contentTypes: ['api::article.article', { uid: 'api::comment.comment', actions: ['create'] }],
 *       socket: { serverOptions: { cors: { origin: 'http://localhost:3000' } } },
 *     } satisfies SocketIOConfig,
 *   },
 * };
 */
export interface SocketIOConfig {
  contentTypes?: ContentTypeConfigEntry[];
  socket?: {
    /** Passed to `new Server(httpServer, serverOptions)`; `destroyUpgrade` is always `false`. */
    serverOptions?: Partial<ServerOptions>;
  };
  events?: EventHandlerConfig[];
  hooks?: {
    /** Called once the Socket.IO server is attached: `({ strapi, $io }) => {}`. */
    init?: (context: { strapi: unknown; $io: unknown }) => unknown;
  };
  /** How many subscriptions (entity and collection) one socket may hold (default 100). */
  maxSubscriptionsPerSocket?: number;
  /**
   * Many Strapi nodes on one database: set this and every node delivers every change, whichever
   * node wrote it, to its own sockets (see README "Running many nodes").
   */
  redis?: RedisConfig;
  /** What one client may do (README "Security"). */
  limits?: LimitsConfig;
  /** Who may connect (README "Security"). */
  security?: SecurityConfig;
  /** A Prometheus endpoint for operators; off by default. */
  metrics?: MetricsConfig;
}

/**
 * `metrics` of the plugin's configuration: Prometheus text exposition (prom-client) of this node.
 *
 * @example
 * // config/plugins.ts: then GET /api/io/metrics with `Authorization: Bearer <the token>`
 * export default {
 *   io: { enabled: true, config: { metrics: { enabled: true, token: process.env.IO_METRICS_TOKEN } } },
 * };
 */
export interface MetricsConfig {
  /** Serve the endpoint (default false: nothing is served and nothing is counted). */
  enabled?: boolean;
  /** The bearer token a scraper sends; required when enabled, at least 16 characters. */
  token?: string;
  /** Where the endpoint is served on Strapi's HTTP server (default '/api/io/metrics'). */
  path?: string;
}

/** `metrics` after validation. */
export type ResolvedMetricsConfig = { enabled: false } | { enabled: true; token: string; path: string };

/** `limits` of the plugin's configuration. */
export interface LimitsConfig {
  /** Messages one socket may send per second, on average (default 50). */
  messagesPerSecond?: number;
  /** Messages one socket may send at once above that rate (default maxSubscriptionsPerSocket + 50, so a reconnecting client can subscribe everything again at once). */
  messageBurst?: number;
  /** Messages refused in a row (over the rate) after which the socket is disconnected (default messageBurst). */
  disconnectAfterRefused?: number;
  /** Connections one client address may hold on this node; 0 for no cap (default 0: behind a proxy without `trustProxy`, every client has the proxy's address). */
  connectionsPerIp?: number;
  /** Distinct live queries this node evaluates, those kept for recovering sockets included (default 50,000). */
  liveQueriesPerNode?: number;
  /** Bytes waiting to be sent to one client past which it is dropped as too slow; 0 for none (default 16 MB). */
  maxBufferedBytes?: number;
  /** Collection subscriptions one user or API token may hold over all its sockets, those away for recovery included (default 1,000). */
  liveQueriesPerPrincipal?: number;
}

/** `security` of the plugin's configuration. */
export interface SecurityConfig {
  /** Refuse connections without credentials (Public); default false. */
  requireAuthentication?: boolean;
  /** How many proxies in front of Strapi add `X-Forwarded-For` (true: one); default false: the TCP peer's address. */
  trustProxy?: boolean | number;
  /** Only these addresses (exact, or IPv4 `a.b.c.d/bits`) may connect; default: any. */
  ipAllowList?: string[];
  /** These addresses may not connect; default: none. */
  ipDenyList?: string[];
  /**
   * Who may subscribe to the draft view (`status: 'draft'`): `'rest'` (default) whoever REST serves
   * `?status=draft` to, that is whoever has `find`; `'authenticated'` users and API tokens only;
   * `'none'` nobody; `{ action: 'update' }` whoever also has that action on the type.
   */
  draftView?: DraftViewConfig;
}

export type DraftViewConfig = 'rest' | 'authenticated' | 'none' | { action: string };

/** `limits` and `security` after validation. */
export interface ResolvedGuardConfig {
  messagesPerSecond: number;
  messageBurst: number;
  disconnectAfterRefused: number;
  connectionsPerIp: number;
  liveQueriesPerNode: number;
  maxBufferedBytes: number;
  liveQueriesPerPrincipal: number;
  requireAuthentication: boolean;
  trustedHops: number;
  ipAllowList: string[] | undefined;
  ipDenyList: string[];
  draftView: DraftViewConfig;
}

/** `redis` of the plugin's configuration. */
export interface RedisConfig {
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string;
  /**
   * `'redis-streams'` (default): `@socket.io/redis-streams-adapter`. `'redis'`: the classic
   * `@socket.io/redis-adapter` (Redis pub/sub). Connection state recovery works across nodes with
   * both (the plugin hands sessions over itself; see recovery/session-recovery.ts).
   */
  adapter?: 'redis-streams' | 'redis';
  /** Prefix of the Redis keys, streams and channels the plugin uses (default `'strapi-io'`), so apps can share one Redis. */
  keyPrefix?: string;
  /** Passed to `createClient` of the `redis` package with the url (TLS, timeouts...). */
  clientOptions?: Record<string, unknown>;
}

/** `redis` after validation. */
export interface ResolvedRedisConfig {
  url: string;
  adapter: 'redis-streams' | 'redis';
  keyPrefix: string;
  clientOptions: Record<string, unknown>;
}

/** A content type after validation: always the long form. */
export interface ContentTypeSettings {
  uid: string;
  actions: ReadonlySet<ContentAction>;
  populate: PopulateConfig | undefined;
}

/** The validated configuration the plugin runs with. */
export interface ResolvedConfig {
  contentTypes: ContentTypeSettings[];
  serverOptions: Partial<ServerOptions>;
  events: EventHandlerConfig[];
  hooks: NonNullable<SocketIOConfig['hooks']>;
  maxSubscriptionsPerSocket: number;
  redis: ResolvedRedisConfig | undefined;
  guard: ResolvedGuardConfig;
  metrics: ResolvedMetricsConfig;
}

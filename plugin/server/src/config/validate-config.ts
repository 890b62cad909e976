import type { ContentAction } from '@strapi-live/client/protocol';
import { isAddressEntry } from '../limits/client-address';
import type { ContentTypeSettings, PopulateConfig, ResolvedConfig, ResolvedGuardConfig, ResolvedMetricsConfig, ResolvedRedisConfig } from './types';

const CONTENT_ACTIONS: readonly ContentAction[] = ['create', 'update', 'delete'];
const TOP_LEVEL_KEYS = ['contentTypes', 'socket', 'events', 'hooks', 'maxSubscriptionsPerSocket', 'redis', 'limits', 'security', 'metrics'];
const LIMITS_KEYS = ['messagesPerSecond', 'messageBurst', 'disconnectAfterRefused', 'connectionsPerIp', 'liveQueriesPerNode', 'maxBufferedBytes', 'liveQueriesPerPrincipal'];
const SECURITY_KEYS = ['requireAuthentication', 'trustProxy', 'ipAllowList', 'ipDenyList', 'draftView'];
const REDIS_KEYS = ['url', 'adapter', 'keyPrefix', 'clientOptions'];
const METRICS_KEYS = ['enabled', 'token', 'path'];
/** Shorter bearer tokens are guessable; 16 characters is what `openssl rand -hex 8` gives. */
const MIN_METRICS_TOKEN = 16;
const REDIS_ADAPTERS = ['redis-streams', 'redis'] as const;
const UID_PATTERN = /^(api|plugin|admin)::[\w-]+(\.[\w-]+)?$/;

/** Thrown for a configuration the plugin cannot run with; the message names the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `"key" must be <expected> (got <value>)`. */
const mustBe = (key: string, expected: string, got: unknown) => new ConfigError(`"${key}" must be ${expected} (got ${describe(got)})`);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The shape of `populate`; its names are checked against the type's schema at bootstrap
 * (`checkPopulate` in validate-populate.ts), once Strapi's registry exists. `true`/`false` are refused: Strapi's query
 * converter throws on them, so every event of the type would fail.
 */
function validatePopulate(value: unknown, key: string): PopulateConfig | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || isPlainObject(value)) return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  const hint = typeof value === 'boolean' ? "; for every relation use '*'" : '';
  throw mustBe(key, `a populate value (a relation name, an array of names, '*' or an object)${hint}`, value);
}

export function validateContentType(entry: unknown, key: string): ContentTypeSettings {
  if (typeof entry === 'string') entry = { uid: entry };
  if (!isPlainObject(entry)) throw mustBe(key, 'a content-type uid or { uid, actions?, populate? }', entry);
  for (const field of Object.keys(entry)) {
    if (!['uid', 'actions', 'populate'].includes(field)) {
      throw mustBe(`${key}.${field}`, 'absent: a content type takes uid, actions and populate', entry[field]);
    }
  }
  const { uid, actions, populate } = entry;
  if (typeof uid !== 'string' || !UID_PATTERN.test(uid)) {
    throw mustBe(`${key}.uid`, "a content-type uid such as 'api::article.article'", uid);
  }
  let actionSet = new Set<ContentAction>(CONTENT_ACTIONS);
  if (actions !== undefined) {
    if (!Array.isArray(actions)) throw mustBe(`${key}.actions`, 'an array of create, update, delete', actions);
    actions.forEach((action, i) => {
      if (!CONTENT_ACTIONS.includes(action as ContentAction)) {
        throw mustBe(`${key}.actions[${i}]`, 'one of create, update, delete', action);
      }
    });
    actionSet = new Set(actions as ContentAction[]);
  }
  return { uid, actions: actionSet, populate: validatePopulate(populate, `${key}.populate`) };
}

/** A URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function validateRedis(value: unknown): ResolvedRedisConfig | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw mustBe('redis', "an object { url: 'redis://host:6379' }", value);
  for (const key of Object.keys(value)) {
    if (!REDIS_KEYS.includes(key)) throw mustBe(`redis.${key}`, `absent: redis takes ${REDIS_KEYS.join(', ')}`, value[key]);
  }
  const { url, adapter = 'redis-streams', keyPrefix = 'strapi-io', clientOptions = {} } = value;
  let protocol: string | undefined;
  try {
    protocol = typeof url === 'string' ? new URL(url).protocol : undefined;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw mustBe('redis.url', "a Redis URL such as 'redis://127.0.0.1:6379' (or rediss:// for TLS)", typeof url === 'string' ? redactUrl(url) : url);
  }
  if (!REDIS_ADAPTERS.includes(adapter as never)) throw mustBe('redis.adapter', `one of ${REDIS_ADAPTERS.join(', ')}`, adapter);
  if (typeof keyPrefix !== 'string' || !/^[\w.:-]{1,64}$/.test(keyPrefix)) throw mustBe('redis.keyPrefix', 'letters, digits, and . : _ - (at most 64)', keyPrefix);
  if (!isPlainObject(clientOptions)) throw mustBe('redis.clientOptions', 'an object of options for createClient', clientOptions);
  return { url: url as string, adapter: adapter as ResolvedRedisConfig['adapter'], keyPrefix, clientOptions };
}

/**
 * Checks the whole plugin configuration and returns it in its long form. Everything that can be
 * checked without Strapi's registry is checked here, at config load; uids and populate are checked
 * against the registry at bootstrap (`resolveWatchedTypes`, `assertPopulatesMatchSchemas`).
 */
export function validateConfig(input: unknown): ResolvedConfig {
  const config = input ?? {};
  if (!isPlainObject(config)) throw mustBe('config', 'an object', config);
  for (const key of Object.keys(config)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      throw mustBe(key, `absent: the known keys are ${TOP_LEVEL_KEYS.join(', ')}`, config[key]);
    }
  }

  const rawTypes = config.contentTypes ?? [];
  if (!Array.isArray(rawTypes)) throw mustBe('contentTypes', 'an array of uids or { uid, actions, populate }', rawTypes);
  const contentTypes = rawTypes.map((entry, i) => validateContentType(entry, `contentTypes[${i}]`));
  const seen = new Set<string>();
  contentTypes.forEach(({ uid }, i) => {
    if (seen.has(uid)) throw mustBe(`contentTypes[${i}].uid`, 'listed once', uid);
    seen.add(uid);
  });

  const socket = config.socket ?? {};
  if (!isPlainObject(socket)) throw mustBe('socket', 'an object', socket);
  for (const key of Object.keys(socket)) {
    if (key !== 'serverOptions') throw mustBe(`socket.${key}`, 'absent: socket takes serverOptions', socket[key]);
  }
  const serverOptions = socket.serverOptions ?? {};
  if (!isPlainObject(serverOptions)) throw mustBe('socket.serverOptions', 'an object of Socket.IO server options', serverOptions);

  const events = config.events ?? [];
  if (!Array.isArray(events)) throw mustBe('events', 'an array of { name, handler }', events);
  events.forEach((event, i) => {
    if (!isPlainObject(event)) throw mustBe(`events[${i}]`, 'an object { name, handler }', event);
    if (typeof event.name !== 'string' || event.name === '') throw mustBe(`events[${i}].name`, 'a non-empty string', event.name);
    if (typeof event.handler !== 'function') throw mustBe(`events[${i}].handler`, 'a function', event.handler);
  });

  const hooks = config.hooks ?? {};
  if (!isPlainObject(hooks)) throw mustBe('hooks', 'an object', hooks);
  if (hooks.init !== undefined && typeof hooks.init !== 'function') throw mustBe('hooks.init', 'a function', hooks.init);

  const max = positiveNumber(config.maxSubscriptionsPerSocket, 'maxSubscriptionsPerSocket', 100, LIMIT_RULES.maxSubscriptionsPerSocket);

  return {
    contentTypes,
    serverOptions,
    events: events as ResolvedConfig['events'],
    hooks: hooks as ResolvedConfig['hooks'],
    maxSubscriptionsPerSocket: max,
    redis: validateRedis(config.redis),
    guard: validateGuard(config.limits, config.security, max),
    metrics: validateMetrics(config.metrics),
  };
}

/** `metrics`: off unless enabled, and then never without a token (the figures describe the whole deployment). */
function validateMetrics(value: unknown): ResolvedMetricsConfig {
  const m = value ?? {};
  if (!isPlainObject(m)) throw mustBe('metrics', 'an object { enabled, token, path? }', m);
  onlyKeys(m, 'metrics', METRICS_KEYS);
  const { enabled = false, token, path = '/api/io/metrics' } = m;
  if (typeof enabled !== 'boolean') throw mustBe('metrics.enabled', 'true or false', enabled);
  if (token !== undefined && typeof token !== 'string') throw new ConfigError(`"metrics.token" must be a string (got ${token === null ? 'null' : typeof token})`);
  // Checked even when disabled: a typo should not wait for the day metrics are turned on.
  if (typeof path !== 'string' || !/^\/[^\s?#]*$/.test(path)) throw mustBe('metrics.path', "a path starting with '/' such as '/api/io/metrics'", path);
  if (!enabled) return { enabled: false };
  if (typeof token !== 'string' || token.length < MIN_METRICS_TOKEN) {
    // Never echo a secret, even a short one.
    throw new ConfigError(`"metrics.token" must be a secret of at least ${MIN_METRICS_TOKEN} characters when metrics.enabled is true (got ${token === undefined ? 'none' : `${token.length} characters`})`);
  }
  return { enabled: true, token, path };
}

function onlyKeys(value: Record<string, unknown>, key: string, allowed: string[]): void {
  for (const field of Object.keys(value)) {
    if (!allowed.includes(field)) throw mustBe(`${key}.${field}`, `absent: ${key} takes ${allowed.join(', ')}`, value[field]);
  }
}

/** How a number of the config is checked: an integer or not, 0 allowed or not. */
export interface NumberRule {
  integer?: boolean;
  zero?: boolean;
}

/**
 * The rules of `limits.*` and `maxSubscriptionsPerSocket`, shared by the file's validation and the
 * settings page's (admin/settings-validate.ts), so both refuse the same values.
 */
export const LIMIT_RULES = {
  messagesPerSecond: {},
  messageBurst: { integer: true },
  disconnectAfterRefused: { integer: true },
  connectionsPerIp: { integer: true, zero: true },
  liveQueriesPerNode: { integer: true },
  maxBufferedBytes: { integer: true, zero: true },
  liveQueriesPerPrincipal: { integer: true },
  maxSubscriptionsPerSocket: { integer: true },
} as const satisfies Record<string, NumberRule>;

export function positiveNumber(value: unknown, key: string, fallback: number, { integer = false, zero = false }: NumberRule = {}): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && Number.isFinite(value) && (zero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value));
  if (!ok) throw mustBe(key, `a ${zero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}`, value);
  return value as number;
}

function addressList(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw mustBe(key, "an array of addresses ('203.0.113.7', '10.0.0.0/8')", value);
  value.forEach((entry, i) => {
    if (!isAddressEntry(entry)) throw mustBe(`${key}[${i}]`, "an IP address or an IPv4 range such as '10.0.0.0/8'", entry);
  });
  return value as string[];
}

/** `limits` and `security`, with their defaults (see types.ts). */
function validateGuard(limits: unknown, security: unknown, maxSubscriptions: number): ResolvedGuardConfig {
  const l = limits ?? {};
  const s = security ?? {};
  if (!isPlainObject(l)) throw mustBe('limits', 'an object', l);
  if (!isPlainObject(s)) throw mustBe('security', 'an object', s);
  onlyKeys(l, 'limits', LIMITS_KEYS);
  onlyKeys(s, 'security', SECURITY_KEYS);
  const messagesPerSecond = positiveNumber(l.messagesPerSecond, 'limits.messagesPerSecond', 50, LIMIT_RULES.messagesPerSecond);
  const messageBurst = positiveNumber(l.messageBurst, 'limits.messageBurst', maxSubscriptions + 50, LIMIT_RULES.messageBurst);
  const disconnectAfterRefused = positiveNumber(l.disconnectAfterRefused, 'limits.disconnectAfterRefused', messageBurst, LIMIT_RULES.disconnectAfterRefused);
  const connectionsPerIp = positiveNumber(l.connectionsPerIp, 'limits.connectionsPerIp', 0, LIMIT_RULES.connectionsPerIp);
  const liveQueriesPerNode = positiveNumber(l.liveQueriesPerNode, 'limits.liveQueriesPerNode', 50_000, LIMIT_RULES.liveQueriesPerNode);
  const maxBufferedBytes = positiveNumber(l.maxBufferedBytes, 'limits.maxBufferedBytes', 16 * 1024 * 1024, LIMIT_RULES.maxBufferedBytes);
  const liveQueriesPerPrincipal = positiveNumber(l.liveQueriesPerPrincipal, 'limits.liveQueriesPerPrincipal', 1_000, LIMIT_RULES.liveQueriesPerPrincipal);
  if (s.requireAuthentication !== undefined && typeof s.requireAuthentication !== 'boolean') {
    throw mustBe('security.requireAuthentication', 'true or false', s.requireAuthentication);
  }
  const trust = s.trustProxy ?? false;
  if (typeof trust !== 'boolean' && !(typeof trust === 'number' && Number.isInteger(trust) && trust >= 0)) {
    throw mustBe('security.trustProxy', 'true, false or the number of proxies in front of Strapi', trust);
  }
  const draftView = s.draftView ?? 'rest';
  const validDraftView =
    draftView === 'rest' || draftView === 'authenticated' || draftView === 'none' || (isPlainObject(draftView) && Object.keys(draftView).join() === 'action' && typeof draftView.action === 'string' && /^[\w-]+$/.test(draftView.action));
  if (!validDraftView) throw mustBe('security.draftView', "'rest', 'authenticated', 'none' or { action: 'update' }", draftView);
  return {
    draftView: draftView as ResolvedGuardConfig['draftView'],
    messagesPerSecond,
    messageBurst,
    disconnectAfterRefused,
    connectionsPerIp,
    liveQueriesPerNode,
    maxBufferedBytes,
    liveQueriesPerPrincipal,
    requireAuthentication: s.requireAuthentication === true,
    trustedHops: trust === true ? 1 : trust === false ? 0 : trust,
    ipAllowList: addressList(s.ipAllowList, 'security.ipAllowList'),
    ipDenyList: addressList(s.ipDenyList, 'security.ipDenyList') ?? [],
  };
}

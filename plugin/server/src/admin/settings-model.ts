import type { Core } from '@strapi/strapi';
import type { ContentAction } from '@strapi-live/client/protocol';
import type { PopulateConfig, ResolvedConfig } from '../config/types';
import { redactUrl, validateConfig } from '../config/validate-config';
import { typeInfo } from '../delivery/content-types';
import type { ContentTypeSetting, LimitSettings, Settings, Source } from './contract';
import { EDITABLE_LIMITS } from './settings-store';
import type { ContentTypeOverride, EditableLimit, StoredSettings } from './settings-store';

/**
 * The effective configuration: the file config (the default, and the only source of what needs a
 * restart) with what the settings page saved over it. Merged in the file's own format and run
 * through the file's own validator, so both obey the same rules and defaults (a `messageBurst` the
 * file leaves out follows `maxSubscriptionsPerSocket` in both).
 */

export const ALL_ACTIONS: readonly ContentAction[] = ['create', 'update', 'delete'];

/** Actions in their usual order, whatever order they were given in. */
export const orderedActions = (actions: Iterable<ContentAction>): ContentAction[] => {
  const given = new Set(actions);
  return ALL_ACTIONS.filter((action) => given.has(action));
};

/** An own property only: a stored uid like `__proto__` names nothing. */
export function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** What the file config says alone, and the raw object it was read from. */
export interface FileSettings {
  raw: Record<string, unknown>;
  config: ResolvedConfig;
}

const rawType = (uid: string, actions: readonly ContentAction[], populate: PopulateConfig | null | undefined) => ({
  uid,
  actions: [...actions],
  ...(populate === null || populate === undefined ? {} : { populate }),
});

/**
 * The file config with `stored` over it, validated like the file (throws the file's
 * `ConfigError`, naming the key). Types keep the file's order; types the page turned on follow.
 */
export function mergeSettings(file: FileSettings, stored: StoredSettings): ResolvedConfig {
  const overrides = stored.contentTypes ?? {};
  const contentTypes: ReturnType<typeof rawType>[] = [];
  const inFile = new Set<string>();
  for (const type of file.config.contentTypes) {
    inFile.add(type.uid);
    const override = own(overrides, type.uid);
    if (!override) contentTypes.push(rawType(type.uid, orderedActions(type.actions), type.populate));
    else if (override.enabled) contentTypes.push(rawType(type.uid, override.actions, override.populate));
  }
  for (const uid of Object.keys(overrides).sort()) {
    const override = overrides[uid]!;
    if (!inFile.has(uid) && override.enabled) contentTypes.push(rawType(uid, override.actions, override.populate));
  }
  const { maxSubscriptionsPerSocket, ...limits } = stored.limits ?? {};
  const fileLimits = file.raw.limits as Record<string, unknown> | undefined;
  const fileSecurity = file.raw.security as Record<string, unknown> | undefined;
  return validateConfig({
    ...file.raw,
    contentTypes,
    ...(maxSubscriptionsPerSocket !== undefined ? { maxSubscriptionsPerSocket } : {}),
    limits: { ...fileLimits, ...limits },
    security: { ...fileSecurity, ...stored.security },
  });
}

export function limitOf(config: ResolvedConfig, key: EditableLimit): number {
  return key === 'maxSubscriptionsPerSocket' ? config.maxSubscriptionsPerSocket : config.guard[key];
}

const samePopulate = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Whether an override says what the file says of the type (it is then not kept). */
function sameAsFile(file: FileSettings, uid: string, override: ContentTypeOverride): boolean {
  const type = file.config.contentTypes.find((entry) => entry.uid === uid);
  if (!type) return !override.enabled;
  return override.enabled && orderedActions(type.actions).join() === orderedActions(override.actions).join() && samePopulate(type.populate, override.populate);
}

// A limit whose default follows another is compared after that one is settled.
const NORMALIZE_ORDER: readonly EditableLimit[] = ['maxSubscriptionsPerSocket', 'messageBurst', 'messagesPerSecond', 'connectionsPerIp', 'liveQueriesPerPrincipal'];

/**
 * Drops what equals the file's value, so that `sources` says `file` for it and the file stays in
 * charge of it. A limit is compared with what it would be without its own override (its default
 * may follow another limit the page changed).
 */
export function normalize(file: FileSettings, stored: StoredSettings): StoredSettings {
  const result: StoredSettings = {};
  const types = Object.entries(stored.contentTypes ?? {}).filter(([uid, override]) => !sameAsFile(file, uid, override));
  if (types.length > 0) result.contentTypes = Object.fromEntries(types);
  const requireAuthentication = stored.security?.requireAuthentication;
  if (requireAuthentication !== undefined && requireAuthentication !== file.config.guard.requireAuthentication) result.security = { requireAuthentication };
  const limits: Partial<LimitSettings> = { ...stored.limits };
  for (const key of NORMALIZE_ORDER) {
    if (limits[key] === undefined) continue;
    const { [key]: value, ...others } = limits;
    if (limitOf(mergeSettings(file, { ...result, limits: others }), key) === value) delete limits[key];
  }
  if (Object.keys(limits).length > 0) result.limits = limits;
  return result;
}

/** A JSON-safe copy for display: functions, adapters and class instances are named, not sent. */
function displayable(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'function') return '[function]';
  if (value instanceof RegExp) return String(value);
  if (depth > 4 || typeof value !== 'object') return `[${typeof value}]`;
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => displayable(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return '[object]';
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, displayable(item, depth + 1)]));
}

/** What needs a restart, read-only; secrets (Redis password, metrics token, client options) are left out. */
function restartRequired(config: ResolvedConfig): Record<string, unknown> {
  const { guard, redis } = config;
  const metrics = (config as { metrics?: { enabled: boolean; path?: string } }).metrics;
  return {
    'socket.serverOptions': displayable(config.serverOptions),
    redis: redis ? { url: redactUrl(redis.url), adapter: redis.adapter, keyPrefix: redis.keyPrefix } : null,
    'limits.disconnectAfterRefused': guard.disconnectAfterRefused,
    'limits.liveQueriesPerNode': guard.liveQueriesPerNode,
    'limits.maxBufferedBytes': guard.maxBufferedBytes,
    'security.trustProxy': guard.trustedHops,
    'security.ipAllowList': guard.ipAllowList ?? null,
    'security.ipDenyList': guard.ipDenyList,
    'security.draftView': displayable(guard.draftView),
    events: config.events.map(({ name }) => name),
    'hooks.init': typeof config.hooks.init === 'function',
    ...(metrics ? { metrics: metrics.enabled ? { enabled: true, path: metrics.path } : { enabled: false } } : {}),
  };
}

/**
 * The settings page's view: every api content type (and any other the file or the page named),
 * the live limits and switches, what needs a restart, and where each editable value comes from.
 */
export function settingsView(strapi: Core.Strapi, file: FileSettings, stored: StoredSettings, config: ResolvedConfig): Settings {
  const uids = new Set(Object.keys(strapi.contentTypes).filter((uid) => uid.startsWith('api::')));
  for (const { uid } of file.config.contentTypes) uids.add(uid);
  for (const uid of Object.keys(stored.contentTypes ?? {})) uids.add(uid);
  const sources: Record<string, Source> = { contentTypes: Object.keys(stored.contentTypes ?? {}).length > 0 ? 'admin' : 'file' };
  const contentTypes: ContentTypeSetting[] = [];
  for (const uid of uids) {
    const info = typeInfo(strapi, uid);
    if (!info) continue;
    const enabled = config.contentTypes.find((entry) => entry.uid === uid);
    const override = own(stored.contentTypes, uid);
    const fromFile = file.config.contentTypes.find((entry) => entry.uid === uid);
    // A type that sends nothing shows what it would send if turned on again.
    const shown = enabled ?? (override ? { actions: override.actions, populate: override.populate } : fromFile);
    contentTypes.push({
      uid,
      displayName: info.displayName,
      kind: info.kind,
      enabled: enabled !== undefined,
      actions: orderedActions(shown?.actions ?? ALL_ACTIONS),
      populate: shown?.populate ?? null,
    });
    sources[`contentTypes.${uid}`] = override ? 'admin' : 'file';
  }
  contentTypes.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.uid.localeCompare(b.uid));
  sources['security.requireAuthentication'] = stored.security?.requireAuthentication !== undefined ? 'admin' : 'file';
  const limits = {} as LimitSettings;
  for (const key of EDITABLE_LIMITS) {
    limits[key] = limitOf(config, key);
    sources[`limits.${key}`] = stored.limits?.[key] !== undefined ? 'admin' : 'file';
  }
  return {
    contentTypes,
    security: { requireAuthentication: config.guard.requireAuthentication },
    limits,
    restartRequired: restartRequired(config),
    sources,
  };
}

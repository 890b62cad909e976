import type { Core } from '@strapi/strapi';
import type { ContentAction } from '@strapi-live/client/protocol';
import type { PopulateConfig, ResolvedConfig } from '../config/types';
import { ConfigError, LIMIT_RULES, isPlainObject, positiveNumber, validateContentType } from '../config/validate-config';
import { checkTypePopulate, resolveWatchedTypes, typeInfo } from '../delivery/content-types';
import type { WatchedType } from '../delivery/content-types';
import type { FieldError } from './contract';
import { limitOf, mergeSettings, normalize, orderedActions, own } from './settings-model';
import type { FileSettings } from './settings-model';
import { EDITABLE_LIMITS } from './settings-store';
import type { ContentTypeOverride, EditableLimit, StoredSettings } from './settings-store';

/** More entries than any app has content types is no settings form. */
const MAX_CONTENT_TYPES = 1000;
/** A populate bigger than this is no one's configuration (REST's own query strings are far smaller). */
const MAX_POPULATE_NODES = 2000;
const MAX_POPULATE_DEPTH = 16;
const MAX_POPULATE_STRING = 2000;

const SECTIONS = ['contentTypes', 'security', 'limits'];
const ENTRY_KEYS = ['uid', 'enabled', 'actions', 'populate', 'displayName', 'kind'];
const RESTART_SECURITY = ['trustProxy', 'ipAllowList', 'ipDenyList', 'draftView'];
const RESTART_LIMITS = ['disconnectAfterRefused', 'liveQueriesPerNode', 'maxBufferedBytes'];
const RESTART = 'needs a restart: change it in config/plugins (the io entry) and restart Strapi';

/** The result of checking a `PUT /io/settings` body against the settings in force. */
export type Checked =
  | { ok: true; stored: StoredSettings; config: ResolvedConfig; watched: Map<string, WatchedType> }
  | { ok: false; errors: FieldError[] };

/**
 * `"contentTypes[0].actions[1]" must be...` → `['contentTypes', '0', 'actions', '1']`. A position
 * inside a populate value is named by the message; the path stops at the form's field.
 */
function pathOf(error: ConfigError, fallback: string[]): string[] {
  const key = /^"([^"]+)"/.exec(error.message)?.[1];
  if (!key) return fallback;
  const parts = key.replace(/\[(\d+)\]/g, '.$1').split('.');
  const populate = parts.indexOf('populate');
  return populate >= 0 ? parts.slice(0, populate + 1) : parts;
}

/** Why a populate value is too big to look at, before anything walks it (no recursion here). */
function oversized(value: unknown): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (++nodes > MAX_POPULATE_NODES) return `has more than ${MAX_POPULATE_NODES} entries`;
    if (depth > MAX_POPULATE_DEPTH) return `is nested more than ${MAX_POPULATE_DEPTH} levels deep`;
    if (typeof item === 'string' && item.length > MAX_POPULATE_STRING) return `holds a string longer than ${MAX_POPULATE_STRING} characters`;
    if (typeof item === 'object' && item !== null) for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return undefined;
}

/**
 * Checks a `PUT /io/settings` body with the file config's own validators (content-type entries,
 * actions, populate through `checkPopulate` and Strapi's validator, the limits' rules), cheapest
 * first: shapes and sizes of everything before any populate is walked, and the database-free
 * checks before Strapi's. Every field error is reported, each with its path; on success, what to
 * save and the configuration it gives. Nothing is saved or applied here.
 */
export async function checkSettingsInput(strapi: Core.Strapi, file: FileSettings, current: StoredSettings, config: ResolvedConfig, input: unknown): Promise<Checked> {
  const errors: FieldError[] = [];
  const fail = (path: (string | number)[], message: string) => void errors.push({ path: path.map(String), message });
  if (!isPlainObject(input)) {
    fail([], 'The body must be an object { contentTypes?, security?, limits? }');
    return { ok: false, errors };
  }
  for (const key of Object.keys(input)) {
    if (SECTIONS.includes(key)) continue;
    fail([key], key === 'restartRequired' ? `restartRequired ${RESTART}` : key === 'sources' ? 'sources is read-only' : `"${key}" is not a setting of this page: send contentTypes, security or limits`);
  }

  const next: StoredSettings = { ...current, contentTypes: { ...current.contentTypes }, security: { ...current.security }, limits: { ...current.limits } };
  const populates: { index: number; uid: string; populate: PopulateConfig }[] = [];

  // contentTypes: one entry per type changed; a type not listed stays as it is.
  const types = input.contentTypes;
  if (types !== undefined) {
    if (!Array.isArray(types)) fail(['contentTypes'], 'contentTypes must be an array of { uid, enabled, actions, populate }');
    else if (types.length > MAX_CONTENT_TYPES) fail(['contentTypes'], `contentTypes may list at most ${MAX_CONTENT_TYPES} types`);
    else {
      const seen = new Set<string>();
      types.forEach((entry: unknown, i) => {
        const at = ['contentTypes', i];
        if (!isPlainObject(entry)) return fail(at, 'must be an object { uid, enabled, actions, populate }');
        const unknownKey = Object.keys(entry).find((key) => !ENTRY_KEYS.includes(key));
        if (unknownKey !== undefined) return fail([...at, unknownKey], `is not a content-type setting: use uid, enabled, actions and populate`);
        const { uid, enabled } = entry;
        if (typeof uid !== 'string' || uid.length > 200 || !typeInfo(strapi, uid)) {
          return fail([...at, 'uid'], `must be the uid of a content type of this app (got ${typeof uid === 'string' ? JSON.stringify(uid.slice(0, 200)) : typeof uid})`);
        }
        if (seen.has(uid)) return fail([...at, 'uid'], `${uid} is listed twice`);
        seen.add(uid);
        if (enabled !== undefined && typeof enabled !== 'boolean') return fail([...at, 'enabled'], 'must be true or false');
        const populate = entry.populate;
        if (populate !== undefined && populate !== null) {
          const tooBig = oversized(populate);
          if (tooBig) return fail([...at, 'populate'], `populate ${tooBig}`);
        }
        // Omitted fields keep what is in force (or what the type would send if turned on).
        const before = currentOf(file, current, config, uid);
        const actions = entry.actions === undefined ? before.actions : entry.actions;
        const wanted = populate === undefined ? before.populate : populate;
        let checked;
        try {
          checked = validateContentType({ uid, actions, ...(wanted === null ? {} : { populate: wanted }) }, `contentTypes[${i}]`);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          return fail(pathOf(error, at.map(String)), error.message);
        }
        const override: ContentTypeOverride = { enabled: enabled ?? before.enabled, actions: orderedActions(checked.actions), populate: checked.populate ?? null };
        next.contentTypes![uid] = override;
        if (override.populate !== null) populates.push({ index: i, uid, populate: override.populate });
      });
    }
  }

  const security = input.security;
  if (security !== undefined) {
    if (!isPlainObject(security)) fail(['security'], 'security must be an object { requireAuthentication }');
    else {
      for (const [key, value] of Object.entries(security)) {
        if (key === 'requireAuthentication') {
          if (typeof value !== 'boolean') fail(['security', key], 'must be true or false');
          else next.security!.requireAuthentication = value;
        } else fail(['security', key], RESTART_SECURITY.includes(key) ? `security.${key} ${RESTART}` : `"${key}" is not a security setting: use requireAuthentication`);
      }
    }
  }

  const limits = input.limits;
  if (limits !== undefined) {
    if (!isPlainObject(limits)) fail(['limits'], `limits must be an object { ${EDITABLE_LIMITS.join(', ')} }`);
    else {
      for (const [key, value] of Object.entries(limits)) {
        if (!EDITABLE_LIMITS.includes(key as EditableLimit)) {
          fail(['limits', key], RESTART_LIMITS.includes(key) ? `limits.${key} ${RESTART}` : `"${key}" is not a limit: use ${EDITABLE_LIMITS.join(', ')}`);
          continue;
        }
        try {
          // The file's rule for the same limit.
          next.limits![key as EditableLimit] = positiveNumber(value, `limits.${key}`, limitOf(config, key as EditableLimit), LIMIT_RULES[key as EditableLimit]);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          fail(['limits', key], error.message);
        }
      }
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  // Only now, with every shape right: populate against the schemas, then Strapi's own validator.
  for (const { index, uid, populate } of populates) {
    try {
      await checkTypePopulate(strapi, uid, populate, `contentTypes[${index}].populate`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      fail(['contentTypes', index, 'populate'], error.message);
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  // The whole, as the file would be checked: defaults that follow one another, event names that collide.
  const stored = normalize(file, next);
  try {
    const merged = mergeSettings(file, stored);
    return { ok: true, stored, config: merged, watched: resolveWatchedTypes(strapi, merged) };
  } catch (error) {
    const message = (error as Error).message.replace(/^Error regarding io config: /, '');
    return { ok: false, errors: [{ path: error instanceof ConfigError ? pathOf(error, []) : ['contentTypes'], message }] };
  }
}

/** A type's settings in force, or, for a type that sends nothing, what it would send if turned on. */
function currentOf(file: FileSettings, stored: StoredSettings, config: ResolvedConfig, uid: string): ContentTypeOverride {
  const enabled = config.contentTypes.find((entry) => entry.uid === uid);
  if (enabled) return { enabled: true, actions: orderedActions(enabled.actions), populate: enabled.populate ?? null };
  const override = own(stored.contentTypes, uid);
  if (override) return { ...override, enabled: false };
  const fromFile = file.config.contentTypes.find((entry) => entry.uid === uid);
  return { enabled: false, actions: fromFile ? orderedActions(fromFile.actions) : (['create', 'update', 'delete'] as ContentAction[]), populate: fromFile?.populate ?? null };
}

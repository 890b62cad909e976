import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { CollectionQuery, DocumentStatus } from '@strapi-live/client/protocol';
import type { AuthContext } from '../auth/principal';
import type { WatchedType } from '../delivery/content-types';
import { AckError } from '../socket/ack';
import { isPlainObject } from '../socket/validate-payload';
import { filterShapeProblem } from './filter-shape';

const MAX_FILTERS_BYTES = 10_000;
const MAX_FILTERS_DEPTH = 12;
const LOCALE = /^[A-Za-z0-9-]{1,35}$/;

/** A collection query after validation: what is evaluated, and the id it is shared under. */
export interface QueryDefinition {
  id: string;
  uid: string;
  filters: Record<string, unknown>;
  status: DocumentStatus;
  locale: string | undefined;
}

/**
 * How deep a client's filters nest (`{}` is 1, a scalar 0), or `undefined` when they hold more than
 * `maxValues` values (their JSON is then longer than that too). Walked without recursion and with a
 * budget: a payload may nest 100,000 levels in 1 MB, where `JSON.stringify` or a recursive walk
 * overflows the stack, and may be a 1 MB array, whose items must not be spread into arguments.
 */
export function depthWithin(value: unknown, maxValues: number): number | undefined {
  let values = 1;
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (ArrayBuffer.isView(current)) {
      // Binary (a Buffer is an object too): one value per byte, as its JSON has.
      values += current.byteLength;
      if (values > maxValues) return undefined;
      deepest = Math.max(deepest, depth + 1);
      continue;
    }
    const children = Array.isArray(current) ? current : isPlainObject(current) ? Object.values(current) : undefined;
    if (!children) continue;
    deepest = Math.max(deepest, depth + 1);
    values += children.length;
    if (values > maxValues) return undefined;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Stable JSON: keys sorted, so equal queries get equal ids whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Reads a `subscribe` payload. Filters are checked by Strapi's own content-API validator with the
 * subscriber's rights, exactly as `GET /api/<plural>?filters=` would check them, so a filter on a
 * private field or on a relation the subscriber may not read is refused, not silently dropped.
 */
export async function readQuery(
  strapi: Core.Strapi,
  payload: unknown,
  typeOf: (uid: string) => WatchedType,
  auth: AuthContext,
): Promise<QueryDefinition> {
  if (!isPlainObject(payload)) throw new AckError('INVALID_PAYLOAD', 'Expected an object { uid, filters?, status?, locale?, populates? }');
  for (const key of Object.keys(payload)) {
    // `populates` says which related types the reads show (see populated-types.ts), not which documents match.
    if (!['uid', 'filters', 'status', 'locale', 'populates'].includes(key)) {
      throw new AckError('INVALID_PAYLOAD', `Unknown key "${key.slice(0, 40)}": a subscription takes uid, filters, status, locale and populates`);
    }
  }
  const { uid, filters = {}, status = 'published', locale } = payload as CollectionQuery & Record<string, unknown>;
  if (typeof uid !== 'string' || uid === '' || uid.length > 200) {
    throw new AckError('INVALID_PAYLOAD', "uid must be a content-type uid such as 'api::article.article'");
  }
  const type = typeOf(uid);
  if (!isPlainObject(filters)) throw new AckError('INVALID_QUERY', 'filters must be an object in Strapi filter syntax');
  // Shape first, so that the JSON below is never taken of something too deep for the stack.
  const depth = depthWithin(filters, MAX_FILTERS_BYTES);
  if (depth === undefined || JSON.stringify(filters).length > MAX_FILTERS_BYTES) {
    throw new AckError('INVALID_QUERY', `filters must be at most ${MAX_FILTERS_BYTES} bytes of JSON`);
  }
  if (depth > MAX_FILTERS_DEPTH) throw new AckError('INVALID_QUERY', `filters may nest at most ${MAX_FILTERS_DEPTH} levels`);
  const shape = filterShapeProblem(filters);
  if (shape) throw new AckError('INVALID_QUERY', `Invalid filters: ${shape}`);
  if (status !== 'published' && status !== 'draft') throw new AckError('INVALID_QUERY', "status must be 'published' or 'draft'");
  if (status === 'draft' && !type.draftAndPublish) throw new AckError('INVALID_QUERY', `${uid} has no draft & publish: omit status`);
  if (locale !== undefined && (typeof locale !== 'string' || !LOCALE.test(locale))) {
    throw new AckError('INVALID_QUERY', 'locale must be a locale code such as "en" or "fr-FR"');
  }

  const schema = strapi.getModel(uid as never);
  try {
    await strapi.contentAPI.validate.filters(filters, schema, { auth: auth as never });
  } catch (error) {
    // Strapi's message quotes the offending key, which the client chose (and may make 10 kB long).
    throw new AckError('INVALID_QUERY', `Invalid filters: ${String((error as Error).message).slice(0, 300)}`);
  }
  const sanitized = (await strapi.contentAPI.sanitize.filters(filters, schema, { auth: auth as never })) as Record<string, unknown>;
  const effectiveLocale = type.localized ? locale : undefined;
  const id = queryId(uid, sanitized, status, effectiveLocale);
  return {
    id,
    uid,
    filters: sanitized,
    status,
    locale: effectiveLocale,
  };
}

/** The id a query is shared under: equal queries, whatever their key order, get equal ids. */
function queryId(uid: string, filters: Record<string, unknown>, status: DocumentStatus, locale: string | undefined): string {
  return createHash('sha256')
    .update(canonical({ uid, filters, status, locale: locale ?? null }))
    .digest('base64url')
    .slice(0, 16);
}

/**
 * The id `readQuery` would give a payload whose filters Strapi leaves as they are (any filters a
 * connection already holds), without validating anything: what a connection at its limit may still
 * repeat. Undefined for a payload of the wrong shape.
 */
export function quickQueryId(payload: unknown, typeOf: (uid: string) => WatchedType | undefined): string | undefined {
  if (!isPlainObject(payload)) return undefined;
  const { uid, filters = {}, status = 'published', locale } = payload as Record<string, unknown>;
  if (typeof uid !== 'string' || !isPlainObject(filters) || (status !== 'published' && status !== 'draft')) return undefined;
  // Not validated yet: as deep or as large as no held query is, it cannot be one (and `canonical` recurses).
  const depth = depthWithin(filters, MAX_FILTERS_BYTES);
  if (depth === undefined || depth > MAX_FILTERS_DEPTH) return undefined;
  if (locale !== undefined && typeof locale !== 'string') return undefined;
  let localized: boolean | undefined;
  try {
    localized = typeOf(uid)?.localized;
  } catch {
    return undefined;
  }
  if (localized === undefined) return undefined;
  return queryId(uid, filters, status, localized ? (locale as string | undefined) : undefined);
}

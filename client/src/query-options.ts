import { hashKey } from '@tanstack/query-core';
import type { CollectionQuery, DocumentStatus } from './protocol';
import { formatSort, parseSort } from './sort';
import type { SortField, SortInput } from './sort';

/** Strapi's `populate` parameter: `'*'`, names, or the object form with nested options. */
export type PopulateInput = string | readonly string[] | { readonly [relation: string]: unknown };

/**
 * What a live collection shows: the options of `GET /api/<plural>`. `filters`, `status` and
 * `locale` decide which documents are in the list (the server evaluates them for the
 * subscription); `sort`, `populate`, `fields` and `pagination` only shape the REST reads.
 */
export interface CollectionOptions {
  filters?: Record<string, unknown>;
  sort?: SortInput;
  populate?: PopulateInput;
  fields?: string | readonly string[];
  status?: DocumentStatus;
  locale?: string;
  /** One page of the list. Without it the whole list is live (read in pages of 100). */
  pagination?: { page?: number; pageSize: number };
}

/**
 * What one live document shows: the options of `GET /api/<plural>/:documentId` (a live entity) or
 * `GET /api/<singular>` (a live single type). `status` and `locale` pick the entry the server
 * follows; `populate` and `fields` only shape the REST reads.
 */
export interface EntityOptions {
  populate?: PopulateInput;
  fields?: string | readonly string[];
  status?: DocumentStatus;
  locale?: string;
}

/** A query after normalization: what is sent to the server, what goes to REST, and the cache key. */
export interface NormalizedQuery {
  /** A list, one document by documentId, or the one entry of a single type. */
  kind: 'collection' | 'entity' | 'single';
  uid: string;
  documentId?: string;
  /** The collection subscription: `{ uid, filters?, status?, locale? }`. */
  server: CollectionQuery;
  /** Identifies {@link server}: queries that differ only in REST options share it. */
  serverHash: string;
  /** REST parameters other than pagination. */
  rest: Record<string, unknown>;
  sort: SortField[];
  page?: { page: number; pageSize: number };
  /** The TanStack Query key the data is stored under. */
  queryKey: readonly unknown[];
  queryHash: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/** A deep copy with object keys sorted and `undefined` dropped, so equal queries look equal. */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = value[key];
      if (item !== undefined) result[key] = canonicalize(item);
    }
    return result;
  }
  return value;
}

function withoutEmpty(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined && !(isPlainObject(value) && Object.keys(value).length === 0)),
  );
}

function normalizeFields(fields: string | readonly string[] | undefined): string[] | undefined {
  if (fields === undefined) return undefined;
  return (typeof fields === 'string' ? fields.split(',') : [...fields]).map((field) => field.trim()).filter(Boolean);
}

function serverQuery(uid: string, filters: Record<string, unknown> | undefined, status: DocumentStatus | undefined, locale: string | undefined): CollectionQuery {
  return withoutEmpty({ uid, filters: filters && canonicalize(filters), status: status === 'draft' ? 'draft' : undefined, locale }) as unknown as CollectionQuery;
}

/**
 * The TanStack Query key of a live collection, for reading the cache directly.
 *
 * @example
 * queryClient.getQueryData(liveQueryKey('api::article.article', { sort: 'title' }))
 */
export function liveQueryKey(uid: string, options: CollectionOptions = {}): readonly unknown[] {
  return normalizeCollection(uid, options).queryKey;
}

/** The TanStack Query key of a live entity. */
export function liveEntityKey(uid: string, documentId: string, options: EntityOptions = {}): readonly unknown[] {
  return normalizeEntity(uid, documentId, options).queryKey;
}

/**
 * The TanStack Query key of a live single type (one per locale and view).
 *
 * @example
 * queryClient.getQueryData(liveSingleKey('api::homepage.homepage', { locale: 'fr' }))
 */
export function liveSingleKey(uid: string, options: EntityOptions = {}): readonly unknown[] {
  return normalizeSingle(uid, options).queryKey;
}

function assertUid(uid: string): void {
  if (typeof uid !== 'string' || uid === '') throw new TypeError("uid must be a content-type uid such as 'api::article.article'");
}

/** The REST parameters of a read of one document (an entity, or a single type's entry). */
function documentRest(options: EntityOptions): Record<string, unknown> {
  return withoutEmpty({
    populate: options.populate === undefined ? undefined : canonicalize(options.populate),
    fields: normalizeFields(options.fields),
    status: options.status === 'draft' ? 'draft' : undefined,
    locale: options.locale,
  });
}

export function normalizeCollection(uid: string, options: CollectionOptions = {}): NormalizedQuery {
  assertUid(uid);
  const sort = parseSort(options.sort);
  const { pagination } = options;
  let page: NormalizedQuery['page'];
  if (pagination !== undefined) {
    const number = pagination.page ?? 1;
    if (!Number.isInteger(number) || number < 1) throw new TypeError('pagination.page must be an integer of at least 1');
    if (!Number.isInteger(pagination.pageSize) || pagination.pageSize < 1) throw new TypeError('pagination.pageSize must be a positive integer');
    page = { page: number, pageSize: pagination.pageSize };
  }
  const server = serverQuery(uid, options.filters, options.status, options.locale);
  const rest = withoutEmpty({
    filters: options.filters && canonicalize(options.filters),
    sort: sort.length > 0 ? formatSort(sort) : undefined,
    populate: options.populate === undefined ? undefined : canonicalize(options.populate),
    fields: normalizeFields(options.fields),
    status: options.status === 'draft' ? 'draft' : undefined,
    locale: options.locale,
  });
  const queryKey = ['strapi-live', uid, 'collection', canonicalize({ ...rest, pagination: page })] as const;
  return { kind: 'collection', uid, server, serverHash: hashKey([server]), rest, sort, page, queryKey, queryHash: hashKey(queryKey) };
}

export function normalizeEntity(uid: string, documentId: string, options: EntityOptions = {}): NormalizedQuery {
  assertUid(uid);
  if (typeof documentId !== 'string' || documentId === '') throw new TypeError('documentId must be a non-empty string');
  const server = serverQuery(uid, { documentId: { $eq: documentId } }, options.status, options.locale);
  const rest = documentRest(options);
  const queryKey = ['strapi-live', uid, 'entity', documentId, canonicalize(rest)] as const;
  return { kind: 'entity', uid, documentId, server, serverHash: hashKey([server]), rest, sort: [], queryKey, queryHash: hashKey(queryKey) };
}

/**
 * A single type's entry: a subscription to the whole type (its one entry in that locale and view,
 * whatever its documentId, so an entry deleted and created again is followed), read at its path.
 */
export function normalizeSingle(uid: string, options: EntityOptions = {}): NormalizedQuery {
  assertUid(uid);
  const server = serverQuery(uid, undefined, options.status, options.locale);
  const rest = documentRest(options);
  const queryKey = ['strapi-live', uid, 'single', canonicalize(rest)] as const;
  return { kind: 'single', uid, server, serverHash: hashKey([server]), rest, sort: [], queryKey, queryHash: hashKey(queryKey) };
}

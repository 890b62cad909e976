/**
 * Reads, inside a write's transaction, what the live queries need to decide enter / update / leave
 * without asking the database once per query: the written document's states (every locale, both
 * views) with exactly the attributes and relation paths live queries on its type read, and, when
 * live queries of other types filter through this one (articles by `category.slug`), the states
 * of those documents that are related to it. One read per type and moment (before the write, after
 * it), whatever the number of queries. `trx` is the write's transaction, for the database's verdicts.
 */
import type { Core } from '@strapi/strapi';
import type { DocumentStatus } from '@strapi-live/client/protocol';
import { loadStates } from './matcher';
import type { DocumentState, StateReader } from './matcher';
import type { ModelLookup } from './model-info';

/** A document's state in each view of one locale; null where that view has no row. */
export interface ViewStates {
  published: DocumentState | null;
  draft: DocumentState | null;
}

/** One document of another type whose live queries reach the written one, in one view and locale. */
export interface DependentKey {
  uid: string;
  documentId: string;
  locale: string | null;
  status: DocumentStatus;
}

export type DependentStates = Map<string, DependentKey & { state: DocumentState }>;

export const dependentKey = ({ uid, documentId, locale, status }: DependentKey) => `${uid}\u0000${documentId}\u0000${locale ?? ''}\u0000${status}`;

interface Row extends Record<string, unknown> {
  documentId: string;
  locale?: string | null;
  publishedAt?: unknown;
}

/** Documents a write names in its relations, by type. */
export type Mentioned = Map<string, { documentIds: string[]; ids: number[] }>;

/** Every document id in a relation value of a write: strings, numbers, `{ documentId }`, `{ id }`, and `connect`/`set`/`disconnect` lists. */
function collectIds(value: unknown, into: { documentIds: string[]; ids: number[] }): void {
  if (typeof value === 'string') into.documentIds.push(value);
  else if (typeof value === 'number') into.ids.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectIds(item, into));
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.documentId === 'string') into.documentIds.push(record.documentId);
    if (typeof record.id === 'number') into.ids.push(record.id);
    for (const key of ['connect', 'set', 'disconnect']) if (key in record) collectIds(record[key], into);
  }
}

/** Where a `from` document reaches `target` through a relation path: `{ category: { documentId } }`. */
function whereThrough(path: readonly string[], documentId: string): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, segment) => ({ [segment]: inner }), { documentId });
}

export function createStateLoader({
  strapi,
  models,
  pathsOf,
  hasQueries,
  uidsWithQueries,
  draftAndPublish,
  judge,
  stats,
}: {
  strapi: Core.Strapi;
  models: ModelLookup;
  /** Paths the live queries on a type read. */
  pathsOf: (uid: string) => (readonly string[])[];
  /** Whether a type has live queries. */
  hasQueries: (uid: string) => boolean;
  uidsWithQueries: () => Iterable<string>;
  draftAndPublish: (uid: string) => boolean;
  /**
   * Called for every state read, still inside the write's transaction: where the matcher cannot
   * decide a live query on a state, the database is asked now, while it holds that state.
   */
  judge: (uid: string, state: DocumentState, key: DependentKey, trx: unknown) => Promise<void>;
  stats: { stateReads: number };
}) {
  /** Rows of `uid` matching `where`, with what `paths` read, and their locale and publication. */
  async function rowsOf(uid: string, where: Record<string, unknown>, paths: (readonly string[])[]): Promise<Row[]> {
    stats.stateReads += 1;
    return (await loadStates(strapi.db as unknown as StateReader, uid, where, [...paths, ['locale'], ['publishedAt']], models)) as Row[];
  }

  const statusOf = (uid: string, row: Row): DocumentStatus => (draftAndPublish(uid) && !row.publishedAt ? 'draft' : 'published');

  /** Relation paths from each type with live queries to `uid` (the prefixes of their paths that land on it). */
  function routesTo(uid: string): { from: string; prefixes: (readonly string[])[]; paths: (readonly string[])[] }[] {
    const routes = [];
    for (const from of uidsWithQueries()) {
      const paths = pathsOf(from);
      const prefixes = new Map<string, readonly string[]>();
      for (const path of paths) {
        let model = models(from);
        for (let hop = 0; hop < path.length - 1 && model; hop += 1) {
          const attribute = model.attributes[path[hop]!];
          if (attribute?.type !== 'relation' || !attribute.target) break;
          if (attribute.target === uid) prefixes.set(path.slice(0, hop + 1).join('.'), path.slice(0, hop + 1));
          model = models(attribute.target);
        }
      }
      if (prefixes.size > 0) routes.push({ from, prefixes: [...prefixes.values()], paths });
    }
    return routes;
  }

  return {
    /** Whether anything must be read for a write of `uid`. */
    wants(uid: string): boolean {
      return hasQueries(uid) || routesTo(uid).length > 0;
    },

    /** The written document's states per locale (one read); null when no live query reads its type. */
    async statesOf(uid: string, documentId: string, locale: string | undefined, trx: unknown): Promise<Map<string | null, ViewStates> | null> {
      if (!hasQueries(uid)) return null;
      const paths = pathsOf(uid);
      const states = new Map<string | null, ViewStates>();
      for (const row of await rowsOf(uid, locale ? { documentId, locale } : { documentId }, paths)) {
        const entry = states.get(row.locale ?? null) ?? { published: null, draft: null };
        const status = statusOf(uid, row);
        entry[status] = row;
        states.set(row.locale ?? null, entry);
        await judge(uid, row, { uid, documentId, locale: row.locale ?? null, status }, trx);
      }
      return states;
    },

    /**
     * The documents of other types whose live queries filter through this one and that are related
     * to it now, with their states (one read per such type). `mentioned` adds the documents the
     * write names in its relations (read before it, they are the ones it is about to link); after
     * the write, `before` adds what was found before, since a document the write unlinked changed too.
     */
    async dependentsOf(uid: string, documentId: string | undefined, trx: unknown, mentioned: Mentioned, before?: DependentStates): Promise<DependentStates> {
      const found: DependentStates = new Map();
      for (const { from, prefixes, paths } of routesTo(uid)) {
        const known = [...(before?.values() ?? [])].filter((entry) => entry.uid === from).map((entry) => entry.documentId);
        const named = mentioned.get(from);
        const documentIds = [...new Set([...known, ...(named?.documentIds ?? [])])];
        const conditions = [
          ...(documentId ? prefixes.map((prefix) => whereThrough(prefix, documentId)) : []),
          ...(documentIds.length > 0 ? [{ documentId: { $in: documentIds } }] : []),
          ...(named && named.ids.length > 0 ? [{ id: { $in: named.ids } }] : []),
        ];
        if (conditions.length === 0) continue;
        const where = conditions.length === 1 ? conditions[0]! : { $or: conditions };
        for (const row of await rowsOf(from, where, paths)) {
          const key = { uid: from, documentId: row.documentId, locale: row.locale ?? null, status: statusOf(from, row) };
          found.set(dependentKey(key), { ...key, state: row });
          await judge(from, row, key, trx);
        }
      }
      return found;
    },

    /**
     * The documents of types with live queries that a write's `data` names in its relations
     * (`articles: { connect: [...] }`, a `set`, a list, one id), by type: their states must be read
     * before the write links them.
     */
    mentionedIn(uid: string, data: unknown): Mentioned {
      const mentioned: Mentioned = new Map();
      if (!data || typeof data !== 'object') return mentioned;
      const model = models(uid);
      const targets = new Set(routesTo(uid).map(({ from }) => from));
      for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
        const attribute = model?.attributes[name];
        if (attribute?.type !== 'relation' || !attribute.target || !targets.has(attribute.target)) continue;
        const entry = mentioned.get(attribute.target) ?? { documentIds: [], ids: [] };
        collectIds(value, entry);
        mentioned.set(attribute.target, entry);
      }
      return mentioned;
    },
  };
}

export type StateLoader = ReturnType<typeof createStateLoader>;

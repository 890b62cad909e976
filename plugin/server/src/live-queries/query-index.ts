/**
 * The live queries of one node, indexed so that a write finds the few queries it can concern
 * without testing them all. Queries are grouped by scope (type, view, locale); within a scope, a
 * query whose filter requires an equality (`{ owner: { id: { $eq: 7 } } }`, `{ slug: { $in: [...] } }`)
 * is filed under that path and its values, so every user's "my orders" query of the same shape
 * shares one hash map and a write looks up only the values the document holds. The others are
 * scanned. Per write: O(indexed paths of the scope + candidates), not O(queries).
 *
 * Pure: no Strapi, no sockets. What a value's key is comes from the matcher (`keyOf`), so the index
 * and the matcher agree on equality.
 */

/** What the index needs of a live query. */
export interface IndexedQuery {
  readonly id: string;
  /** `scopeKey(uid, status, locale)` of the query. */
  readonly scope: string;
  /** Attribute paths the filter reads (relative to the query's type). */
  readonly paths: readonly (readonly string[])[];
  /** A conjunctive equality: only documents with a value at `path` whose key is in `keys` can match. */
  readonly index?: { readonly path: readonly string[]; readonly keys: readonly string[] };
}

/** The key of a document's value at an indexed path; undefined when it can equal no filter value. */
export type KeyOf = (path: readonly string[], value: unknown) => string | undefined;

export const scopeKey = (uid: string, status: string, locale: string | null | undefined) => `${uid}\u0000${status}\u0000${locale ?? ''}`;

interface PathIndex<Q> {
  path: readonly string[];
  byKey: Map<string, Set<Q>>;
  size: number;
}

interface Scope<Q> {
  indexes: Map<string, PathIndex<Q>>;
  /** Queries without an indexable equality: tested on every write of the scope. */
  scanned: Set<Q>;
  size: number;
}

const pathKey = (path: readonly string[]) => path.join('.');

/** What a scope without candidates answers (shared: read-only). */
const NONE: ReadonlySet<never> = new Set();

/**
 * The values a state holds at `path`: to-one relations are objects, to-many relations arrays
 * (every element's values count, as a SQL join's rows do). A null holds no value.
 */
export function valuesAt(state: unknown, path: readonly string[], from = 0): unknown[] {
  if (state === null || state === undefined) return [];
  if (Array.isArray(state)) return state.flatMap((item) => valuesAt(item, path, from));
  if (from === path.length) return [state];
  if (typeof state !== 'object') return [];
  return valuesAt((state as Record<string, unknown>)[path[from]!], path, from + 1);
}

export function createQueryIndex<Q extends IndexedQuery>() {
  const scopes = new Map<string, Scope<Q>>();
  const queries = new Map<string, Q>();
  /** Per uid, how many live queries read each path: what a write of that uid must load. */
  const pathCounts = new Map<string, Map<string, { path: readonly string[]; count: number }>>();
  /** Per uid, how many live queries there are (a query without filters reads no path, but counts). */
  const queryCounts = new Map<string, number>();

  function countPaths(uid: string, query: Q, delta: 1 | -1): void {
    const queriesOfUid = (queryCounts.get(uid) ?? 0) + delta;
    if (queriesOfUid > 0) queryCounts.set(uid, queriesOfUid);
    else queryCounts.delete(uid);
    const counts = pathCounts.get(uid) ?? new Map<string, { path: readonly string[]; count: number }>();
    for (const path of query.paths) {
      const key = pathKey(path);
      const entry = counts.get(key) ?? { path, count: 0 };
      entry.count += delta;
      if (entry.count > 0) counts.set(key, entry);
      else counts.delete(key);
    }
    if (counts.size > 0) pathCounts.set(uid, counts);
    else pathCounts.delete(uid);
  }

  return {
    get size(): number {
      return queries.size;
    },

    get(id: string): Q | undefined {
      return queries.get(id);
    },

    values(): IterableIterator<Q> {
      return queries.values();
    },

    add(query: Q, uid: string): void {
      if (queries.has(query.id)) return;
      queries.set(query.id, query);
      countPaths(uid, query, 1);
      const scope = scopes.get(query.scope) ?? { indexes: new Map(), scanned: new Set<Q>(), size: 0 };
      scopes.set(query.scope, scope);
      scope.size += 1;
      if (!query.index || query.index.keys.length === 0) {
        scope.scanned.add(query);
        return;
      }
      const key = pathKey(query.index.path);
      const index = scope.indexes.get(key) ?? { path: query.index.path, byKey: new Map<string, Set<Q>>(), size: 0 };
      scope.indexes.set(key, index);
      index.size += 1;
      for (const value of new Set(query.index.keys)) {
        const bucket = index.byKey.get(value) ?? new Set<Q>();
        bucket.add(query);
        index.byKey.set(value, bucket);
      }
    },

    remove(id: string, uid: string): void {
      const query = queries.get(id);
      if (!query) return;
      queries.delete(id);
      countPaths(uid, query, -1);
      const scope = scopes.get(query.scope);
      if (!scope) return;
      scope.size -= 1;
      if (!query.index || query.index.keys.length === 0) scope.scanned.delete(query);
      else {
        const key = pathKey(query.index.path);
        const index = scope.indexes.get(key);
        if (index) {
          for (const value of query.index.keys) {
            const bucket = index.byKey.get(value);
            bucket?.delete(query);
            if (bucket?.size === 0) index.byKey.delete(value);
          }
          index.size -= 1;
          if (index.size === 0) scope.indexes.delete(key);
        }
      }
      if (scope.size === 0) scopes.delete(query.scope);
    },

    /**
     * The queries of a scope that a document can concern, given its states (before and after the
     * write): each indexed path looked up with the values the states hold, plus the scanned ones.
     */
    candidates(scope: string, states: readonly unknown[], keyOf: KeyOf): ReadonlySet<Q> {
      const entry = scopes.get(scope);
      if (!entry) return NONE;
      // Mostly one set contributes (the bucket of the value both states hold, where every user's
      // "my orders" of one shape is filed): it is handed out as it is, not copied query by query.
      let only: ReadonlySet<Q> | undefined = entry.scanned.size > 0 ? entry.scanned : undefined;
      let merged: Set<Q> | undefined;
      for (const index of entry.indexes.values()) {
        for (const state of states) {
          for (const value of valuesAt(state, index.path)) {
            const key = keyOf(index.path, value);
            const bucket = key === undefined ? undefined : index.byKey.get(key);
            if (!bucket || bucket === only) continue;
            if (!only) only = bucket;
            else for (const query of bucket) (merged ??= new Set(only)).add(query);
          }
        }
      }
      return merged ?? only ?? NONE;
    },

    /** Every query of a scope (for a change whose states were not read). */
    inScope(scope: string): Set<Q> {
      const entry = scopes.get(scope);
      const found = new Set<Q>(entry?.scanned);
      for (const index of entry?.indexes.values() ?? []) for (const bucket of index.byKey.values()) for (const query of bucket) found.add(query);
      return found;
    },

    /** The types that have live queries. */
    uids(): IterableIterator<string> {
      return queryCounts.keys();
    },

    /** Whether a type has live queries (a write of it must load its states, even with no path to read). */
    has(uid: string): boolean {
      return queryCounts.has(uid);
    },

    /** The paths live queries on `uid` read, deduplicated: what a write of `uid` must load. */
    pathsOf(uid: string): (readonly string[])[] {
      return [...(pathCounts.get(uid)?.values() ?? [])].map(({ path }) => path);
    },
  };
}

export type QueryIndex<Q extends IndexedQuery> = ReturnType<typeof createQueryIndex<Q>>;

/**
 * The equality a filter requires, for indexing live queries by value: a column compared with `$eq`,
 * `$in` or an implicit equality at a position every match passes through (the root object, `$and`,
 * relation nesting — never `$or` or `$not`). A document can then match only if one of its values at
 * that path has one of the keys; to-many paths count every related row's value, as the join does.
 */
import { isRecord } from './normalize';
import { Cast } from './process-where';
import type { Column, Processed } from './process-where';

export interface EqualityIndex {
  readonly path: readonly string[];
  readonly keys: readonly string[];
}

const IDENTITY = new Set(['id', 'documentId']);
const SAME_ON_EVERY_VERSION = new Set(['documentId', 'locale']);

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function keyOf(column: Column, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const comparable = value instanceof Cast ? value.value : column.kind.cast(value);
  // SQLite hands big integers back rounded to doubles: a document's key could not be trusted.
  if (typeof comparable === 'bigint' && (comparable >= SAFE || comparable <= -SAFE)) return undefined;
  return column.kind.key(comparable);
}

/** Keys of the values an equality accepts; undefined when it accepts NULL or is not an equality. */
function keysOf(column: Column, values: readonly unknown[], dropNull: boolean): string[] | undefined {
  const keys = new Set<string>();
  for (const value of values) {
    if (value === null) {
      if (dropNull) continue;
      return undefined;
    }
    const key = keyOf(column, value);
    if (key === undefined) return undefined;
    keys.add(key);
  }
  return [...keys];
}

function equalityKeys(column: Column, where: unknown): string[] | undefined {
  if (!isRecord(where)) {
    // `x IN (a, NULL)` is TRUE only for a.
    if (Array.isArray(where)) return keysOf(column, where, true);
    return where === null ? undefined : keysOf(column, [where], false);
  }
  let best: string[] | undefined;
  for (const [operator, value] of Object.entries(where)) {
    let keys: string[] | undefined;
    // `$eq: []` is an empty OR, which knex drops: no condition, not "nothing".
    if (operator === '$eq') keys = Array.isArray(value) ? (value.length === 0 ? undefined : keysOf(column, value, false)) : keysOf(column, [value], false);
    else if (operator === '$in') keys = keysOf(column, Array.isArray(value) ? value : [value], true);
    if (keys && (!best || keys.length < best.length)) best = keys;
  }
  return best;
}

export function equalityIndex(processed: Processed): EqualityIndex | undefined {
  const candidates: EqualityIndex[] = [];
  const { aliases, columns } = processed;

  function collect(where: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(where)) {
      if (key === '$and') {
        for (const item of value as unknown[]) if (isRecord(item)) collect(item);
        continue;
      }
      if (key === '$or' || key === '$not') continue;
      const column = columns.get(key);
      if (!column) continue;
      // Through a relation that links a draft and a published row, a state may hold only one of them.
      const alias = aliases[column.alias];
      let throughVersions = false;
      for (let current = alias; current && current.index > 0; current = aliases[current.parent]) {
        if (current.versioned && !(current === alias && SAME_ON_EVERY_VERSION.has(column.attribute))) throughVersions = true;
      }
      if (throughVersions) continue;
      const keys = equalityKeys(column, value);
      if (keys) candidates.push({ path: alias!.path.concat(column.attribute), keys });
    }
  }

  collect(processed.where);
  const rank = (candidate: EqualityIndex) => [IDENTITY.has(candidate.path[candidate.path.length - 1]!) ? 0 : 1, candidate.keys.length, candidate.path.length];
  candidates.sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
  const best = candidates[0];
  return best && { path: internPath(best.path), keys: best.keys };
}

/** Index paths are few (attribute paths of the models): queries share one array per path. */
const PATHS = new Map<string, readonly string[]>();
const MAX_PATHS = 10_000;

function internPath(path: readonly string[]): readonly string[] {
  const key = JSON.stringify(path);
  const known = PATHS.get(key);
  if (known) return known;
  if (PATHS.size >= MAX_PATHS) PATHS.clear();
  PATHS.set(key, path);
  return path;
}

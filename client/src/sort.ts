/**
 * Strapi's `sort` parameter, evaluated on the client so that a live list keeps the order a fresh
 * REST request would return. Accepts every form Strapi's REST API accepts: `'title'`,
 * `'title:desc'`, `'title:asc,publishedAt:desc'`, `['title', 'id:desc']`, `{ title: 'desc' }`,
 * `[{ title: 'desc' }]`, and dotted relation paths (`'category.name'`, `{ category: { name: 'asc' } }`).
 *
 * Comparison follows the database, as the subscribe acknowledgement describes it ({@link DatabaseOrder};
 * SQLite's, Strapi's default, when it does not): NULL sorts first ascending (SQLite, MySQL) or last
 * (PostgreSQL), text compares by code point (binary collation: `'B' < 'a'`), numbers numerically,
 * booleans `false < true`, and numbers before text. Under a linguistic collation (`a < B < é`), which
 * the SDK does not reproduce, {@link createDatabaseComparator} says when an order depends on it.
 * Strapi appends `id` to a paginated sort, so `id` breaks every tie; with no sort the order is `id`.
 */
import type { DatabaseOrder } from './protocol';

/** Strapi's `sort` parameter, in any of its REST forms. */
export type SortInput = string | SortObject | ReadonlyArray<string | SortObject>;
export interface SortObject {
  [field: string]: 'asc' | 'desc' | 'ASC' | 'DESC' | SortObject;
}

export interface SortField {
  /** Attribute path: `['title']`, or `['category', 'name']` through a relation. */
  path: readonly string[];
  direction: 'asc' | 'desc';
}

/** Thrown by {@link parseSort} for a sort Strapi would refuse. */
export class InvalidSortError extends Error {
  override readonly name = 'InvalidSortError';
}

function direction(raw: string, field: string): 'asc' | 'desc' {
  const order = raw.trim().toLowerCase();
  if (order !== 'asc' && order !== 'desc') throw new InvalidSortError(`Sort order of "${field}" must be asc or desc (got "${raw}")`);
  return order;
}

function fromString(sort: string): SortField[] {
  return sort
    .split(',')
    .map((segment) => segment.trim())
    .filter((segment) => segment.length > 0 && segment.split(':')[0]!.trim().length > 0)
    .map((segment) => {
      const [field = '', order = 'asc'] = segment.split(':');
      const name = field.trim();
      return { path: name.split('.'), direction: direction(order, name) };
    });
}

function fromObject(sort: SortObject, prefix: readonly string[] = []): SortField[] {
  const fields: SortField[] = [];
  for (const [key, order] of Object.entries(sort)) {
    if (typeof order === 'string') {
      if (order.trim() !== '') fields.push({ path: [...prefix, key], direction: direction(order, [...prefix, key].join('.')) });
    } else if (order !== null && typeof order === 'object' && !Array.isArray(order)) {
      fields.push(...fromObject(order, [...prefix, key]));
    } else {
      throw new InvalidSortError(`Sort of "${[...prefix, key].join('.')}" must be 'asc', 'desc' or a nested object`);
    }
  }
  return fields;
}

/**
 * Turns any REST `sort` into an ordered list of fields.
 *
 * @example
 * parseSort('title:desc,id') // [{ path: ['title'], direction: 'desc' }, { path: ['id'], direction: 'asc' }]
 */
export function parseSort(sort: SortInput | undefined | null): SortField[] {
  if (sort === undefined || sort === null) return [];
  if (typeof sort === 'string') return fromString(sort);
  if (Array.isArray(sort)) return sort.flatMap((item: string | SortObject) => (typeof item === 'string' ? fromString(item) : fromObject(item)));
  if (typeof sort === 'object') return fromObject(sort as SortObject);
  throw new InvalidSortError('sort must be a string, an object or an array of them');
}

/** The canonical string form of a sort, e.g. `['title:desc', 'category.name:asc']`. */
export function formatSort(fields: readonly SortField[]): string[] {
  return fields.map(({ path, direction }) => `${path.join('.')}:${direction}`);
}

const MISSING = Symbol('missing');

/** The value at `path`, or {@link MISSING} when the document does not carry it (not populated, not in `fields`). */
function valueAt(document: unknown, path: readonly string[]): unknown {
  let current: unknown = document;
  for (const key of path) {
    if (current === null) return null; // an empty relation: NULL, as the database's LEFT JOIN says
    if (typeof current !== 'object' || Array.isArray(current) || !(key in current)) return MISSING;
    current = (current as Record<string, unknown>)[key];
  }
  return current === undefined ? MISSING : current;
}

/** Whether every value the sort needs (and the `id` tie-break) is present in the document. */
export function canSort(document: unknown, fields: readonly SortField[]): boolean {
  return fields.every(({ path }) => valueAt(document, path) !== MISSING) && valueAt(document, ['id']) !== MISSING;
}

/** SQLite's order: what a server that does not say its order runs on (it predates saying it). */
export const SQLITE_ORDER: DatabaseOrder = { text: 'binary', nulls: 'first' };

/** Where a value sorts among the kinds: NULL lowest (or highest), then numbers and booleans, then text. */
function rank(value: unknown, nulls: DatabaseOrder['nulls']): number {
  if (value === null || value === undefined) return nulls === 'first' ? 0 : 3;
  if (typeof value === 'number' || typeof value === 'boolean') return 1;
  return 2;
}

/** Text by code point, as SQLite's BINARY collation compares UTF-8 bytes. */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return (a.length - i > 0 ? 1 : 0) - (b.length - j > 0 ? 1 : 0);
}

const isDigit = (char: string): boolean => char >= '0' && char <= '9';
const DIGIT_LAYOUT = /^[\d:.TZ+ -]+$/;

/**
 * Whether two texts have their digits in the same places between the same separators, as REST
 * writes dates, times and datetimes (`2026-01-31T09:30:00.000Z`): their first difference is then a
 * digit against a digit, which every collation orders as code points do.
 */
function sameDigitLayout(a: string, b: string): boolean {
  if (a.length !== b.length || !DIGIT_LAYOUT.test(a) || !DIGIT_LAYOUT.test(b)) return false;
  for (let i = 0; i < a.length; i++) {
    const digit = isDigit(a[i]!);
    if (digit !== isDigit(b[i]!) || (!digit && a[i] !== b[i])) return false;
  }
  return true;
}

/** Two sort values ascending in `order`; undefined when a collation the SDK does not reproduce decides. */
function compareIn(a: unknown, b: unknown, order: DatabaseOrder): number | undefined {
  const ra = rank(a, order.nulls);
  const rb = rank(b, order.nulls);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra !== 1 && ra !== 2) return 0; // both NULL
  if (ra === 1) {
    const x = Number(a);
    const y = Number(b);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  const binary = compareCodePoints(x, y);
  // Equal texts are equal in any (deterministic) collation; different ones go its own way.
  if (binary === 0 || order.text === 'binary' || sameDigitLayout(x, y)) return binary;
  return undefined;
}

/** Compares two sort values ascending: text by code point, NULL first unless `order` says last. */
export function compareValues(a: unknown, b: unknown, order: Pick<DatabaseOrder, 'nulls'> = SQLITE_ORDER): number {
  return compareIn(a, b, { text: 'binary', nulls: order.nulls })!;
}

const ID: SortField = { path: ['id'], direction: 'asc' };

/**
 * The database's order of two documents, the sort's fields then ascending `id`; undefined when it
 * depends on a collation the SDK does not reproduce (two different texts under a linguistic one),
 * where only a REST read can tell.
 */
export function createDatabaseComparator(fields: readonly SortField[], order: DatabaseOrder = SQLITE_ORDER): (a: unknown, b: unknown) => number | undefined {
  const all = [...fields, ID];
  return (a, b) => {
    for (const { path, direction } of all) {
      const x = valueAt(a, path);
      const y = valueAt(b, path);
      const result = compareIn(x === MISSING ? null : x, y === MISSING ? null : y, order);
      if (result === undefined) return undefined;
      if (result !== 0) return direction === 'asc' ? result : -result;
    }
    return 0;
  };
}

/**
 * A comparator for documents: the sort's fields in order, then ascending `id`; text by code point,
 * NULL first unless `order` says last.
 *
 * @example
 * [{ id: 1, title: 'a' }, { id: 2, title: 'b' }].sort(createComparator(parseSort('title:desc')));
 */
export function createComparator(fields: readonly SortField[], order: Pick<DatabaseOrder, 'nulls'> = SQLITE_ORDER): (a: unknown, b: unknown) => number {
  const compare = createDatabaseComparator(fields, { text: 'binary', nulls: order.nulls });
  return (a, b) => compare(a, b)!;
}

const sameValue = (a: unknown, b: unknown): boolean =>
  Object.is(a, b) || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b));

/**
 * Whether two documents hold the same value at every field of the sort, and the same `id`: then
 * they sort at the same place, whatever the database's collation (an edit that does not move).
 */
export function sameSortKey(a: unknown, b: unknown, fields: readonly SortField[]): boolean {
  return [...fields, ID].every(({ path }) => sameValue(valueAt(a, path), valueAt(b, path)));
}

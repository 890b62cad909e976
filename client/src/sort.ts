/**
 * Strapi's `sort` parameter, evaluated on the client so that a live list keeps the order a fresh
 * REST request would return. Accepts every form Strapi's REST API accepts: `'title'`,
 * `'title:desc'`, `'title:asc,publishedAt:desc'`, `['title', 'id:desc']`, `{ title: 'desc' }`,
 * `[{ title: 'desc' }]`, and dotted relation paths (`'category.name'`, `{ category: { name: 'asc' } }`).
 *
 * Comparison follows SQLite (Strapi's default database): NULL sorts first ascending and last
 * descending, text compares by code point (binary collation: `'B' < 'a'`), numbers numerically,
 * booleans `false < true`, and numbers before text. Rows that tie keep the database's scan order,
 * which is ascending row `id`, so `id` breaks every tie; with no sort at all the order is `id`.
 */

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

function rank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number' || typeof value === 'boolean') return 1;
  return 2;
}

/** Text by code point, as SQLite's BINARY collation compares UTF-8 bytes. */
function compareText(a: string, b: string): number {
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

/** Compares two sort values ascending. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra === 0) return 0;
  if (ra === 1) {
    const x = Number(a);
    const y = Number(b);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  return compareText(x, y);
}

/**
 * A comparator for documents: the sort's fields in order, then ascending `id`.
 *
 * @example
 * [{ id: 1, title: 'a' }, { id: 2, title: 'b' }].sort(createComparator(parseSort('title:desc')));
 */
export function createComparator(fields: readonly SortField[]): (a: unknown, b: unknown) => number {
  const all = [...fields, { path: ['id'], direction: 'asc' } as const];
  return (a, b) => {
    for (const { path, direction } of all) {
      const x = valueAt(a, path);
      const y = valueAt(b, path);
      const order = compareValues(x === MISSING ? null : x, y === MISSING ? null : y);
      if (order !== 0) return direction === 'asc' ? order : -order;
    }
    return 0;
  };
}

import type { ContentAction, DatabaseOrder, EventMeta, StrapiDocument } from './protocol';
import type { Pagination } from './rest';
import { canSort, createDatabaseComparator, sameSortKey } from './sort';
import type { SortField } from './sort';

/**
 * The pure core of a live query: what it holds, and what one event does to it. No I/O here; the
 * caller reads REST when the outcome says `refetch`.
 */
export interface CollectionState<T extends StrapiDocument> {
  /** The documents, in the query's order. */
  readonly items: readonly T[];
  /** For a paginated query: the page's `meta.pagination`, kept current by the events. */
  readonly pagination: Pagination | undefined;
  /** Per documentId, the `meta.ts` of the last event applied: an older one is stale. */
  readonly clocks: ReadonlyMap<string, number>;
  /** Recent event ids, oldest first: an event seen twice is applied once. */
  readonly seen: readonly string[];
}

/** An event for this query, its document already in the query's REST shape. */
export interface QueryEvent<T extends StrapiDocument> {
  action: ContentAction;
  /** The document for create/update; null for delete, or when it could not be read. */
  document: T | null;
  meta: EventMeta;
  /**
   * The event arrived while the REST read it follows was in flight, so the read may or may not
   * include it. Only paginated queries care: they cannot tell where such an enter or leave went.
   */
  ambiguous?: boolean;
}

export type Outcome =
  /** The state changed (or may have: callers compare). */
  | 'applied'
  /** Nothing to do: the event does not change what the query shows. */
  | 'unchanged'
  /** The same event id was applied before. */
  | 'duplicate'
  /** Older than what is held (by `meta.ts`, or by `updatedAt` for a document held). */
  | 'stale'
  /** The query cannot be updated locally: read it again. */
  | 'refetch';

export interface StateOptions {
  sort: readonly SortField[];
  /**
   * How the server's database orders (from the subscribe acknowledgement); SQLite's when absent.
   * Under a linguistic collation, a document whose place depends on comparing texts is not placed
   * locally: the outcome is `refetch`.
   */
  order?: DatabaseOrder;
  /** Set for a paginated query. */
  page?: { page: number; pageSize: number };
}

const SEEN_LIMIT = 2000;

export function emptyState<T extends StrapiDocument>(): CollectionState<T> {
  return { items: [], pagination: undefined, clocks: new Map(), seen: [] };
}

/** The state after a REST read: its documents, with what is known about event order kept. */
export function fromFetch<T extends StrapiDocument>(state: CollectionState<T>, items: readonly T[], pagination: Pagination | undefined): CollectionState<T> {
  return { ...state, items, pagination };
}

/** Records an event without applying it: a REST read that started after it arrived includes it. */
export function recordEvent<T extends StrapiDocument>(state: CollectionState<T>, meta: EventMeta): CollectionState<T> {
  if (state.seen.includes(meta.eventId)) return state;
  return withClock(withSeen(state, meta.eventId), meta);
}

function withSeen<T extends StrapiDocument>(state: CollectionState<T>, eventId: string): CollectionState<T> {
  const seen = state.seen.length >= SEEN_LIMIT ? [...state.seen.slice(state.seen.length - SEEN_LIMIT + 1), eventId] : [...state.seen, eventId];
  return { ...state, seen };
}

function withClock<T extends StrapiDocument>(state: CollectionState<T>, meta: EventMeta): CollectionState<T> {
  const held = state.clocks.get(meta.documentId);
  if (held !== undefined && held >= meta.ts) return state;
  const clocks = new Map(state.clocks);
  clocks.set(meta.documentId, meta.ts);
  return { ...state, clocks };
}

const time = (value: unknown): number => (typeof value === 'string' ? Date.parse(value) : Number.NaN);

/**
 * Whether `next` is an older version of the document `held` (both carry `updatedAt`). Not after a
 * discarded draft: the draft becomes a copy of the published version, whose `updatedAt` is older,
 * and a lagging event it would hide is followed by the event of what came after it anyway.
 */
function isOlder(next: StrapiDocument, held: StrapiDocument, meta: EventMeta): boolean {
  if (meta.cause === 'discardDraft') return false;
  const a = time(next.updatedAt);
  const b = time(held.updatedAt);
  return !Number.isNaN(a) && !Number.isNaN(b) && a < b;
}

type Compare = (a: unknown, b: unknown) => number | undefined;

/**
 * Where a document goes among `items` (which must not contain it): before the first that sorts
 * after it. Undefined when a comparison on the way depends on the database's collation.
 */
function insertionIndex<T>(items: readonly T[], document: T, compare: Compare): number | undefined {
  for (let i = 0; i < items.length; i++) {
    const order = compare(document, items[i]);
    if (order === undefined) return undefined;
    if (order < 0) return i;
  }
  return items.length;
}

const replaceAt = <T>(items: readonly T[], index: number, document: T): T[] => items.map((item, i) => (i === index ? document : item));

function insertAt<T>(items: readonly T[], index: number, document: T): T[] {
  return [...items.slice(0, index), document, ...items.slice(index)];
}

function withTotal(pagination: Pagination, total: number): Pagination {
  return { ...pagination, total, pageCount: Math.ceil(total / pagination.pageSize) };
}

/**
 * Applies one event. Stale and duplicate events are dropped: by event id; by `meta.ts` per
 * document (so create and delete order correctly across the document's absence, even when a
 * re-publish carries an older `updatedAt`); and, for a document that is held, by `updatedAt` (the
 * race between a REST read and the events buffered while it ran).
 * Called as `applyEvent(state, { action: 'update', document, meta }, { sort: parseSort('title') })`,
 * it returns the next state and what the event did (`outcome`).
 */
export function applyEvent<T extends StrapiDocument>(
  state: CollectionState<T>,
  event: QueryEvent<T>,
  options: StateOptions,
): { state: CollectionState<T>; outcome: Outcome } {
  const { meta } = event;
  if (state.seen.includes(meta.eventId)) return { state, outcome: 'duplicate' };
  const clock = state.clocks.get(meta.documentId);
  if (clock !== undefined && meta.ts < clock) return { state: withSeen(state, meta.eventId), outcome: 'stale' };
  const recorded = withClock(withSeen(state, meta.eventId), meta);
  const result = options.page ? applyToPage(recorded, event, options, options.page) : applyToList(recorded, event, options);
  return result;
}

function applyToList<T extends StrapiDocument>(
  state: CollectionState<T>,
  { action, document, meta }: QueryEvent<T>,
  options: StateOptions,
): { state: CollectionState<T>; outcome: Outcome } {
  const index = state.items.findIndex((item) => item.documentId === meta.documentId);
  if (action === 'delete') {
    if (index === -1) return { state, outcome: 'unchanged' };
    return { state: { ...state, items: state.items.filter((_, i) => i !== index) }, outcome: 'applied' };
  }
  if (!document) return { state, outcome: 'unchanged' };
  if (index !== -1 && isOlder(document, state.items[index]!, meta)) return { state, outcome: 'stale' };
  if (!canSort(document, options.sort)) return { state, outcome: 'refetch' };
  // Same sort values: same place, with no comparison (none a collation could decide).
  if (index !== -1 && sameSortKey(document, state.items[index], options.sort)) {
    return { state: { ...state, items: replaceAt(state.items, index, document) }, outcome: 'applied' };
  }
  const rest = index === -1 ? state.items : state.items.filter((_, i) => i !== index);
  const at = insertionIndex(rest, document, createDatabaseComparator(options.sort, options.order));
  if (at === undefined) return { state, outcome: 'refetch' };
  return { state: { ...state, items: insertAt(rest, at, document) }, outcome: 'applied' };
}

/**
 * A page stays what a fresh read of it would return. Events may lag the REST read they follow
 * (the server emits after it has read and sanitized the document; a recovered connection
 * replays), so a read may already include an event that arrives after it. What is kept locally is
 * therefore only what stays right either way, or that a later event of the same document corrects:
 * a held document changing within the page; on page 1, a document moving or entering into the
 * page. Whatever changes the count with no way to tell whether the read counted it (an enter or
 * leave past the page), or moves a document across the edge of a later page, reads the page again.
 */
function applyToPage<T extends StrapiDocument>(
  state: CollectionState<T>,
  { action, document, meta, ambiguous }: QueryEvent<T>,
  options: StateOptions,
  page: { page: number; pageSize: number },
): { state: CollectionState<T>; outcome: Outcome } {
  const { items, pagination } = state;
  const index = items.findIndex((item) => item.documentId === meta.documentId);
  const held = index === -1 ? undefined : items[index];
  const compare = createDatabaseComparator(options.sort, options.order);
  const pageSize = pagination?.pageSize ?? page.pageSize;
  const isFirst = page.page === 1;
  const isLast = pagination ? page.page >= pagination.pageCount : items.length < pageSize;
  /** Everything the query holds is on this page. */
  const whole = isFirst && pagination !== undefined && pagination.total <= items.length;

  if (action === 'delete') {
    if (!held) return { state, outcome: whole ? 'unchanged' : 'refetch' };
    if (ambiguous || !whole) return { state, outcome: 'refetch' }; // a later document moves up, or the count is unsure
    const next = items.filter((_, i) => i !== index);
    return { state: { ...state, items: next, pagination: withTotal(pagination!, Math.max(0, pagination!.total - 1)) }, outcome: 'applied' };
  }
  if (!document) return { state, outcome: held ? 'refetch' : 'unchanged' };
  if (!canSort(document, options.sort)) return { state, outcome: 'refetch' };

  if (held) {
    if (isOlder(document, held, meta)) return { state, outcome: 'stale' };
    if (sameSortKey(document, held, options.sort)) return { state: { ...state, items: replaceAt(items, index, document) }, outcome: 'applied' };
    const rest = items.filter((_, i) => i !== index);
    const at = insertionIndex(rest, document, compare);
    if (at === undefined) return { state, outcome: 'refetch' };
    const staysInside = (at > 0 || isFirst) && (at < rest.length || isLast);
    if (!staysInside) return { state, outcome: 'refetch' };
    return { state: { ...state, items: insertAt(rest, at, document) }, outcome: 'applied' };
  }

  // Not on this page. Only page 1 can place it: whatever is not on it comes after it.
  if (!isFirst || !pagination || ambiguous) return { state, outcome: 'refetch' };
  const at = insertionIndex(items, document, compare);
  if (at === undefined) return { state, outcome: 'refetch' };
  if (action === 'update') {
    if (items.length < pageSize) return { state, outcome: 'refetch' }; // it should have been here
    if (at >= pageSize) return { state, outcome: 'unchanged' }; // after the page before and after
    return { state: { ...state, items: insertAt(items, at, document).slice(0, pageSize) }, outcome: 'applied' };
  }
  // An enter onto the page: if the read had counted it, the read would hold it (or a later
  // event of it follows and corrects this). An enter past the page: the count is unsure.
  if (at >= pageSize) return { state, outcome: 'refetch' };
  return {
    state: { ...state, items: insertAt(items, at, document).slice(0, pageSize), pagination: withTotal(pagination, pagination.total + 1) },
    outcome: 'applied',
  };
}

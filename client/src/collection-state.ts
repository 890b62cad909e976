import { EventMemory } from './event-memory';
import type { Version } from './journal';
import { ListIndex } from './list-index';
import type { ContentAction, DatabaseOrder, EventMeta, StrapiDocument } from './protocol';
import type { Pagination } from './rest';
import { canSort, createDatabaseComparator, sameSortKey } from './sort';
import type { SortField } from './sort';
import { scanInsertionIndex, searchInsertionIndex, viewWithout, withInserted, withMoved, withRemoved, withReplaced } from './sorted-list';
import type { Compare } from './sorted-list';

/**
 * The pure core of a live query: what it holds, and what one event does to it. No I/O here; the
 * caller reads REST when the outcome says `refetch`.
 *
 * Immutable outside, mutable inside: `items` is a new array whenever the list changes (one copy
 * per event, what an immutable list costs), while what is known about the order of events and
 * where each document is lives in a {@link Tracker} that the states of one query share and that
 * each step updates in place. Each state still means what it meant: the tracker's memory is
 * journaled (each state holds its version, and an older state used again brings its version
 * back), and its index follows whichever list it is asked about (indexing a list anew costs one
 * pass). Used in a line, as a live query does, a step costs what its event changes.
 */
export interface CollectionState<T extends StrapiDocument> {
  /** The documents, in the query's order. */
  readonly items: readonly T[];
  /** For a paginated query: the page's `meta.pagination`, kept current by the events. */
  readonly pagination: Pagination | undefined;
  /** Per-document clocks, recent event ids, and an index of `items`: private to this module. */
  readonly tracker: Tracker<T>;
  /** The version of the tracker's memory this state knows. */
  readonly version: Version;
}

/** The mutable bookkeeping behind a query's states (see {@link CollectionState}). */
export interface Tracker<T extends StrapiDocument> {
  readonly memory: EventMemory;
  readonly index: ListIndex<T>;
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

export function emptyState<T extends StrapiDocument>(): CollectionState<T> {
  const tracker: Tracker<T> = { memory: new EventMemory(), index: new ListIndex<T>() };
  return { items: [], pagination: undefined, tracker, version: tracker.memory.commit() };
}

/** The state's tracker, brought to the state: its memory at the state's version, its index on the state's list. */
function trackerOf<T extends StrapiDocument>(state: CollectionState<T>): Tracker<T> {
  const { tracker } = state;
  tracker.memory.checkout(state.version);
  // An older state's list (its memory, brought back, already sorts the clocks by it), or a copy.
  if (!tracker.index.describes(state.items)) tracker.index.rebuild(state.items);
  return tracker;
}

/** The next state: what the tracker holds now. */
function advance<T extends StrapiDocument>(tracker: Tracker<T>, items: readonly T[], pagination: Pagination | undefined): CollectionState<T> {
  return { items, pagination, tracker, version: tracker.memory.commit() };
}

/** The state after a REST read: its documents, with what is known about event order kept. */
export function fromFetch<T extends StrapiDocument>(state: CollectionState<T>, items: readonly T[], pagination: Pagination | undefined): CollectionState<T> {
  const { tracker } = state;
  tracker.memory.checkout(state.version);
  tracker.index.rebuild(items);
  tracker.memory.reconcile((documentId) => tracker.index.has(documentId));
  return advance(tracker, items, pagination);
}

/**
 * The same state holding `items`, the same documents in the same places as other objects (the
 * cache's structurally shared copies of them); `state` itself if they are not.
 */
export function withSharedItems<T extends StrapiDocument>(state: CollectionState<T>, items: readonly T[]): CollectionState<T> {
  const tracker = trackerOf(state);
  if (items === state.items || !tracker.index.adopt(items)) return state;
  return { ...state, items };
}

/** Records an event without applying it: a REST read that started after it arrived includes it. */
export function recordEvent<T extends StrapiDocument>(state: CollectionState<T>, meta: EventMeta): CollectionState<T> {
  const tracker = trackerOf(state);
  if (tracker.memory.hasSeen(meta.eventId)) return state;
  tracker.memory.see(meta.eventId);
  tracker.memory.record(meta.documentId, meta.ts, tracker.index.has(meta.documentId));
  return advance(tracker, state.items, state.pagination);
}

/** Whether the event's id was seen (applied, dropped as stale, or included in a read). */
export function isDuplicate<T extends StrapiDocument>(state: CollectionState<T>, meta: EventMeta): boolean {
  return trackerOf(state).memory.hasSeen(meta.eventId);
}

/** Whether an event of the same document with a later `meta.ts` was seen. */
export function isStale<T extends StrapiDocument>(state: CollectionState<T>, meta: EventMeta): boolean {
  const clock = trackerOf(state).memory.clock(meta.documentId);
  return clock !== undefined && meta.ts < clock;
}

/** The document the state holds with this documentId, if any. */
export function heldDocument<T extends StrapiDocument>(state: CollectionState<T>, documentId: string): T | undefined {
  return trackerOf(state).index.get(documentId);
}

/** What the state holds besides its documents: per-document clocks and remembered event ids. */
export function heldCounts<T extends StrapiDocument>(state: CollectionState<T>): { clocks: number; eventIds: number } {
  return trackerOf(state).memory.size;
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

/** The database's order for these options, one comparator per sort and order (the index checks the list against it once). */
const comparators = new WeakMap<readonly SortField[], Map<string, Compare>>();

function comparatorFor(options: StateOptions): Compare {
  const key = options.order ? `${options.order.text} ${options.order.nulls}` : '';
  let bySort = comparators.get(options.sort);
  if (!bySort) comparators.set(options.sort, (bySort = new Map()));
  let compare = bySort.get(key);
  if (!compare) bySort.set(key, (compare = createDatabaseComparator(options.sort, options.order)));
  return compare;
}

/** How places are found in a list: the comparator, and whether bisection finds what a scan would. */
interface Placement {
  compare: Compare;
  /**
   * The list is in the comparator's order and the comparator always decides (binary text): then
   * "sorts after the document" is false up to a point and true from there. Under a collation the
   * scan stays, as it must ask for a read whenever a comparison before the place is undecided.
   */
  bisect: boolean;
}

function placementFor<T extends StrapiDocument>(index: ListIndex<T>, options: StateOptions): Placement {
  const compare = comparatorFor(options);
  return { compare, bisect: (options.order?.text ?? 'binary') === 'binary' && index.ordered(compare) };
}

/**
 * Where a document goes among `items` without the one at `skip` (-1: none): before the first
 * that sorts after it. Undefined when a comparison on the way depends on the database's collation.
 */
function insertionIndex<T>(items: readonly T[], skip: number, document: T, { compare, bisect }: Placement): number | undefined {
  const view = viewWithout(items, skip);
  return bisect ? searchInsertionIndex(view, document, compare) : scanInsertionIndex(view, document, compare);
}

function withTotal(pagination: Pagination, total: number): Pagination {
  return { ...pagination, total, pageCount: Math.ceil(total / pagination.pageSize) };
}

/** What an event does to the list: the outcome, and the new list when it changes. */
interface Change<T> {
  outcome: Outcome;
  edit?: {
    items: readonly T[];
    pagination: Pagination | undefined;
    /** Documents that left the list (a replaced version counts as leaving), and those that came in. */
    removed: readonly T[];
    added: readonly T[];
  };
}

const UNCHANGED: Change<never> = { outcome: 'unchanged' };
const STALE: Change<never> = { outcome: 'stale' };
const REFETCH: Change<never> = { outcome: 'refetch' };
/** The event's document is the very object held: nothing to change. */
const SAME: Change<never> = { outcome: 'applied' };

/**
 * Applies one event. Stale and duplicate events are dropped: by event id; by `meta.ts` per
 * document (so create and delete order correctly across the document's absence, even when a
 * re-publish carries an older `updatedAt`); and, for a document that is held, by `updatedAt` (the
 * race between a REST read and the events buffered while it ran). Event ids and clocks are
 * remembered within the bounds of {@link EventMemory}.
 * Called as `applyEvent(state, { action: 'update', document, meta }, { sort: parseSort('title') })`,
 * it returns the next state and what the event did (`outcome`); `state` must not be advanced again.
 */
export function applyEvent<T extends StrapiDocument>(
  state: CollectionState<T>,
  event: QueryEvent<T>,
  options: StateOptions,
): { state: CollectionState<T>; outcome: Outcome } {
  const tracker = trackerOf(state);
  const { memory, index } = tracker;
  const { meta } = event;
  if (memory.hasSeen(meta.eventId)) return { state, outcome: 'duplicate' };
  memory.see(meta.eventId);
  const clock = memory.clock(meta.documentId);
  if (clock !== undefined && meta.ts < clock) return { state: advance(tracker, state.items, state.pagination), outcome: 'stale' };
  const placement = placementFor(index, options);
  const { outcome, edit } = options.page ? pageChange(state, index, event, options, options.page, placement) : listChange(state, index, event, options, placement);
  if (edit) index.changed(edit.items, edit.removed, edit.added, placement.compare);
  memory.record(meta.documentId, meta.ts, index.has(meta.documentId));
  // Pushed off a page by the event's document: its clock joins those of documents not held.
  if (edit) for (const { documentId } of edit.removed) if (documentId !== meta.documentId) memory.left(documentId);
  return { state: advance(tracker, edit ? edit.items : state.items, edit ? edit.pagination : state.pagination), outcome };
}

function listChange<T extends StrapiDocument>(
  state: CollectionState<T>,
  index: ListIndex<T>,
  { action, document, meta }: QueryEvent<T>,
  options: StateOptions,
  placement: Placement,
): Change<T> {
  const { items, pagination } = state;
  const held = index.get(meta.documentId);
  if (action === 'delete') {
    if (!held) return UNCHANGED;
    return { outcome: 'applied', edit: { items: withRemoved(items, index.indexOf(held, placement.compare)), pagination, removed: [held], added: [] } };
  }
  if (!document) return UNCHANGED;
  if (held && isOlder(document, held, meta)) return STALE;
  if (!canSort(document, options.sort)) return REFETCH;
  // Same sort values: same place, with no comparison (none a collation could decide).
  if (held && sameSortKey(document, held, options.sort)) {
    if (document === held) return SAME;
    return { outcome: 'applied', edit: { items: withReplaced(items, index.indexOf(held, placement.compare), document), pagination, removed: [held], added: [document] } };
  }
  const from = held ? index.indexOf(held, placement.compare) : -1;
  const to = insertionIndex(items, from, document, placement);
  if (to === undefined) return REFETCH;
  const next = from === -1 ? withInserted(items, to, document) : withMoved(items, from, to, document);
  return { outcome: 'applied', edit: { items: next, pagination, removed: held ? [held] : [], added: [document] } };
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
function pageChange<T extends StrapiDocument>(
  state: CollectionState<T>,
  index: ListIndex<T>,
  { action, document, meta, ambiguous }: QueryEvent<T>,
  options: StateOptions,
  page: { page: number; pageSize: number },
  placement: Placement,
): Change<T> {
  const { items, pagination } = state;
  const held = index.get(meta.documentId);
  const pageSize = pagination?.pageSize ?? page.pageSize;
  const isFirst = page.page === 1;
  const isLast = pagination ? page.page >= pagination.pageCount : items.length < pageSize;
  /** Everything the query holds is on this page. */
  const whole = isFirst && pagination !== undefined && pagination.total <= items.length;

  if (action === 'delete') {
    if (!held) return whole ? UNCHANGED : REFETCH;
    if (ambiguous || !whole) return REFETCH; // a later document moves up, or the count is unsure
    const next = withRemoved(items, index.indexOf(held, placement.compare));
    return { outcome: 'applied', edit: { items: next, pagination: withTotal(pagination!, Math.max(0, pagination!.total - 1)), removed: [held], added: [] } };
  }
  if (!document) return held ? REFETCH : UNCHANGED;
  if (!canSort(document, options.sort)) return REFETCH;

  if (held) {
    if (isOlder(document, held, meta)) return STALE;
    if (sameSortKey(document, held, options.sort)) {
      if (document === held) return SAME;
      return { outcome: 'applied', edit: { items: withReplaced(items, index.indexOf(held, placement.compare), document), pagination, removed: [held], added: [document] } };
    }
    const from = index.indexOf(held, placement.compare);
    const at = insertionIndex(items, from, document, placement);
    if (at === undefined) return REFETCH;
    const staysInside = (at > 0 || isFirst) && (at < items.length - 1 || isLast);
    if (!staysInside) return REFETCH;
    return { outcome: 'applied', edit: { items: withMoved(items, from, at, document), pagination, removed: [held], added: [document] } };
  }

  // Not on this page. Only page 1 can place it: whatever is not on it comes after it.
  if (!isFirst || !pagination || ambiguous) return REFETCH;
  const at = insertionIndex(items, -1, document, placement);
  if (at === undefined) return REFETCH;
  if (action === 'update') {
    if (items.length < pageSize) return REFETCH; // it should have been here
    if (at >= pageSize) return UNCHANGED; // after the page before and after
  } else if (at >= pageSize) {
    // An enter past the page: the count is unsure.
    return REFETCH;
  }
  // An enter onto the page: if the read had counted it, the read would hold it (or a later event
  // of it follows and corrects this). A move onto it from a later page: the count stays.
  const inserted = withInserted(items, at, document);
  return {
    outcome: 'applied',
    edit: {
      items: inserted.slice(0, pageSize),
      pagination: action === 'update' ? pagination : withTotal(pagination, pagination.total + 1),
      removed: inserted.slice(pageSize),
      added: [document],
    },
  };
}

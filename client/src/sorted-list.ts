/**
 * Where a document goes in a list kept in the database's order, and the list with one change made:
 * pure helpers for the reducer (collection-state.ts). Each edit copies the list once, the least an
 * immutable list allows.
 */

/** The database's order of two documents; undefined when only the database can tell (a collation). */
export type Compare = (a: unknown, b: unknown) => number | undefined;

/** A list as seen with one position left out (the document being moved), without copying it. */
export interface ListView<T> {
  readonly length: number;
  at(index: number): T;
}

export function viewWithout<T>(items: readonly T[], skip: number): ListView<T> {
  if (skip < 0) return { length: items.length, at: (index) => items[index]! };
  return { length: items.length - 1, at: (index) => items[index < skip ? index : index + 1]! };
}

/**
 * Where `document` goes: before the first item that sorts after it. Undefined when a comparison on
 * the way depends on the database's collation. Looks at every item up to there, so it is right
 * whatever order the list is in (a REST read ordered by a collation the comparator does not know).
 */
export function scanInsertionIndex<T>(list: ListView<T>, document: T, compare: Compare): number | undefined {
  for (let i = 0; i < list.length; i++) {
    const order = compare(document, list.at(i));
    if (order === undefined) return undefined;
    if (order < 0) return i;
  }
  return list.length;
}

/**
 * The same place as {@link scanInsertionIndex}, by bisection: only for a list in `compare`'s order
 * (then "sorts after it" is false up to a point and true from there) and a `compare` that always
 * decides. Undefined if it does not after all.
 */
export function searchInsertionIndex<T>(list: ListView<T>, document: T, compare: Compare): number | undefined {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compare(document, list.at(middle));
    if (order === undefined) return undefined;
    if (order < 0) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * Where `item` (an object in `items`, a list in `compare`'s order) is, by bisection: the first
 * position that does not sort before it, then past its equals. -1 if it is not found that way.
 */
export function searchIndexOf<T>(items: readonly T[], item: T, compare: Compare): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compare(items[middle], item);
    if (order === undefined) return -1;
    if (order < 0) low = middle + 1;
    else high = middle;
  }
  for (let i = low; i < items.length; i++) {
    if (items[i] === item) return i;
    if (compare(items[i], item) !== 0) break;
  }
  return -1;
}

/** Whether every item sorts at or after the one before it, each comparison decided. */
export function isInOrder<T>(items: readonly T[], compare: Compare): boolean {
  for (let i = 1; i < items.length; i++) {
    const order = compare(items[i - 1], items[i]);
    if (order === undefined || order > 0) return false;
  }
  return true;
}

// Each edit allocates the new list once: at 10,000 documents that copy is what a young-generation
// collection is paid for, every hundred or two events, so a second copy would double how often.
// Native copies (slice, concat) do the bulk; a loop shifts what moves. Not `toSpliced`: on a
// holey array (`new Array(n)`, `map`, `structuredClone`) V8 takes a path a hundred times slower.

export function withReplaced<T>(items: readonly T[], index: number, item: T): T[] {
  const next = items.slice();
  next[index] = item;
  return next;
}

export function withRemoved<T>(items: readonly T[], index: number): T[] {
  const next = items.slice();
  next.splice(index, 1);
  return next;
}

export function withInserted<T>(items: readonly T[], index: number, item: T): T[] {
  if (index === items.length) return items.concat([item]);
  // One longer, by one native copy; then the tail shifts right by one.
  const next = items.concat([items[items.length - 1]!]);
  for (let i = items.length - 1; i > index; i--) next[i] = items[i - 1]!;
  next[index] = item;
  return next;
}

/** `items` without the one at `from`, and `item` at `to` (a position in the list without it). */
export function withMoved<T>(items: readonly T[], from: number, to: number, item: T): T[] {
  const next = items.slice();
  // Only the documents between the two places shift by one.
  if (to < from) for (let i = from; i > to; i--) next[i] = items[i - 1]!;
  else for (let i = from; i < to; i++) next[i] = items[i + 1]!;
  next[to] = item;
  return next;
}

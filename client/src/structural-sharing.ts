import { replaceEqualDeep } from '@tanstack/query-core';

const documentIdOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && typeof (value as { documentId?: unknown }).documentId === 'string'
    ? (value as { documentId: string }).documentId
    : undefined;

/**
 * Structural sharing for live data, by documentId rather than by position: a document that did
 * not change keeps its identity even when others moved around it (TanStack Query's default
 * matches array items by index, so one insert at the top would copy the whole list).
 * For example `shareDocuments([a, b], [b2, c])` returns `[b, c]` when `b2` deep-equals `b`.
 */
export function shareDocuments<T>(previous: unknown, next: T): T {
  if (Array.isArray(next) && Array.isArray(previous)) {
    const held = new Map<string, unknown>();
    for (const item of previous) {
      const id = documentIdOf(item);
      if (id !== undefined) held.set(id, item);
    }
    const shared = next.map((item: unknown) => {
      const id = documentIdOf(item);
      return id === undefined ? item : replaceEqualDeep(held.get(id), item);
    });
    const same = shared.length === previous.length && shared.every((item, i) => item === previous[i]);
    return (same ? previous : shared) as T;
  }
  return shareDocument(previous, next);
}

/**
 * One document shared with the version it replaces (same documentId): the parts that did not change
 * are the previous ones, and so is the whole when nothing changed. Anything else is `next` itself.
 */
export function shareDocument<T>(previous: unknown, next: T): T {
  if (documentIdOf(next) !== undefined && documentIdOf(previous) === documentIdOf(next)) return replaceEqualDeep(previous, next);
  return next;
}

import type { RelatedInfo, StrapiDocument } from './protocol';

/**
 * Whether any of `documents` shows the document `documentId` inside it (a populated relation, at
 * any depth a REST `populate` can reach): what the server's `io:related` says is now out of date.
 * Walked without recursion; documents are plain JSON from REST or events.
 */
export function showsRelated(documents: readonly StrapiDocument[], documentId: string): boolean {
  const stack: unknown[] = [];
  for (const document of documents) for (const value of Object.values(document)) stack.push(value);
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      stack.push(...value);
    } else if (typeof value === 'object' && value !== null) {
      if ((value as { documentId?: unknown }).documentId === documentId) return true;
      for (const nested of Object.values(value)) if (typeof nested === 'object' && nested !== null) stack.push(nested);
    }
  }
  return false;
}

/**
 * Whether `io:related` concerns a live query of `uid` holding `documents`: one of them shows the
 * changed document populated, or is one of the documents that point at it now (`parents`: an
 * author published again appears where none showed). Without the list (too many to send), every
 * query that populates anything is concerned.
 */
export function concernsQuery(info: RelatedInfo, uid: string, documents: readonly StrapiDocument[], populates: boolean): boolean {
  if (!populates) return false;
  if (!info.parents) return true;
  if (showsRelated(documents, info.documentId)) return true;
  const parents = info.parents[uid];
  if (!parents || parents.length === 0) return false;
  const ids = new Set(parents);
  return documents.some((document) => ids.has(document.documentId));
}

/** Whether `value` is an `io:related` list of parents: document ids by content-type uid. */
export function isParentList(value: unknown): value is Record<string, string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((ids) => Array.isArray(ids) && ids.every((id) => typeof id === 'string'));
}

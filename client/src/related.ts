import type { StrapiDocument } from './protocol';

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

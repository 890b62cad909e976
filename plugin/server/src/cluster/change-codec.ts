import type { DocumentChange } from '../capture/document-change';

/**
 * Changes cross nodes as JSON text, whatever the adapter's own encoding (msgpack in both Redis
 * adapters, which does not agree with itself on dates): a Date in a document state travels as
 * `{ "$date": <ms> }` and comes back a Date, so the receiving node's matcher reads it as the
 * writing node's did.
 */
export function encodeChanges(changes: readonly DocumentChange[]): string {
  return JSON.stringify(changes, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.getTime() } : value;
  });
}

export function decodeChanges(text: string): DocumentChange[] {
  const parsed: unknown = JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const date = (value as { $date?: unknown }).$date;
      if (keys.length === 1 && typeof date === 'number') return new Date(date);
    }
    return value;
  });
  if (!Array.isArray(parsed)) throw new Error('a change record must be an array of changes');
  return parsed as DocumentChange[];
}

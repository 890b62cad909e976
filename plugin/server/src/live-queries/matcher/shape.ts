/**
 * A filter's structure without its values: every user's `{ owner: { id: { $eq: <me> } } }` has one
 * shape. Values that change the structure of the SQL stay: null (`= NULL` is `IS NULL`) and the
 * booleans of `$null` / `$notNull`. A list of values is one value.
 */
import { isRecord } from './normalize';

const isValue = (value: unknown) => !isRecord(value) && !Array.isArray(value);

function skeleton(node: unknown): unknown {
  if (node === null) return null;
  if (Array.isArray(node)) {
    if (node.length > 0 && node.every(isValue)) return node.some((item) => item === null) ? ['?', null] : ['?'];
    return node.map(skeleton);
  }
  if (isRecord(node)) {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === '$null' || key === '$notNull' ? value : skeleton(value)]));
  }
  return '?';
}

export const shapeOf = (normalizedFilters: unknown): string => JSON.stringify(skeleton(normalizedFilters));

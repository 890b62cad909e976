/**
 * The index key of a document's value: equal for two values exactly when the database finds them
 * equal, and the same normalization as the keys of `CompiledFilter.index`.
 */
import type { AttributeInfo } from '../model-info';
import { keyKindOf } from './kinds';

/**
 * The index key of a document value at an indexed path; undefined if the value can never equal a
 * filter key (null, a type the matcher does not index).
 *
 * @example
 * indexKeyOf('id', 7); // 'n:7', as for `{ owner: { id: { $eq: '7' } } }`
 */
export function indexKeyOf(attribute: AttributeInfo | 'id' | 'documentId', value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const type = attribute === 'id' ? 'increments' : attribute === 'documentId' ? 'string' : attribute.type;
  const kind = keyKindOf(type);
  const comparable = kind?.read(value);
  return comparable === undefined ? undefined : kind!.key(comparable);
}

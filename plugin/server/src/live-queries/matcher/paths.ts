/**
 * The attribute paths a filter reads, relative to its type: what a document's state must hold to be
 * matched, and which related types' changes can change the result. A relation compared by id
 * (`{ category: 3 }`, `{ category: { $null: true } }`) reads `[relation, 'id']`. Computed from the
 * normalized filter alone, so filters left to the database have paths too.
 */
import type { ModelInfo, ModelLookup } from '../model-info';
import { isGroupOperator, isOperator, isRecord } from './normalize';
import { attributeOf } from './schema';

export function filterPaths(filters: unknown, uid: string, models: ModelLookup): string[][] {
  const found = new Map<string, string[]>();
  const add = (path: string[]) => found.set(path.join('\u0000'), path);

  function walk(node: unknown, model: ModelInfo | undefined, prefix: string[]): void {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, model, prefix);
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (isGroupOperator(key) || key === '$not') {
        walk(value, model, prefix);
        continue;
      }
      if (isOperator(key)) continue;
      const attribute = attributeOf(model, key);
      if (!attribute) continue;
      // `concat`, not a spread: a spread array keeps spare capacity.
      const path = prefix.concat(key);
      if (attribute.type !== 'relation' || !attribute.target) {
        add(path);
        continue;
      }
      const target = models(attribute.target);
      if (!isRecord(value)) {
        add(path.concat('id'));
        continue;
      }
      for (const [nestedKey, nested] of Object.entries(value)) {
        if (isGroupOperator(nestedKey)) walk(nested, target, path);
        else if (isOperator(nestedKey)) add(path.concat('id'));
        else walk({ [nestedKey]: nested }, target, path);
      }
    }
  }

  walk(filters, models(uid), []);
  return [...found.values()];
}

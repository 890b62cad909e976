import { isPlainObject } from '../socket/validate-payload';

/** Operators whose value is one value (or a list of them, which Strapi reads as any of them). */
const VALUE_OPERATORS = new Set([
  '$eq', '$eqi', '$ne', '$nei', '$lt', '$lte', '$gt', '$gte',
  '$contains', '$notContains', '$containsi', '$notContainsi',
  '$startsWith', '$startsWithi', '$endsWith', '$endsWithi',
  '$in', '$notIn',
]);
const FLAG_OPERATORS = new Set(['$null', '$notNull']);

const NUL = 'filters may not contain the NUL character';

const isValue = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);
const isValueOrList = (value: unknown) => isValue(value) || (Array.isArray(value) && value.every(isValue));

/**
 * What Strapi's validator lets through and each database then reads its own way: `$and`/`$or` that
 * are not lists of conditions, a `$not` that is not a condition, an object where a value goes
 * (`{ title: { $eq: { $gt: 1 } } }`), `$between` without two values. Refused here, the same on every
 * database, before Strapi or a database sees them; so is a NUL character, which PostgreSQL refuses. Walked without recursion (the caller has bounded
 * the depth). Returns what is wrong, or undefined. Operators it does not know are left to Strapi.
 */
export function filterShapeProblem(filters: Record<string, unknown>): string | undefined {
  const stack: unknown[] = [filters];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (typeof node === 'string' && node.includes('\u0000')) return NUL;
    if (!isPlainObject(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      // PostgreSQL text cannot hold it: every write of the type would fail to evaluate the query.
      if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) return NUL;
      if (key === '$and' || key === '$or') {
        if (!Array.isArray(value) || !value.every(isPlainObject)) return `${key} takes a list of conditions`;
        stack.push(...value);
      } else if (key === '$not') {
        if (!isPlainObject(value)) return '$not takes a condition';
        stack.push(value);
      } else if (VALUE_OPERATORS.has(key)) {
        if (!isValueOrList(value)) return `${key} takes a value (or a list of values)`;
        if (Array.isArray(value)) stack.push(...value);
      } else if (key === '$between') {
        if (!Array.isArray(value) || value.length !== 2 || !value.every(isValue)) return '$between takes a list of two values';
        stack.push(...value);
      } else if (FLAG_OPERATORS.has(key)) {
        if (!isValue(value)) return `${key} takes true or false`;
      } else if (isPlainObject(value) || Array.isArray(value)) {
        stack.push(value);
      }
    }
  }
  return undefined;
}

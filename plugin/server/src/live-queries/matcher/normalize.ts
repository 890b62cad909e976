/**
 * What `strapi.documents(uid).findMany({ filters })` does to the filters before the query layer sees
 * them (`convertFiltersQueryParams` in @strapi/utils): keys that are neither operators nor attributes
 * (nor `id`/`documentId`) are dropped, password and dynamic-zone keys too, `$null`/`$notNull` values
 * become booleans, and objects left empty disappear (so `$or: [{ nope: 1 }]` becomes `$or: []`, which
 * the query layer then ignores). The matcher compiles exactly what remains.
 */
import type { ModelInfo, ModelLookup } from '../model-info';

const GROUP_OPERATORS = ['$and', '$or'];
export const WHERE_OPERATORS = [
  '$not', '$in', '$notIn', '$eq', '$eqi', '$ne', '$nei', '$gt', '$gte', '$lt', '$lte', '$null', '$notNull', '$between',
  '$startsWith', '$endsWith', '$startsWithi', '$endsWithi', '$contains', '$notContains', '$containsi', '$notContainsi', '$jsonSupersetOf',
];
export const CAST_OPERATORS = ['$not', '$in', '$notIn', '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$between'];
export const ARRAY_OPERATORS = ['$in', '$notIn', '$between'];

export const isGroupOperator = (key: string) => GROUP_OPERATORS.includes(key);
export const isWhereOperator = (key: string) => WHERE_OPERATORS.includes(key);
/** @strapi/utils `isOperator`: any of the lists above. */
export const isOperator = (key: string) => GROUP_OPERATORS.includes(key) || WHERE_OPERATORS.includes(key);

/** lodash `isPlainObject`. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

const isEmptyRecord = (value: unknown) => isRecord(value) && Object.keys(value).length === 0;

/** @strapi/utils `parseBoolean(value, { forceCast: true })`. */
function forceBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 't' || value === '1' || value === 1) return true;
  if (value === 'false' || value === 'f' || value === '0' || value === 0) return false;
  return Boolean(value);
}

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** `convertAndSanitizeFilters` of @strapi/utils, on a copy. */
export function normalizeFilters(filters: unknown, model: ModelInfo | undefined, models: ModelLookup): unknown {
  if (Array.isArray(filters)) {
    return filters.map((filter) => normalizeFilters(filter, model, models)).filter((filter) => !isEmptyRecord(filter));
  }
  if (!isRecord(filters)) return filters;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters)) {
    const valid = isOperator(key) || key === 'id' || key === 'documentId' || (model !== undefined && hasOwn(model.attributes, key));
    if (!valid) continue;
    const attribute = model !== undefined && hasOwn(model.attributes, key) ? model.attributes[key] : undefined;
    let converted: unknown;
    if (attribute) {
      if (attribute.type === 'relation') converted = normalizeFilters(value, attribute.target ? models(attribute.target) : undefined, models);
      else if (attribute.type === 'component') converted = normalizeFilters(value, attribute.component ? models(attribute.component) : undefined, models);
      else if (attribute.type === 'media') converted = normalizeFilters(value, models('plugin::upload.file'), models);
      else if (attribute.type === 'dynamiczone' || attribute.type === 'password') continue;
      else converted = normalizeFilters(value, model, models);
    } else if (key === '$null' || key === '$notNull') {
      converted = forceBoolean(value);
    } else if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
      converted = normalizeFilters(value, model, models);
    } else {
      converted = value;
    }
    if (isEmptyRecord(converted)) continue;
    result[key] = converted;
  }
  return result;
}

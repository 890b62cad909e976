/**
 * Strapi's `processWhere` (@strapi/database query/helpers/where): turns attribute keys into columns of
 * table aliases, opens a join for every relation key it meets (a new alias each time, even for a
 * relation already joined), casts the values of cast operators, and merges a relation's nested
 * conditions into the parent object with `Object.assign`, so a relation value holding `$and`/`$or`
 * replaces a sibling `$and`/`$or` of the same name, as it does in Strapi. What Strapi would reject
 * here (`$eq` at the root, mixed operator and attribute keys under a relation, ...) throws
 * {@link Undecidable}: the database answers (with its error).
 */
import type { AttributeInfo, ModelInfo, ModelLookup } from '../model-info';
import { kindOf, Undecidable } from './kinds';
import type { Comparable, Kind } from './kinds';
import { CAST_OPERATORS, isGroupOperator, isOperator, isRecord, isWhereOperator } from './normalize';
import { attributeOf, ID, isRelation, isVersioned } from './schema';
import type { Dialect } from '../model-info';

/** One table alias of the SQL query: the root (index 0) or a join along a relation. */
export interface Alias {
  readonly index: number;
  /** The alias this one is joined from; -1 for the root. */
  readonly parent: number;
  /** The relation attribute on the parent. */
  readonly attribute: string;
  /** Attribute path from the root type. */
  readonly path: readonly string[];
  /** Whether the relation holds a list. */
  readonly many: boolean;
  /** A to-one relation that may link two rows (see `isVersioned`). */
  readonly versioned: boolean;
}

export interface Column {
  readonly alias: number;
  readonly attribute: string;
  readonly kind: Kind;
}

/** A value cast by Strapi's field `toDB` (and validated by us), as the database compares it. */
export class Cast {
  constructor(readonly value: Comparable) {}
}

export interface Processed {
  /** The processed where object, keyed by column keys (see `columns`), `$and`, `$or` and `$not`. */
  readonly where: Record<string, unknown>;
  readonly aliases: readonly Alias[];
  readonly columns: ReadonlyMap<string, Column>;
}

const fail = (why: string): never => {
  throw new Undecidable(why);
};

export function processFilters(where: unknown, uid: string, models: ModelLookup, dialect: Dialect): Processed {
  const aliases: Alias[] = [{ index: 0, parent: -1, attribute: '', path: [], many: false, versioned: false }];
  const columns = new Map<string, Column>();

  const columnKey = (alias: number, name: string, attribute: AttributeInfo): string => {
    const key = `\u0000${alias}.${name}`;
    if (!columns.has(key)) {
      const kind = kindOf(attribute.type, dialect) ?? fail(`cannot match ${attribute.type} attributes in memory`);
      columns.set(key, { alias, attribute: name, kind });
    }
    return key;
  };

  const kindOfColumn = (key: string) => columns.get(key)!.kind;

  const castValue = (value: unknown, kind: Kind): unknown => {
    if (value === null) return null;
    if (value === undefined || typeof value === 'object' || typeof value === 'function') return fail('cannot cast this value');
    return new Cast(kind.cast(value));
  };

  const processSingleAttributeWhere = (kind: Kind, where: unknown, operator: string): unknown => {
    if (!isRecord(where)) return CAST_OPERATORS.includes(operator) ? castValue(where, kind) : where;
    const filters: Record<string, unknown> = {};
    for (const key of Object.keys(where)) {
      if (!isWhereOperator(key)) fail(`Undefined attribute level operator ${key}`);
      filters[key] = processAttributeWhere(kind, where[key], key);
    }
    return filters;
  };

  const processAttributeWhere = (kind: Kind, where: unknown, operator = '$eq'): unknown =>
    Array.isArray(where) ? where.map((sub) => processSingleAttributeWhere(kind, sub, operator)) : processSingleAttributeWhere(kind, where, operator);

  const processNested = (where: unknown, alias: number, model: ModelInfo | undefined): unknown =>
    isRecord(where) ? processWhere(where, alias, model) : where;

  const processRelationWhere = (where: unknown, alias: number, model: ModelInfo | undefined): Record<string, unknown> => {
    const idKey = columnKey(alias, 'id', ID);
    if (!isRecord(where)) return { [idKey]: where };
    const keys = Object.keys(where);
    const operatorKeys = keys.filter(isOperator);
    if (operatorKeys.length > 0 && operatorKeys.length !== keys.length) fail('Operator and non-operator keys cannot be mixed in a relation where clause');
    if (operatorKeys.length > 1) fail('Only one operator key is allowed in a relation where clause');
    if (operatorKeys.length === 1) {
      const operator = operatorKeys[0]!;
      if (isGroupOperator(operator)) return processWhere(where, alias, model);
      // A nested where under `$not` & co. ends in "Undefined attribute level operator t1.x" in Strapi.
      if (isRecord(where[operator])) fail('relation operators take ids');
      return { [idKey]: { [operator]: where[operator] } };
    }
    return processWhere(where, alias, model);
  };

  function processWhere(where: unknown, alias: number, model: ModelInfo | undefined): Record<string, unknown> {
    if (!isRecord(where)) return fail('Where must be an array or an object');
    const filters: Record<string, unknown> = {};
    for (const key of Object.keys(where)) {
      const value = where[key];
      if (isGroupOperator(key)) {
        if (!Array.isArray(value)) fail(`Operator ${key} must be an array`);
        filters[key] = (value as unknown[]).map((sub) => processNested(sub, alias, model));
        continue;
      }
      if (key === '$not') {
        filters[key] = processNested(value, alias, model);
        continue;
      }
      if (isWhereOperator(key)) fail(`Only $and, $or and $not can only be used as root level operators. Found ${key}.`);
      const attribute = attributeOf(model, key) ?? fail(`unknown attribute ${key}`);
      if (attribute.type === 'relation') {
        if (!isRelation(attribute)) fail(`cannot match the polymorphic relation ${key} in memory`);
        const target = models(attribute.target!);
        const parent = aliases[alias]!;
        const joined: Alias = {
          index: aliases.length,
          parent: alias,
          attribute: key,
          path: [...parent.path, key],
          many: attribute.many === true,
          versioned: isVersioned(model, attribute, models),
        };
        aliases.push(joined);
        Object.assign(filters, processRelationWhere(value, joined.index, target));
        continue;
      }
      const columnName = columnKey(alias, key, attribute);
      filters[columnName] = processAttributeWhere(kindOfColumn(columnName), value);
    }
    return filters;
  }

  return { where: processWhere(where, 0, models(uid)), aliases, columns };
}

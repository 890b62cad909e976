/**
 * Strapi's `applyWhereToColumn` and `applyOperator` (@strapi/database query/helpers/where) as
 * closures over one row binding: each returns what the SQL condition yields for the bound row, in
 * three-valued logic. Knex drops a condition group that ends up empty (`$eq: []`, `$or: []`): such a
 * group compiles to `null` ("absent"), which is not TRUE — inside an `$or` it is simply left out.
 */
import { Undecidable } from './kinds';
import type { Comparable, Kind } from './kinds';
import { Cast } from './process-where';
import type { Column } from './process-where';
import { ARRAY_OPERATORS, isRecord } from './normalize';
import { asciiLower, isAscii, likeMatches, templateText } from './text';
import type { LikeMode } from './text';
import { and, FALSE, fromBoolean, NULL, not, or, TRUE, UNDECIDED } from './tri';
import type { Tri } from './tri';
import type { Dialect } from '../model-info';

export type Row = Record<string, unknown>;
export type Rows = (Row | null)[];
export type Evaluate = (rows: Rows) => Tri;

export interface Node {
  readonly evaluate: Evaluate;
  /** Every evaluation returns UNDECIDED. */
  readonly undecided: boolean;
}

/** What a compiled condition reads: for deciding whether a two-row relation needs both rows. */
export interface ColumnUse {
  readonly column: Column;
  /** Only `IS NULL` / `IS NOT NULL` (on `id`: the same for every row of one relation). */
  readonly nullCheck: boolean;
}

const fail = (why: string): never => {
  throw new Undecidable(why);
};

const constant = (value: Tri): Node => ({ evaluate: () => value, undecided: value === UNDECIDED });

export function group(operator: 'and' | 'or', nodes: readonly (Node | null)[]): Node | null {
  const present = nodes.filter((node): node is Node => node !== null);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0]!;
  const evaluators = present.map((node) => node.evaluate);
  const undecided = present.every((node) => node.undecided);
  if (operator === 'and') {
    return {
      undecided,
      evaluate(rows) {
        let result: Tri = TRUE;
        for (const evaluate of evaluators) {
          result = and(result, evaluate(rows));
          if (result === FALSE) return FALSE;
        }
        return result;
      },
    };
  }
  return {
    undecided,
    evaluate(rows) {
      let result: Tri = FALSE;
      for (const evaluate of evaluators) {
        result = or(result, evaluate(rows));
        if (result === TRUE) return TRUE;
      }
      return result;
    },
  };
}

export function negate(node: Node | null): Node | null {
  if (node === null) return null;
  const evaluate = node.evaluate;
  return { undecided: node.undecided, evaluate: (rows) => not(evaluate(rows)) };
}

const LIKE: Record<string, { mode: LikeMode; negated: boolean; lower: boolean }> = {
  $contains: { mode: 'contains', negated: false, lower: false },
  $notContains: { mode: 'contains', negated: true, lower: false },
  $startsWith: { mode: 'startsWith', negated: false, lower: false },
  $endsWith: { mode: 'endsWith', negated: false, lower: false },
  $containsi: { mode: 'contains', negated: false, lower: true },
  $notContainsi: { mode: 'contains', negated: true, lower: true },
  $startsWithi: { mode: 'startsWith', negated: false, lower: true },
  $endsWithi: { mode: 'endsWith', negated: false, lower: true },
};

export function createColumnCompiler(dialect: Dialect, uses: ColumnUse[]) {
  /** A reader of the column's value in the current binding: null for SQL NULL, undefined when not loaded. */
  const reader = (column: Column, nullCheck: boolean) => {
    uses.push({ column, nullCheck });
    const alias = column.alias;
    const name = column.attribute;
    return (rows: Rows): unknown => {
      const row = rows[alias];
      return row === null || row === undefined ? null : row[name];
    };
  };

  /** The comparable of a processed value: cast by Strapi, or raw (relation ids, which Strapi never casts). */
  const comparable = (kind: Kind, value: unknown): Comparable => {
    if (value instanceof Cast) return value.value;
    if (value === undefined || value === null || typeof value === 'object' || typeof value === 'function') return fail('not a value');
    return kind.cast(value);
  };

  /** Applies `test` to the comparable state value; NULL for SQL NULL, UNDECIDED when it cannot be read. */
  const onValue = (column: Column, test: (value: Comparable) => Tri): Node => {
    const read = reader(column, false);
    const kind = column.kind;
    return {
      undecided: false,
      evaluate(rows) {
        const raw = read(rows);
        if (raw === null) return NULL;
        if (raw === undefined) return UNDECIDED;
        const value = kind.read(raw);
        return value === undefined ? UNDECIDED : test(value);
      },
    };
  };

  const isNull = (column: Column, wanted: boolean): Node => {
    const read = reader(column, true);
    return {
      undecided: false,
      evaluate(rows) {
        const raw = read(rows);
        return raw === undefined ? UNDECIDED : fromBoolean((raw === null) === wanted);
      },
    };
  };

  const equals = (column: Column, value: unknown): Node => {
    if (value === null) return isNull(column, true);
    const expected = comparable(column.kind, value);
    return onValue(column, (actual) => fromBoolean(actual === expected));
  };

  const differs = (column: Column, value: unknown): Node => {
    if (value === null) return isNull(column, false);
    const expected = comparable(column.kind, value);
    return onValue(column, (actual) => fromBoolean(actual !== expected));
  };

  const compares = (column: Column, value: unknown, accept: (order: number) => boolean): Node => {
    // `column < NULL` is NULL for every row.
    if (value === null) return constant(NULL);
    const expected = comparable(column.kind, value);
    const compare = column.kind.compare;
    if (!compare) return onValue(column, () => UNDECIDED);
    return onValue(column, (actual) => fromBoolean(accept(compare(actual, expected))));
  };

  const list = (column: Column, values: unknown): { keys: Set<Comparable>; hasNull: boolean } => {
    const items = Array.isArray(values) ? values : [values];
    const keys = new Set<Comparable>();
    let hasNull = false;
    for (const item of items) {
      if (item === null) hasNull = true;
      else keys.add(comparable(column.kind, item));
    }
    return { keys, hasNull };
  };

  const isIn = (column: Column, values: unknown, negated: boolean): Node => {
    if (isRecord(values)) fail('$in takes a list');
    const { keys, hasNull } = list(column, values);
    // Knex writes an empty IN as `1 = 0` and an empty NOT IN as `1 = 1`, whatever the column holds.
    if (keys.size === 0 && !hasNull) return constant(negated ? TRUE : FALSE);
    return onValue(column, (actual) => {
      if (keys.has(actual)) return negated ? FALSE : TRUE;
      // `x IN (…, NULL)` is NULL, not FALSE, when x is none of the others.
      if (hasNull) return NULL;
      return negated ? TRUE : FALSE;
    });
  };

  const between = (column: Column, values: unknown): Node => {
    if (!Array.isArray(values) || values.length !== 2) return fail('You must specify 2 values for the whereBetween clause');
    return group('and', [compares(column, values[0], (order) => order >= 0), compares(column, values[1], (order) => order <= 0)])!;
  };

  const textOf = (column: Column, lower: boolean) => {
    if (lower) return column.kind.lowerText;
    return column.kind.likeText ?? fail(`LIKE on a ${column.kind.type} column fails on ${dialect}`);
  };

  /** SQLite folds ASCII in LIKE and LOWER(); PostgreSQL's LOWER() follows its locale, which we only trust on ASCII. */
  const fold = (text: string, needle: string, lower: boolean): [string, string] | undefined => {
    if (dialect === 'sqlite') return [asciiLower(text), asciiLower(needle)];
    if (!lower) return [text, needle];
    return isAscii(text) && isAscii(needle) ? [asciiLower(text), asciiLower(needle)] : undefined;
  };

  const textTest = (column: Column, raw: unknown, lower: boolean, test: (text: string, needle: string) => boolean, negated: boolean): Node => {
    const needle = templateText(raw) ?? fail('not a text value');
    const text = textOf(column, lower);
    const read = reader(column, false);
    return {
      undecided: false,
      evaluate(rows) {
        const value = read(rows);
        if (value === null) return NULL;
        const actual = value === undefined ? undefined : text(value);
        if (actual === undefined) return UNDECIDED;
        const folded = fold(actual, needle, lower);
        if (!folded) return UNDECIDED;
        return fromBoolean(test(folded[0], folded[1]) !== negated);
      },
    };
  };

  function applyOperator(column: Column, operator: string, value: unknown): Node | null {
    if (Array.isArray(value) && !ARRAY_OPERATORS.includes(operator)) {
      return group('or', value.map((item) => applyOperator(column, operator, item)));
    }
    switch (operator) {
      case '$not':
        return negate(applyWhereToColumn(column, value));
      case '$in':
        return isIn(column, value, false);
      case '$notIn':
        return isIn(column, value, true);
      case '$eq':
        return equals(column, value);
      case '$ne':
        return differs(column, value);
      case '$eqi':
      case '$nei': {
        if (value === null) return isNull(column, operator === '$eqi');
        return textTest(column, value, true, (text, needle) => text === needle, operator === '$nei');
      }
      case '$gt':
        return compares(column, value, (order) => order > 0);
      case '$gte':
        return compares(column, value, (order) => order >= 0);
      case '$lt':
        return compares(column, value, (order) => order < 0);
      case '$lte':
        return compares(column, value, (order) => order <= 0);
      case '$null':
        return isNull(column, Boolean(value));
      case '$notNull':
        return isNull(column, !value);
      case '$between':
        return between(column, value);
      default: {
        const like = LIKE[operator];
        if (!like) return fail(`Undefined attribute level operator ${operator}`);
        if (isRecord(value)) return fail('a LIKE pattern must be a value');
        return textTest(column, value, like.lower, (text, needle) => likeMatches(text, needle, like.mode), like.negated);
      }
    }
  }

  function applyWhereToColumn(column: Column, where: unknown): Node | null {
    if (!isRecord(where)) return Array.isArray(where) ? isIn(column, where, false) : equals(column, where);
    return group(
      'and',
      Object.keys(where).map((operator) => applyOperator(column, operator, where[operator])),
    );
  }

  return { applyWhereToColumn };
}

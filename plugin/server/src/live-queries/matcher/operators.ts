/**
 * Strapi's `applyWhereToColumn` and `applyOperator` (@strapi/database query/helpers/where) as
 * condition nodes (see logic.ts) over one row binding: each yields what the SQL condition yields for
 * the bound row, in three-valued logic. Knex drops a condition group that ends up empty (`$eq: []`, `$or: []`): such a
 * group compiles to `null` ("absent"), which is not TRUE — inside an `$or` it is simply left out.
 */
import { Undecidable } from './kinds';
import type { Comparable, Kind } from './kinds';
import { Cast } from './process-where';
import type { Column } from './process-where';
import { ARRAY_OPERATORS, isRecord } from './normalize';
import { asciiLower, isAscii, likeMatches, templateText } from './text';
import type { LikeMode } from './text';
import { FALSE, fromBoolean, NULL, TRUE, UNDECIDED } from './tri';
import { constant, group, negate } from './logic';
import type { Node, Rows } from './logic';
import type { Tri } from './tri';
import type { Dialect } from '../model-info';

/** What a compiled condition reads: for deciding whether a two-row relation needs both rows. */
export interface ColumnUse {
  readonly column: Column;
  /** Only `IS NULL` / `IS NOT NULL` (on `id`: the same for every row of one relation). */
  readonly nullCheck: boolean;
}

const fail = (why: string): never => {
  throw new Undecidable(why);
};

/** The column's value in the current binding: null for SQL NULL, undefined when not loaded. */
function readColumn(rows: Rows, alias: number, name: string): unknown {
  const row = rows[alias];
  return row === null || row === undefined ? null : row[name];
}

/** A test of the comparable state value; NULL for SQL NULL, UNDECIDED when it cannot be read. */
abstract class OnValue implements Node {
  get undecided(): boolean {
    return false;
  }
  constructor(
    protected readonly alias: number,
    protected readonly name: string,
    protected readonly kind: Kind,
  ) {}
  abstract test(value: Comparable): Tri;
  evaluate(rows: Rows): Tri {
    const raw = readColumn(rows, this.alias, this.name);
    if (raw === null) return NULL;
    if (raw === undefined) return UNDECIDED;
    const value = this.kind.read(raw);
    return value === undefined ? UNDECIDED : this.test(value);
  }
}

class Equals extends OnValue {
  constructor(alias: number, name: string, kind: Kind, private readonly expected: Comparable) {
    super(alias, name, kind);
  }
  test(actual: Comparable): Tri {
    return fromBoolean(actual === this.expected);
  }
}

class Differs extends OnValue {
  constructor(alias: number, name: string, kind: Kind, private readonly expected: Comparable) {
    super(alias, name, kind);
  }
  test(actual: Comparable): Tri {
    return fromBoolean(actual !== this.expected);
  }
}

/** How a comparison accepts the order of the state value against the expected one. */
const Accept = { Greater: 0, GreaterOrEqual: 1, Less: 2, LessOrEqual: 3 } as const;
type Accept = (typeof Accept)[keyof typeof Accept];

function accepts(accept: Accept, order: number): boolean {
  switch (accept) {
    case Accept.Greater:
      return order > 0;
    case Accept.GreaterOrEqual:
      return order >= 0;
    case Accept.Less:
      return order < 0;
    default:
      return order <= 0;
  }
}

class Compares extends OnValue {
  constructor(
    alias: number,
    name: string,
    kind: Kind,
    private readonly compare: (a: Comparable, b: Comparable) => number,
    private readonly expected: Comparable,
    private readonly accept: Accept,
  ) {
    super(alias, name, kind);
  }
  test(actual: Comparable): Tri {
    return fromBoolean(accepts(this.accept, this.compare(actual, this.expected)));
  }
}

/** An order that depends on the database: NULL for SQL NULL, UNDECIDED for any value. */
class Unordered extends OnValue {
  test(): Tri {
    return UNDECIDED;
  }
}

/** Below this many keys a list is searched, not hashed (`includes` and `Set#has` both use SameValueZero). */
const SMALL_LIST = 8;

class In extends OnValue {
  constructor(
    alias: number,
    name: string,
    kind: Kind,
    private readonly keys: readonly Comparable[] | ReadonlySet<Comparable>,
    private readonly hasNull: boolean,
    private readonly negated: boolean,
  ) {
    super(alias, name, kind);
  }
  test(actual: Comparable): Tri {
    const keys = this.keys;
    if (Array.isArray(keys) ? keys.includes(actual) : (keys as ReadonlySet<Comparable>).has(actual)) return this.negated ? FALSE : TRUE;
    // `x IN (…, NULL)` is NULL, not FALSE, when x is none of the others.
    if (this.hasNull) return NULL;
    return this.negated ? TRUE : FALSE;
  }
}

class IsNull implements Node {
  get undecided(): boolean {
    return false;
  }
  constructor(
    private readonly alias: number,
    private readonly name: string,
    private readonly wanted: boolean,
  ) {}
  evaluate(rows: Rows): Tri {
    const raw = readColumn(rows, this.alias, this.name);
    return raw === undefined ? UNDECIDED : fromBoolean((raw === null) === this.wanted);
  }
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

/** `$eqi`/`$nei` compare the lowered texts; the LIKE operators match a pattern. */
type TextMode = LikeMode | 'equals';

/** SQLite folds ASCII in LIKE and LOWER(); PostgreSQL's LOWER() follows its locale, which we only trust on ASCII. */
function fold(dialect: Dialect, text: string, needle: string, lower: boolean): [string, string] | undefined {
  if (dialect === 'sqlite') return [asciiLower(text), asciiLower(needle)];
  if (!lower) return [text, needle];
  return isAscii(text) && isAscii(needle) ? [asciiLower(text), asciiLower(needle)] : undefined;
}

class TextTest implements Node {
  get undecided(): boolean {
    return false;
  }
  constructor(
    private readonly alias: number,
    private readonly name: string,
    private readonly text: (value: unknown) => string | undefined,
    private readonly needle: string,
    private readonly dialect: Dialect,
    private readonly lower: boolean,
    private readonly mode: TextMode,
    private readonly negated: boolean,
  ) {}
  evaluate(rows: Rows): Tri {
    const value = readColumn(rows, this.alias, this.name);
    if (value === null) return NULL;
    const actual = value === undefined ? undefined : this.text(value);
    if (actual === undefined) return UNDECIDED;
    const folded = fold(this.dialect, actual, this.needle, this.lower);
    if (!folded) return UNDECIDED;
    const matched = this.mode === 'equals' ? folded[0] === folded[1] : likeMatches(folded[0], folded[1], this.mode);
    return fromBoolean(matched !== this.negated);
  }
}

export function createColumnCompiler(dialect: Dialect, uses: ColumnUse[]) {
  /** Whether every condition compiled so far answers true or false on any value it reads. */
  let decisive = true;

  /** Records that a condition reads the column (see {@link ColumnUse}). */
  const use = (column: Column, nullCheck: boolean) => {
    uses.push({ column, nullCheck });
    if (!nullCheck && !column.kind.total) decisive = false;
  };

  /** The comparable of a processed value: cast by Strapi, or raw (relation ids, which Strapi never casts). */
  const comparable = (kind: Kind, value: unknown): Comparable => {
    if (value instanceof Cast) return value.value;
    if (value === undefined || value === null || typeof value === 'object' || typeof value === 'function') return fail('not a value');
    return kind.cast(value);
  };

  const isNull = (column: Column, wanted: boolean): Node => {
    use(column, true);
    return new IsNull(column.alias, column.attribute, wanted);
  };

  const equals = (column: Column, value: unknown): Node => {
    if (value === null) return isNull(column, true);
    const expected = comparable(column.kind, value);
    use(column, false);
    return new Equals(column.alias, column.attribute, column.kind, expected);
  };

  const differs = (column: Column, value: unknown): Node => {
    if (value === null) return isNull(column, false);
    const expected = comparable(column.kind, value);
    use(column, false);
    return new Differs(column.alias, column.attribute, column.kind, expected);
  };

  const compares = (column: Column, value: unknown, accept: Accept): Node => {
    // `column < NULL` is NULL for every row.
    if (value === null) return constant(NULL);
    const expected = comparable(column.kind, value);
    const compare = column.kind.compare;
    use(column, false);
    if (!compare) {
      decisive = false;
      return new Unordered(column.alias, column.attribute, column.kind);
    }
    return new Compares(column.alias, column.attribute, column.kind, compare, expected, accept);
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
    use(column, false);
    return new In(column.alias, column.attribute, column.kind, keys.size <= SMALL_LIST ? [...keys] : keys, hasNull, negated);
  };

  const between = (column: Column, values: unknown): Node => {
    if (!Array.isArray(values) || values.length !== 2) return fail('You must specify 2 values for the whereBetween clause');
    return group('and', [compares(column, values[0], Accept.GreaterOrEqual), compares(column, values[1], Accept.LessOrEqual)])!;
  };

  const textOf = (column: Column, lower: boolean) => {
    if (lower) return column.kind.lowerText;
    return column.kind.likeText ?? fail(`LIKE on a ${column.kind.type} column fails on ${dialect}`);
  };

  const textTest = (column: Column, raw: unknown, lower: boolean, mode: TextMode, negated: boolean): Node => {
    const needle = templateText(raw) ?? fail('not a text value');
    const text = textOf(column, lower);
    use(column, false);
    // PostgreSQL lowers by its locale, which is only trusted on ASCII (see `fold`).
    if (lower && dialect !== 'sqlite') decisive = false;
    return new TextTest(column.alias, column.attribute, text, needle, dialect, lower, mode, negated);
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
        return textTest(column, value, true, 'equals', operator === '$nei');
      }
      case '$gt':
        return compares(column, value, Accept.Greater);
      case '$gte':
        return compares(column, value, Accept.GreaterOrEqual);
      case '$lt':
        return compares(column, value, Accept.Less);
      case '$lte':
        return compares(column, value, Accept.LessOrEqual);
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
        return textTest(column, value, like.lower, like.mode, like.negated);
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

  return {
    applyWhereToColumn,
    /** False once a condition may answer UNDECIDED for some value (an order or a case the database decides). */
    get decisive(): boolean {
      return decisive;
    },
  };
}

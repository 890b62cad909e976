/**
 * Strapi's `applyWhere` over the processed filter, and the join semantics around it. The SQL query
 * LEFT JOINs one alias per relation key of the filter and keeps a document when SOME combination of
 * joined rows makes the WHERE clause TRUE (a relation without rows joins one all-NULL row). So a
 * to-many relation matches when any related row does, `$not: { articles: { title: 'x' } }` matches
 * when some article is not titled 'x' (not "no article is"), and two keys naming the same relation
 * join it twice, independently. The evaluator enumerates the rows of the aliases the conditions read.
 */
import { Undecidable } from './kinds';
import { isRecord } from './normalize';
import { createColumnCompiler, group, negate } from './operators';
import type { ColumnUse, Node, Row, Rows } from './operators';
import type { Alias, Processed } from './process-where';
import { FALSE, TRUE, UNDECIDED } from './tri';
import type { Tri } from './tri';
import type { Dialect } from '../model-info';

const fail = (why: string): never => {
  throw new Undecidable(why);
};

/** Columns of a two-row relation that are the same on both rows (the document's identity). */
const SAME_ON_EVERY_VERSION = new Set(['documentId', 'locale']);

export interface Evaluator {
  /** TRUE when the document matches, UNDECIDED when we cannot tell, FALSE or NULL otherwise. */
  evaluate(state: Row): Tri;
  /** Every evaluation is UNDECIDED. */
  readonly undecided: boolean;
}

export function compileEvaluator(processed: Processed, dialect: Dialect): Evaluator {
  const uses: ColumnUse[] = [];
  const columns = createColumnCompiler(dialect, uses);

  function applyWhere(where: unknown): Node | null {
    // Arrays and scalars reach here only unprocessed (`$and: [[...]]`), which Strapi mis-handles.
    if (!isRecord(where)) return fail('Where must be an object');
    const nodes: (Node | null)[] = [];
    for (const key of Object.keys(where)) {
      const value = where[key];
      if (key === '$and' || key === '$or') {
        nodes.push(group(key === '$and' ? 'and' : 'or', (value as unknown[]).map(applyWhere)));
      } else if (key === '$not') {
        nodes.push(value === null || value === undefined ? null : negate(applyWhere(value)));
      } else {
        const column = processed.columns.get(key) ?? fail(`unknown column ${key}`);
        nodes.push(columns.applyWhereToColumn(column, value));
      }
    }
    return group('and', nodes);
  }

  const root = applyWhere(processed.where);
  // No condition at all (`{ $or: [] }`): every row.
  if (root === null) return { evaluate: () => TRUE, undecided: false };

  const { aliases } = processed;
  const used = new Set<number>();
  for (const { column } of uses) {
    for (let alias: Alias | undefined = aliases[column.alias]; alias && alias.index > 0; alias = aliases[alias.parent]) used.add(alias.index);
  }
  // A to-one relation that may link a draft and a published row, given as one object (what
  // `populate` returns), is decided only by what both rows share.
  const needsEveryVersion = new Set<number>();
  for (const alias of aliases) {
    if (!alias.versioned || !used.has(alias.index)) continue;
    const exact = uses.every(({ column, nullCheck }) => {
      // Both rows exist or neither: a null check of the id (the relation's presence) is the same on both.
      if (column.alias === alias.index) return (nullCheck && column.attribute === 'id') || SAME_ON_EVERY_VERSION.has(column.attribute);
      for (let current = aliases[column.alias]; current && current.index > 0; current = aliases[current.parent]) {
        if (current.parent === alias.index) return false;
      }
      return true;
    });
    if (!exact) needsEveryVersion.add(alias.index);
  }
  const order = aliases.filter((alias) => used.has(alias.index));
  // The compiled nodes' closures keep the compiler's scope, and with it this list: empty it.
  uses.length = 0;
  return enumerator(root, order, needsEveryVersion, aliases.length);
}

/**
 * The evaluator itself, built outside compileEvaluator's scope on purpose: a closure keeps its whole
 * scope alive, and that one holds the processed filter and the compiler (kilobytes per query).
 */
function enumerator(root: Node, order: readonly Alias[], needsEveryVersion: ReadonlySet<number>, aliasCount: number): Evaluator {
  const evaluateRoot = root.evaluate;
  const rows: Rows = new Array<Row | null>(aliasCount).fill(null);

  function enumerate(k: number): Tri {
    if (k === order.length) return evaluateRoot(rows);
    const alias = order[k]!;
    const parent = rows[alias.parent];
    const value = parent === null || parent === undefined ? null : parent[alias.attribute];
    if (value === undefined) return UNDECIDED;
    if (value === null || (Array.isArray(value) && value.length === 0)) {
      rows[alias.index] = null;
      return enumerate(k + 1);
    }
    if (Array.isArray(value)) {
      let result: Tri = FALSE;
      for (const item of value) {
        if (item === null || typeof item !== 'object') return UNDECIDED;
        rows[alias.index] = item as Row;
        const found = enumerate(k + 1);
        if (found === TRUE) return TRUE;
        if (found === UNDECIDED) result = UNDECIDED;
      }
      return result;
    }
    if (typeof value !== 'object') return UNDECIDED;
    rows[alias.index] = value as Row;
    const found = enumerate(k + 1);
    return found !== TRUE && needsEveryVersion.has(alias.index) ? UNDECIDED : found;
  }

  return {
    undecided: root.undecided,
    evaluate(state) {
      rows[0] = state;
      return enumerate(0);
    },
  };
}

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
import { group, negate } from './logic';
import type { Node, Row, Rows } from './logic';
import { createColumnCompiler } from './operators';
import type { ColumnUse } from './operators';
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
  /** Every evaluation on a state that holds the filter's paths is decided (TRUE, FALSE or NULL). */
  readonly decisive: boolean;
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
  if (root === null) return EVERY_ROW;

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
  const order: Step[] = [];
  for (const alias of aliases) {
    if (used.has(alias.index)) order.push({ index: alias.index, parent: alias.parent, attribute: alias.attribute, everyVersion: needsEveryVersion.has(alias.index) });
  }
  // The compiled nodes keep none of the compiler's scope, but empty the list anyway.
  uses.length = 0;
  // A relation row given for two versions decides only what both share (see `enumerate`).
  const decisive = columns.decisive && needsEveryVersion.size === 0;
  return order.length === 0 ? new Single(root, decisive) : new Enumerator(root, decisive, internSteps(order));
}

/** Join orders depend on the filter's structure: queries of one shape share theirs. */
const STEPS = new Map<string, readonly Step[]>();
const MAX_STEPS = 10_000;

function internSteps(order: readonly Step[]): readonly Step[] {
  const key = JSON.stringify(order.map((step) => [step.index, step.parent, step.attribute, step.everyVersion]));
  const known = STEPS.get(key);
  if (known) return known;
  if (STEPS.size >= MAX_STEPS) STEPS.clear();
  STEPS.set(key, order);
  return order;
}

const EVERY_ROW: Evaluator = { evaluate: () => TRUE, undecided: false, decisive: true };

/** One joined alias the conditions read, in join order. */
interface Step {
  readonly index: number;
  readonly parent: number;
  /** The relation attribute on the parent row. */
  readonly attribute: string;
  /** Decided only by what both rows of a two-row relation share (see `needsEveryVersion`). */
  readonly everyVersion: boolean;
}

/**
 * The binding of a filter that joins nothing: only the root row. Shared by every such evaluator, which
 * then holds no array of its own; `evaluate` restores what it found, so a nested evaluation (a getter
 * of the state evaluating another filter) leaves the outer one's binding intact.
 */
const ROOT_ONLY: Rows = [null];

class Single implements Evaluator {
  constructor(
    private readonly root: Node,
    readonly decisive: boolean,
  ) {}

  get undecided(): boolean {
    return this.root.undecided;
  }

  evaluate(state: Row): Tri {
    const outer = ROOT_ONLY[0]!;
    ROOT_ONLY[0] = state;
    try {
      return this.root.evaluate(ROOT_ONLY);
    } finally {
      ROOT_ONLY[0] = outer;
    }
  }
}

/**
 * The evaluator itself: a small object over the compiled root and the joins to enumerate, its code
 * on the class, so that a query holds no closure (a closure keeps its whole scope alive, and the
 * compiler's scope holds the processed filter: kilobytes per query).
 */
class Enumerator implements Evaluator {
  constructor(
    private readonly root: Node,
    readonly decisive: boolean,
    private readonly order: readonly Step[],
  ) {}

  get undecided(): boolean {
    return this.root.undecided;
  }

  evaluate(state: Row): Tri {
    // Every alias the conditions read is bound before they are evaluated: a frame needs no clearing.
    const rows = (FRAMES[depth] ??= []);
    depth++;
    try {
      rows[0] = state;
      return this.enumerate(rows, 0);
    } finally {
      depth--;
    }
  }

  private enumerate(rows: Rows, k: number): Tri {
    const order = this.order;
    if (k === order.length) return this.root.evaluate(rows);
    const alias = order[k]!;
    const parent = rows[alias.parent];
    const value = parent === null || parent === undefined ? null : parent[alias.attribute];
    if (value === undefined) return UNDECIDED;
    if (value === null || (Array.isArray(value) && value.length === 0)) {
      rows[alias.index] = null;
      return this.enumerate(rows, k + 1);
    }
    if (Array.isArray(value)) {
      let result: Tri = FALSE;
      for (const item of value) {
        if (item === null || typeof item !== 'object') return UNDECIDED;
        rows[alias.index] = item as Row;
        const found = this.enumerate(rows, k + 1);
        if (found === TRUE) return TRUE;
        if (found === UNDECIDED) result = UNDECIDED;
      }
      return result;
    }
    if (typeof value !== 'object') return UNDECIDED;
    rows[alias.index] = value as Row;
    const found = this.enumerate(rows, k + 1);
    return found !== TRUE && alias.everyVersion ? UNDECIDED : found;
  }
}

/**
 * The row bindings of the evaluations in progress, one per nesting level (a getter of a state may
 * evaluate another filter): shared by every evaluator, so no query holds an array of its own.
 */
const FRAMES: Rows[] = [];
let depth = 0;

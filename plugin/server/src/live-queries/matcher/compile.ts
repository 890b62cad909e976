/**
 * Compiles a filter once: normalize as the Document Service does, process as the query layer does,
 * then close over the result. Anything Strapi or the database would reject, or whose result we cannot
 * reproduce, compiles to a filter that is never decided in memory.
 */
import type { Dialect, ModelLookup } from '../model-info';
import { equalityIndex } from './equality-index';
import type { EqualityIndex } from './equality-index';
import { compileEvaluator } from './evaluate';
import type { Evaluator } from './evaluate';
import { Undecidable } from './kinds';
import { isRecord, normalizeFilters } from './normalize';
import type { Row } from './logic';
import { filterPaths } from './paths';
import { processFilters } from './process-where';
import { shapeOf } from './shape';
import { TRUE, UNDECIDED } from './tri';

export interface CompiledFilter {
  /** Every attribute path the filter reads, e.g. [['title'], ['category','slug'], ['comments','author','id']]; always relative to the query's uid. */
  readonly paths: readonly (readonly string[])[];
  /** Whether the document state matches. `undefined` = this filter/value cannot be decided in memory on this dialect (the caller asks the database). */
  matches(state: DocumentState): boolean | undefined;
  /** False when no state can be decided in memory (every evaluation would return undefined): the caller always uses the database for this query. */
  readonly inMemory: boolean;
  /**
   * True when `matches` answers true or false for every state that holds `paths` as the database
   * returns them: nothing about the values can need the database, so a write's states may be
   * matched after its commit instead of inside its transaction.
   */
  readonly decisive: boolean;
  /** One conjunctive equality the filter requires, for indexing queries by value: a document can match only if one of its values at `path` has a key in `keys` (keys from {@link indexKeyOf}). Omitted when there is none. */
  readonly index?: EqualityIndex;
  /** A key for the filter's structure with its leaf values removed: queries of the same shape share it. */
  readonly shape: string;
}

/**
 * The state a document is matched against: its row as `strapi.db.query(uid).findOne({ select, populate })`
 * returns it (scalars converted by Strapi), relations populated along the filter's `paths` (to-one:
 * object or null, to-many: array), each related object with `id`, `documentId` and the fields the
 * paths need. A to-one relation from a type without draft & publish to one with it may be an array
 * of the rows it links (draft and published), as `loadStates` returns it; given as one object, only
 * conditions on what both rows share (documentId, locale, presence) are decided. An attribute or
 * relation missing from the state (undefined) makes the answer undefined, never a guess.
 */
export type DocumentState = Record<string, unknown>;

const never = () => undefined;

/** What a filter's shape alone determines (on one uid and model lookup): shared by the queries of that shape. */
interface ShapeInfo {
  readonly shape: string;
  readonly paths: readonly (readonly string[])[];
}

const SHAPES = new WeakMap<ModelLookup, Map<string, ShapeInfo>>();
/** Shapes are few in practice; a flood of distinct ones only resets the cache. */
const MAX_SHAPES = 10_000;

/** The shape and paths of a normalized filter; `filterPaths` reads only what `shapeOf` keeps (structure, keys, null, `$null`). */
function shapeInfo(normalized: unknown, uid: string, models: ModelLookup): ShapeInfo {
  const shape = shapeOf(normalized);
  let byShape = SHAPES.get(models);
  if (!byShape) {
    byShape = new Map();
    SHAPES.set(models, byShape);
  }
  const key = `${uid}\u0000${shape}`;
  const known = byShape.get(key);
  if (known) return known;
  const info: ShapeInfo = { shape, paths: filterPaths(normalized, uid, models) };
  if (byShape.size >= MAX_SHAPES) byShape.clear();
  byShape.set(key, info);
  return info;
}

/** `matches`, bound to the query's evaluator: a bound function is smaller than a closure and its scope. */
function matchesWith(this: Evaluator, state: DocumentState): boolean | undefined {
  const result = this.evaluate(state as Row);
  return result === TRUE ? true : result === UNDECIDED ? undefined : false;
}

export function compileFilter(filters: Record<string, unknown>, uid: string, models: ModelLookup, dialect: Dialect): CompiledFilter {
  const normalized = normalizeFilters(filters, models(uid), models);
  const { paths, shape } = shapeInfo(normalized, uid, models);
  try {
    // The Document Service spreads the filters into an object: a top-level array breaks it.
    if (!isRecord(normalized)) throw new Undecidable('filters must be an object');
    const processed = processFilters(normalized, uid, models, dialect);
    const evaluator = compileEvaluator(processed, dialect);
    const index = equalityIndex(processed);
    if (evaluator.undecided) return { paths, shape, inMemory: false, decisive: false, ...(index ? { index } : {}), matches: never };
    return { paths, shape, inMemory: true, decisive: evaluator.decisive, ...(index ? { index } : {}), matches: matchesWith.bind(evaluator) };
  } catch (error) {
    if (!(error instanceof Undecidable)) throw error;
    return { paths, shape, inMemory: false, decisive: false, matches: never };
  }
}

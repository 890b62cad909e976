/**
 * Loads document states for the matcher: the attributes and relations a set of filter paths reads,
 * with `strapi.db.query`, as the SQL join of the filter would see them. One query, except when a
 * path crosses a to-one relation from a type without draft & publish to one with it: that relation
 * links the target's draft AND published rows, the join sees both, and `populate` returns only the
 * first; then a second query reads the published rows and the relation becomes an array of both.
 */
import type { ModelInfo, ModelLookup } from '../model-info';
import type { DocumentState } from './compile';
import { attributeOf, isContentType, isRelation, isVersioned } from './schema';

export interface StatePopulate {
  select: string[];
  populate?: Record<string, StatePopulate>;
  where?: Record<string, unknown>;
}

/** `{ select, populate }` for `strapi.db.query(uid).findOne/findMany`. */
export interface StateQuery {
  select: string[];
  populate: Record<string, StatePopulate>;
}

/** What `loadStates` needs of `strapi.db`. */
export interface StateReader {
  query(uid: string): { findMany(params: Record<string, unknown>): Promise<unknown[]> };
}

interface Level {
  readonly uid: string;
  readonly model: ModelInfo | undefined;
  readonly scalars: Set<string>;
  readonly relations: Map<string, Child>;
}
interface Child extends Level {
  readonly versioned: boolean;
}

const SKIPPED_TYPES = new Set(['component', 'dynamiczone', 'media', 'relation']);

function levelOf(uid: string, models: ModelLookup): Level {
  return { uid, model: models(uid), scalars: new Set(), relations: new Map() };
}

function tree(uid: string, paths: readonly (readonly string[])[], models: ModelLookup): Level {
  const root = levelOf(uid, models);
  for (const path of paths) {
    let level = root;
    for (const name of path) {
      const attribute = attributeOf(level.model, name);
      if (!attribute) break;
      if (isRelation(attribute)) {
        let child = level.relations.get(name);
        if (!child) {
          child = { ...levelOf(attribute.target!, models), versioned: isVersioned(level.model, attribute, models) };
          level.relations.set(name, child);
        }
        level = child;
        continue;
      }
      if (!SKIPPED_TYPES.has(attribute.type)) level.scalars.add(name);
      break;
    }
  }
  return root;
}

const selectOf = (level: Level) => [...new Set(['id', ...(isContentType(level.uid) ? ['documentId'] : []), ...level.scalars])];

const hasVersioned = (level: Level): boolean => [...level.relations.values()].some((child) => child.versioned || hasVersioned(child));

type Mode = 'all' | 'drafts' | 'published';

/**
 * `drafts`: two-row relations keep their draft row; `published`: only what leads to two-row
 * relations, which keep their published row. Below a two-row relation everything is read plainly.
 */
function populateOf(level: Level, mode: Mode): Record<string, StatePopulate> {
  const populate: Record<string, StatePopulate> = {};
  for (const [name, child] of level.relations) {
    const split = mode !== 'all' && child.versioned;
    if (mode === 'published' && !split && !hasVersioned(child)) continue;
    const entry: StatePopulate = { select: mode === 'published' && !split ? ['id'] : selectOf(child) };
    const nested = populateOf(child, split ? 'all' : mode);
    if (Object.keys(nested).length > 0) entry.populate = nested;
    if (split) entry.where = { publishedAt: mode === 'drafts' ? { $null: true } : { $notNull: true } };
    populate[name] = entry;
  }
  return populate;
}

/**
 * The `{ select, populate }` that loads what `paths` read, in one query. A to-one relation to the
 * draft and published rows of a document comes back as one of them: the matcher then decides only
 * conditions both rows share; use {@link loadStates} for complete states.
 *
 * Spread it into `strapi.db.query(uid).findOne({ where, ...stateQuery(paths, uid, models) })`.
 */
export function stateQuery(paths: readonly (readonly string[])[], uid: string, models: ModelLookup): StateQuery {
  const root = tree(uid, paths, models);
  return { select: selectOf(root), populate: populateOf(root, 'all') };
}

type Row = Record<string, unknown>;
const isRow = (value: unknown): value is Row => value !== null && typeof value === 'object' && !Array.isArray(value);

function merge(drafts: Row, published: Row | undefined, level: Level): void {
  for (const [name, child] of level.relations) {
    if (child.versioned) {
      const rows = [drafts[name], published?.[name]].filter(isRow);
      drafts[name] = rows.length > 0 ? rows : null;
      continue;
    }
    if (!hasVersioned(child)) continue;
    const value = drafts[name];
    const other = published?.[name];
    if (Array.isArray(value)) {
      const byId = new Map((Array.isArray(other) ? other : []).filter(isRow).map((row) => [row.id, row]));
      for (const row of value) if (isRow(row)) merge(row, byId.get(row.id), child);
    } else if (isRow(value)) {
      merge(value, isRow(other) && other.id === value.id ? other : undefined, child);
    }
  }
}

/**
 * The states of the rows of `uid` matching `where` (a `strapi.db.query` where), loaded along `paths`:
 * one query, or two when a path crosses a relation that links draft and published rows.
 *
 * For instance the states of comment 12: `loadStates(strapi.db, 'api::comment.comment', { id: 12 }, paths, models)`.
 */
export async function loadStates(
  db: StateReader,
  uid: string,
  where: Record<string, unknown>,
  paths: readonly (readonly string[])[],
  models: ModelLookup,
): Promise<DocumentState[]> {
  const root = tree(uid, paths, models);
  const select = selectOf(root);
  if (!hasVersioned(root)) return (await db.query(uid).findMany({ where, select, populate: populateOf(root, 'all') })) as DocumentState[];
  const drafts = (await db.query(uid).findMany({ where, select, populate: populateOf(root, 'drafts') })) as Row[];
  const published = (await db.query(uid).findMany({ where, select: ['id'], populate: populateOf(root, 'published') })) as Row[];
  const byId = new Map(published.map((row) => [row.id, row]));
  for (const row of drafts) merge(row, byId.get(row.id), root);
  return drafts;
}

import type { PopulateInput } from './query-options';
import type { StrapiDocument } from './protocol';

/**
 * An event carries the document as the server's `populate` config shapes it, which need not be
 * what this query's REST read returns (other `populate`, `fields`). The shape of the REST documents
 * is learned from the reads; an event that covers it is cut down to it, and one that does not (or
 * whose query populates in ways an event cannot match) is read again over REST.
 */
export interface Shape {
  /** Top-level keys of the REST documents. */
  keys: ReadonlySet<string>;
  /** For populated relations: the keys of the related documents, once one has been seen. */
  nested: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * How a query populates: `simple` relations (one level, no options), `exact`ly as the server's
 * events do (see {@link samePopulateAsEvents}), or anything else.
 */
export type PopulatePlan = { kind: 'simple'; keys: ReadonlySet<string> } | { kind: 'exact' } | { kind: 'complex' };

/**
 * Whether a query's REST reads and the server's events have the same shape: the same populate as
 * the server's (compared canonically) and no `fields`. Events then equal REST reads as they are
 * (the server reads and sanitizes them as REST does, per reader), so no projection and no read.
 */
export function samePopulateAsEvents(rest: Record<string, unknown>, serverPopulate: unknown, canonical: (value: unknown) => unknown): boolean {
  if (serverPopulate === undefined || rest.populate === undefined || rest.fields !== undefined) return false;
  return JSON.stringify(canonical(rest.populate)) === JSON.stringify(canonical(serverPopulate));
}

export function planPopulate(populate: PopulateInput | undefined): PopulatePlan {
  if (populate === undefined) return { kind: 'simple', keys: new Set() };
  const names: string[] = [];
  if (typeof populate === 'string') names.push(...populate.split(','));
  else if (Array.isArray(populate)) names.push(...(populate as string[]));
  else {
    for (const [key, value] of Object.entries(populate as Record<string, unknown>)) {
      const plain = value === true || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
      if (!plain) return { kind: 'complex' };
      names.push(key);
    }
  }
  const keys = names.map((name) => String(name).trim()).filter(Boolean);
  if (keys.some((key) => key === '*' || key.includes('.'))) return { kind: 'complex' };
  return { kind: 'simple', keys: new Set(keys) };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Adds what these REST documents show to the shape. */
export function learnShape(shape: Shape | undefined, documents: readonly StrapiDocument[], plan: PopulatePlan): Shape | undefined {
  if (documents.length === 0) return shape;
  const keys = new Set(shape?.keys ?? []);
  const nested = new Map<string, Set<string>>([...(shape?.nested ?? new Map<string, ReadonlySet<string>>())].map(([key, value]) => [key, new Set(value)]));
  for (const document of documents) {
    for (const key of Object.keys(document)) keys.add(key);
    if (plan.kind !== 'simple') continue;
    for (const key of plan.keys) {
      const value = document[key];
      const related = Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : [];
      if (related.length === 0) continue;
      const seen = nested.get(key) ?? new Set<string>();
      for (const item of related) for (const name of Object.keys(item)) seen.add(name);
      nested.set(key, seen);
    }
  }
  return { keys, nested };
}

function pick(source: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> | null {
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    if (!(key in source)) return null;
    result[key] = source[key];
  }
  return result;
}

/**
 * The event's document in this query's REST shape, or null when only a REST read can give it.
 * For a query that reads no `category`, `{ documentId: 'a', id: 1, title: 'T', category: { id: 2 } }`
 * projects to `{ documentId: 'a', id: 1, title: 'T' }`.
 */
export function project<T extends StrapiDocument>(document: StrapiDocument, shape: Shape | undefined, plan: PopulatePlan): T | null {
  if (plan.kind === 'exact') return document as T;
  if (!shape || plan.kind !== 'simple') return null;
  const top = pick(document, shape.keys);
  if (!top) return null;
  for (const key of plan.keys) {
    if (!shape.keys.has(key)) continue;
    const value = top[key];
    if (value === null || value === undefined) continue;
    const related = shape.nested.get(key);
    if (!related) return null;
    if (Array.isArray(value)) {
      const items = value.map((item) => (isObject(item) ? pick(item, related) : null));
      if (items.some((item) => item === null)) return null;
      top[key] = items;
    } else if (isObject(value)) {
      const item = pick(value, related);
      if (!item) return null;
      top[key] = item;
    } else {
      return null;
    }
  }
  return top as T;
}

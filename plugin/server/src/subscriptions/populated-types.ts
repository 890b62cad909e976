/**
 * Which content types a subscription's REST reads show populated. A collection `subscribe` may
 * carry `populates`: the REST `populate` values of the reads it serves (any form REST takes). A
 * change to a document of a type they reach is what `io:related` tells, so it goes only to those
 * subscriptions, not to every reader (which cost every write a second packet to every socket).
 *
 * Lenient on purpose: a name the schema lacks is skipped (the client's REST read reports it), and
 * when in doubt a type is included. Pure: the schema is passed in.
 */
import { AckError } from '../socket/ack';
import { depthWithin } from './query-definition';

/** How many populate values one subscription may carry (one per distinct REST read shape sharing it). */
export const MAX_POPULATES = 16;
/** How much JSON they may take, all together. */
export const MAX_POPULATES_BYTES = 4000;
/** How deep a populate may go (`{ a: { populate: { b: ... } } }` is three levels per hop). */
const MAX_POPULATES_DEPTH = 24;

interface Attribute {
  type: string;
  target?: string;
  component?: string;
  components?: readonly string[];
}

/** A content type's or component's attributes (live-queries/model-info.ts `modelsOf` gives them). */
export type ModelOf = (uid: string) => { attributes: Readonly<Record<string, Attribute>> } | undefined;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads `populates` from a subscribe payload (absent: none). Sizes are checked before anything is
 * walked: a hostile payload costs a bounded walk, never a deep recursion.
 */
export function readPopulates(payload: unknown): unknown[] {
  const populates = isRecord(payload) ? payload.populates : undefined;
  if (populates === undefined) return [];
  if (!Array.isArray(populates)) throw new AckError('INVALID_QUERY', 'populates must be an array of REST populate values');
  if (populates.length > MAX_POPULATES) throw new AckError('INVALID_QUERY', `populates may list at most ${MAX_POPULATES} values`);
  const depth = depthWithin(populates, MAX_POPULATES_BYTES);
  if (depth === undefined || depth > MAX_POPULATES_DEPTH || JSON.stringify(populates).length > MAX_POPULATES_BYTES) {
    throw new AckError('INVALID_QUERY', `populates must be at most ${MAX_POPULATES_BYTES} bytes of JSON, ${MAX_POPULATES_DEPTH} levels deep`);
  }
  return populates;
}

/**
 * The content types that reads of `uid` with these populates show inside their documents (at any
 * depth, through relations, components and dynamic zones), sorted. Media and polymorphic
 * (morph-to) relations lead to no type we can name and are left out.
 */
export function populatedTypes(populates: readonly unknown[], uid: string, modelOf: ModelOf): string[] {
  const found = new Set<string>();

  /** What `populate` of a document of `owner` reaches. */
  function walk(populate: unknown, owner: string): void {
    const attributes = modelOf(owner)?.attributes;
    if (!attributes) return;
    if (populate === '*') {
      // REST's `*` populates one level: every relation's documents, without theirs.
      for (const attribute of Object.values(attributes)) if (attribute.type === 'relation' && attribute.target) found.add(attribute.target);
      return;
    }
    if (typeof populate === 'string') return names(populate.split(','), attributes);
    if (Array.isArray(populate)) return names(populate.filter((item): item is string => typeof item === 'string').flatMap((item) => item.split(',')), attributes);
    if (!isRecord(populate)) return;
    for (const [name, options] of Object.entries(populate)) {
      const attribute = Object.hasOwn(attributes, name) ? attributes[name] : undefined;
      if (!attribute) continue;
      if (attribute.type === 'relation' && attribute.target) found.add(attribute.target);
      if (!isRecord(options)) continue;
      if (isRecord(options.on)) {
        // A dynamic zone's (or morph-to's) fragments, by component uid.
        for (const [component, fragment] of Object.entries(options.on)) {
          if (attribute.components?.includes(component) && isRecord(fragment)) walk(fragment.populate, component);
        }
      }
      const next = attribute.type === 'relation' ? attribute.target : attribute.type === 'component' ? attribute.component : undefined;
      if (next && options.populate !== undefined) walk(options.populate, next);
    }
  }

  /** Names and dot paths (`category.articles`, `sections.link`). */
  function names(list: readonly string[], attributes: Readonly<Record<string, Attribute>>): void {
    for (const item of list) {
      const segments = item.split('.').map((segment) => segment.trim());
      if (segments[0]) path(segments, attributes);
    }
  }

  function path(segments: readonly string[], attributes: Readonly<Record<string, Attribute>>): void {
    const [head, ...rest] = segments as [string, ...string[]];
    const attribute = Object.hasOwn(attributes, head) ? attributes[head] : undefined;
    if (!attribute) return;
    if (attribute.type === 'relation' && attribute.target) found.add(attribute.target);
    if (rest.length === 0) return;
    const next = attribute.type === 'relation' ? [attribute.target] : attribute.type === 'component' ? [attribute.component] : attribute.type === 'dynamiczone' ? (attribute.components ?? []) : [];
    // A path through a dynamic zone goes on in whichever of its components has the next segment.
    for (const model of next) {
      const nested = model ? modelOf(model)?.attributes : undefined;
      if (nested) path(rest, nested);
    }
  }

  for (const populate of populates) walk(populate, uid);
  return [...found].sort();
}

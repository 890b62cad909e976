/**
 * The options of a live query, typed by a registered schema: `filters` by attribute, `populate`
 * and `fields` by name (with autocompletion), and `sort` suggesting attribute names. An
 * unregistered uid takes today's loose options. Pure types.
 */
import type { CollectionOptions, EntityOptions } from '../query-options';
import type { SortInput } from '../sort';
import type { PopulatableKeys, ScalarKeys } from './document';
import type { DocumentFilters } from './filters';
import type { AttributesOf, RegisteredComponents, RegisteredContentTypes } from './register';

type Known<Uid> = Uid extends keyof RegisteredContentTypes | keyof RegisteredComponents ? true : false;

/**
 * `fields` of `Uid`: a scalar attribute name or an array of them. (Comma lists are fine at run time
 * but cannot be checked name by name, so with a registered schema use an array.)
 */
export type FieldsFor<Uid> = Known<Uid> extends true
  ? ScalarKeys<AttributesOf<Uid>> | readonly ScalarKeys<AttributesOf<Uid>>[]
  : string | readonly string[];

type PopulateName<Uid> = PopulatableKeys<AttributesOf<Uid>>;

/** What `populate` reads a populated attribute with, in the object form. */
type NestedPopulate<Attribute> = Attribute extends { type: 'relation'; target: infer Target }
  ? true | QueryShape<Target>
  : Attribute extends { type: 'component'; component: infer Component }
    ? true | QueryShape<Component>
    : Attribute extends { type: 'media' }
      ? true | QueryShape<'plugin::upload.file'>
      : Attribute extends { type: 'dynamiczone'; components: infer Components extends readonly unknown[] }
        ? true | { populate?: '*'; on?: { [C in Components[number] & string]?: true | QueryShape<C> } }
        : true;

interface QueryShape<Uid> {
  populate?: PopulateFor<Uid>;
  fields?: FieldsFor<Uid>;
  filters?: DocumentFilters<Uid>;
  sort?: SortFor<Uid>;
  /** Relations: the number of related documents instead of the documents (`{ count: number }`). */
  count?: boolean;
}

/** The target a populatable attribute leads to (relation target, component, media's file type). */
type TargetOf<Attribute> = Attribute extends { type: 'relation'; target: infer Target }
  ? Target
  : Attribute extends { type: 'component'; component: infer Component }
    ? Component
    : Attribute extends { type: 'media' }
      ? 'plugin::upload.file'
      : never;

/** Dotted populate paths (`'category.articles'`), each segment checked, up to three segments deep. */
type PopulatePath<Uid, Depth extends unknown[] = []> = Depth['length'] extends 3
  ? never
  : {
      [K in PopulateName<Uid>]: K | `${K}.${PopulatePath<TargetOf<AttributesOf<Uid>[K]>, [...Depth, unknown]>}`;
    }[PopulateName<Uid>];

/**
 * `populate` of `Uid`: `'*'`, a name or dotted path, an array of them, or the object form. (Comma
 * lists are fine at run time but cannot be checked name by name, so with a registered schema use
 * an array.)
 */
export type PopulateFor<Uid> = Known<Uid> extends true
  ? '*' | PopulatePath<Uid> | readonly ('*' | PopulatePath<Uid>)[] | { [K in PopulateName<Uid>]?: boolean | NestedPopulate<AttributesOf<Uid>[K]> }
  : string | readonly string[] | { readonly [relation: string]: unknown };

/** `sort` of `Uid`: any REST form; attribute names are suggested. */
export type SortFor<Uid> = Known<Uid> extends true
  ? ScalarKeys<AttributesOf<Uid>> | `${ScalarKeys<AttributesOf<Uid>>}:${'asc' | 'desc'}` | SortInput
  : SortInput;

/**
 * The options of `live.collection(uid, options)` for this uid. `Populate` and `Fields` are what the
 * call passed (inferred, so the documents can be typed from them); every other option is checked
 * as written, excess properties included.
 */
export type CollectionOptionsFor<Uid, Populate = PopulateFor<Uid>, Fields = FieldsFor<Uid>> = Known<Uid> extends true
  ? Omit<CollectionOptions, 'filters' | 'populate' | 'fields' | 'sort'> & {
      filters?: DocumentFilters<Uid>;
      populate?: Populate;
      fields?: Fields;
      sort?: SortFor<Uid>;
    }
  : CollectionOptions;

/** The options of `live.entity(uid, documentId, options)` and `live.single(uid, options)` for this uid; see {@link CollectionOptionsFor}. */
export type EntityOptionsFor<Uid, Populate = PopulateFor<Uid>, Fields = FieldsFor<Uid>> = Known<Uid> extends true
  ? Omit<EntityOptions, 'populate' | 'fields'> & { populate?: Populate; fields?: Fields }
  : EntityOptions;

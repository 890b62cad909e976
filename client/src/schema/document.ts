/**
 * The shape of a document as Strapi's REST API returns it, computed from the registered schema (`Register`) and the query's `populate` and `fields`: `id`, `documentId`, every attribute that
 * is not private, not a password and not populatable; relations, media, components and dynamic
 * zones only when `populate` names them (`'*'`, names, comma lists, dotted paths, arrays, or the
 * object form with nested `populate`, `fields` and a dynamic zone's `on`). An attribute that is not
 * `required` may be `null`, as in the JSON. Only the schema's structure is read, so Strapi's
 * generated interfaces and hand-written ones both work. Pure types: nothing here exists at run time.
 */
import type { StrapiDocument } from '../protocol';
import type { AttributesOf, RegisteredComponents, RegisteredContentTypes } from './register';

/** Flattens an intersection into one object type, so editors show documents readably. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Any JSON value (a `json` attribute). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A node of a `blocks` (rich text) attribute. */
export interface BlocksNode {
  type: string;
  children?: BlocksNode[];
  [property: string]: unknown;
}

/** A file of Strapi's media library, as a populated media attribute returns it. */
export interface StrapiMedia {
  id: number;
  documentId: string;
  name: string;
  alternativeText: string | null;
  caption: string | null;
  width: number | null;
  height: number | null;
  formats: Record<string, { url: string; width?: number; height?: number; [property: string]: unknown }> | null;
  hash: string;
  ext: string | null;
  mime: string;
  size: number;
  url: string;
  previewUrl: string | null;
  provider: string;
  provider_metadata: unknown;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

type PopulatableKind = 'relation' | 'media' | 'component' | 'dynamiczone';
/** Never in a REST response: the output sanitizer removes private attributes and passwords. */
type Hidden = { private: true } | { type: 'password' };
type ManyRelation = 'oneToMany' | 'manyToMany' | 'manyWay' | 'morphMany' | 'morphToMany';

/** Attributes a REST response carries without `populate`. */
export type ScalarKeys<Attributes> = {
  [K in keyof Attributes]-?: Attributes[K] extends Hidden ? never : Attributes[K] extends { type: PopulatableKind } ? never : K;
}[keyof Attributes] &
  string;

/** Attributes `populate` may name. */
export type PopulatableKeys<Attributes> = {
  [K in keyof Attributes]-?: Attributes[K] extends Hidden ? never : Attributes[K] extends { type: PopulatableKind } ? K : never;
}[keyof Attributes] &
  string;

/** What an attribute holds in JSON (`enumeration` as the union of its values). */
export type ScalarValue<Attribute> = Attribute extends { type: 'integer' | 'float' | 'decimal' }
  ? number
  : Attribute extends { type: 'boolean' }
    ? boolean
    : Attribute extends { type: 'enumeration'; enum: infer Values extends readonly string[] }
      ? Values[number]
      : Attribute extends { type: 'json' }
        ? JsonValue
        : Attribute extends { type: 'blocks' }
          ? BlocksNode[]
          : Attribute extends { type: 'string' | 'text' | 'richtext' | 'email' | 'uid' | 'date' | 'time' | 'datetime' | 'timestamp' | 'biginteger' }
            ? string
            : unknown;

type Nullable<Attribute, Value> = Attribute extends { required: true } ? Value : Value | null;

type Split<S extends string> = S extends `${infer Head},${infer Rest}` ? Head | Split<Rest> : S;
type FirstSegment<Path extends string> = Path extends `${infer Head}.${string}` ? Head : Path;
type RestAfter<Path extends string, Key extends string> = Path extends `${Key}.${infer Rest}` ? Rest : never;

/** The names a string or array `populate` lists (comma lists split, dotted paths kept). */
type PopulatePaths<Populate> = Populate extends string
  ? Split<Populate>
  : Populate extends readonly (infer Name)[]
    ? Name extends string
      ? Split<Name>
      : never
    : never;

/** The attributes a `populate` value asks for (`'*'` among them means every one). */
type RequestedKeys<Populate> = Populate extends string | readonly unknown[]
  ? FirstSegment<PopulatePaths<Populate>>
  : Populate extends object
    ? { [K in keyof Populate]-?: Populate[K] extends false | undefined ? never : K }[keyof Populate]
    : never;

type PopulatedKeys<Attributes, Populate> = '*' extends RequestedKeys<Populate>
  ? PopulatableKeys<Attributes>
  : Extract<RequestedKeys<Populate>, PopulatableKeys<Attributes>>;

/** The options a populated attribute is read with: the rest of a dotted path, or the object form's value. */
type NestedOptions<Populate, Key extends string> = Populate extends string | readonly unknown[]
  ? [RestAfter<PopulatePaths<Populate>, Key>] extends [never]
    ? {}
    : { populate: RestAfter<PopulatePaths<Populate>, Key> }
  : Populate extends object
    ? Key extends keyof Populate
      ? Populate[Key] extends object
        ? Populate[Key]
        : {}
      : {}
    : {};

type PopulateOf<Options> = Options extends { populate?: infer Populate } ? Populate : undefined;
type FieldsOf<Options> = Options extends { fields?: infer Fields } ? Fields : undefined;

type SelectedScalarKeys<Attributes, Fields> = [Fields] extends [undefined]
  ? ScalarKeys<Attributes>
  : Fields extends string
    ? Extract<Split<Fields>, ScalarKeys<Attributes>>
    : Fields extends readonly (infer Name)[]
      ? Extract<Name, ScalarKeys<Attributes>>
      : ScalarKeys<Attributes>;

/** The attributes of one document or component entry, for one set of options. */
type Fields<Attributes, Options> = { [K in SelectedScalarKeys<Attributes, FieldsOf<Options>>]: Nullable<Attributes[K], ScalarValue<Attributes[K]>> } & {
  [K in PopulatedKeys<Attributes, PopulateOf<Options>>]: PopulatedValue<Attributes[K], NestedOptions<PopulateOf<Options>, K>>;
};

type IsSingle<Attribute, Flag extends string> = Attribute extends { [K in Flag]?: false } ? true : false;

/** A media file as read with `fields` (always with `id` and `documentId`). */
type MediaFile<Options> = [FieldsOf<Options>] extends [undefined]
  ? StrapiMedia
  : FieldsOf<Options> extends readonly (infer Name)[]
    ? Pick<StrapiMedia, Extract<Name, keyof StrapiMedia> | 'id' | 'documentId'>
    : FieldsOf<Options> extends string
      ? Pick<StrapiMedia, Extract<FieldsOf<Options>, keyof StrapiMedia> | 'id' | 'documentId'>
      : StrapiMedia;

type PopulatedValue<Attribute, Options> = Options extends { count: true }
  ? { count: number }
  : Attribute extends { type: 'relation' }
  ? RelationValue<Attribute, Options>
  : Attribute extends { type: 'media' }
    ? IsSingle<Attribute, 'multiple'> extends true
      ? MediaFile<Options> | null
      : MediaFile<Options>[]
    : Attribute extends { type: 'component'; component: infer Component }
      ? IsSingle<Attribute, 'repeatable'> extends true
        ? ComponentEntry<Component, Options> | null
        : ComponentEntry<Component, Options>[]
      : Attribute extends { type: 'dynamiczone'; components: infer Components extends readonly unknown[] }
        ? DynamicZoneEntry<Components[number], Options>[]
        : never;

type RelationValue<Attribute, Options> = Attribute extends { relation: infer Kind; target: infer Target }
  ? Kind extends ManyRelation
    ? DocumentShape<Target, Options>[]
    : DocumentShape<Target, Options> | null
  : Attribute extends { relation: ManyRelation }
    ? StrapiDocument[]
    : StrapiDocument | null;

/** A document of `Uid` read with `Options`; a loose {@link StrapiDocument} for an unregistered uid. */
export type DocumentShape<Uid, Options = {}> = Uid extends keyof RegisteredContentTypes
  ? Simplify<{ id: number; documentId: string } & Fields<AttributesOf<Uid>, Options>>
  : StrapiDocument;

/** One entry of a component attribute (components have an `id`, no `documentId`). */
export type ComponentEntry<Component, Options = {}> = Component extends keyof RegisteredComponents
  ? Simplify<{ id: number } & Fields<AttributesOf<Component>, Options>>
  : { id: number; [attribute: string]: unknown };

/** A dynamic zone's `on` picks options per component; without it the options apply to each. */
type OptionsFor<Options, Component> = Options extends { on: infer On }
  ? Component extends keyof On
    ? On[Component] extends object
      ? On[Component]
      : {}
    : {}
  : Options;

/** One entry of a dynamic zone: a component entry tagged with its `__component` uid. */
export type DynamicZoneEntry<Component, Options = {}> = Component extends string
  ? Simplify<{ __component: Component } & ComponentEntry<Component, OptionsFor<Options, Component>>>
  : never;

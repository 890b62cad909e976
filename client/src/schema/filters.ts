/**
 * Strapi's REST `filters`, typed by a registered schema: attribute names, operator names, values
 * of the attribute's type, relations and components filtered through their own attributes. An
 * unregistered uid takes any object, as before. Pure types.
 */
import type { AttributesOf, RegisteredComponents, RegisteredContentTypes } from './register';
import type { ScalarValue } from './document';

/** The operators Strapi's REST API accepts on one attribute. */
export interface FilterOperators<Value> {
  $eq?: Value | null;
  $eqi?: Value;
  $ne?: Value | null;
  $nei?: Value;
  $lt?: Value;
  $lte?: Value;
  $gt?: Value;
  $gte?: Value;
  $in?: readonly Value[];
  $notIn?: readonly Value[];
  $contains?: Value;
  $notContains?: Value;
  $containsi?: Value;
  $notContainsi?: Value;
  $startsWith?: Value;
  $startsWithi?: Value;
  $endsWith?: Value;
  $endsWithi?: Value;
  $null?: boolean;
  $notNull?: boolean;
  $between?: readonly [Value, Value];
  $not?: FilterCondition<Value>;
}

/** A value (shorthand for `$eq`) or operators. */
export type FilterCondition<Value> = Value | FilterOperators<Value>;

type Filterable = { private: true } | { type: 'password' | 'dynamiczone' };

type AttributeFilter<Attribute> = Attribute extends { type: 'relation'; target: infer Target }
  ? DocumentFilters<Target>
  : Attribute extends { type: 'component'; component: infer Component }
    ? DocumentFilters<Component>
    : Attribute extends { type: 'media' }
      ? DocumentFilters<'plugin::upload.file'>
      : FilterCondition<ScalarValue<Attribute>>;

type AttributeFilters<Attributes> = {
  [K in keyof Attributes as Attributes[K] extends Filterable ? never : K]?: AttributeFilter<Attributes[K]>;
};

/** Logical operators, and what every document has (`id`, `documentId`). */
interface CommonFilters<Self> {
  id?: FilterCondition<number>;
  documentId?: FilterCondition<string>;
  $and?: readonly Self[];
  $or?: readonly Self[];
  $not?: Self;
}

/** `filters` of a query on `Uid` (a content type or a component); any object for an unknown uid. */
export type DocumentFilters<Uid> = Uid extends keyof RegisteredContentTypes | keyof RegisteredComponents
  ? AttributeFilters<AttributesOf<Uid>> & CommonFilters<DocumentFilters<Uid>>
  : Record<string, unknown>;

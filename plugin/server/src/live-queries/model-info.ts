/**
 * What the live-query matcher needs to know of a content type or component: its attributes' kinds
 * and, for relations, their target and whether they hold many documents. Plain data, so the
 * matcher and its index are tested without Strapi; `modelsOf(strapi)` reads it from Strapi's
 * registry.
 */
import type { Core } from '@strapi/strapi';

export interface AttributeInfo {
  /** Strapi's attribute type: 'string', 'integer', 'relation', 'media', 'component', ... */
  type: string;
  /** Relations: the target uid (`api::category.category`); media: `plugin::upload.file`. */
  target?: string;
  /** Relations, media, repeatable components: whether the attribute holds a list. */
  many?: boolean;
  /** Components: the component uid. */
  component?: string;
  /** Dynamic zones: the component uids they allow. */
  components?: readonly string[];
  /** Enumerations: the allowed values. */
  enum?: readonly string[];
  private?: boolean;
}

export interface ModelInfo {
  uid: string;
  attributes: Readonly<Record<string, AttributeInfo>>;
  /**
   * Whether the type has draft & publish. A to-one relation from a type without it to a type with it
   * links both the draft and the published row of the target, which the matcher must know.
   * Unknown (undefined) is treated as "maybe".
   */
  draftAndPublish?: boolean;
}

/** Looks a model up by uid (content type or component); undefined for an unknown uid. */
export type ModelLookup = (uid: string) => ModelInfo | undefined;

/** The database a filter runs on: some operators' results depend on it (case, collation). */
export type Dialect = 'sqlite' | 'postgres' | 'mysql';

const MANY_RELATIONS = new Set(['oneToMany', 'manyToMany', 'manyWay', 'morphMany', 'morphToMany']);

/** Strapi's registry as a {@link ModelLookup}, memoized per uid. */
export function modelsOf(strapi: Core.Strapi): ModelLookup {
  const cache = new Map<string, ModelInfo | undefined>();
  return (uid) => {
    if (cache.has(uid)) return cache.get(uid);
    const model = strapi.getModel(uid as never) as
      | {
          attributes?: Record<string, { type?: string; relation?: string; target?: string; multiple?: boolean; component?: string; components?: string[]; repeatable?: boolean; enum?: string[]; private?: boolean }>;
          options?: { draftAndPublish?: boolean };
        }
      | undefined;
    const info: ModelInfo | undefined = model && {
      uid,
      draftAndPublish: model.options?.draftAndPublish === true,
      attributes: Object.fromEntries(
        Object.entries(model.attributes ?? {}).map(([name, attribute]) => {
          const type = attribute.type ?? 'unknown';
          const info: AttributeInfo = { type };
          if (type === 'relation') Object.assign(info, { target: attribute.target, many: MANY_RELATIONS.has(attribute.relation ?? '') });
          if (type === 'media') Object.assign(info, { target: 'plugin::upload.file', many: attribute.multiple === true });
          if (type === 'component') Object.assign(info, { component: attribute.component, many: attribute.repeatable === true });
          if (type === 'dynamiczone') info.components = attribute.components ?? [];
          if (type === 'enumeration') info.enum = attribute.enum ?? [];
          if (attribute.private) info.private = true;
          return [name, info];
        }),
      ),
    };
    cache.set(uid, info);
    return info;
  };
}

/** The dialect of Strapi's database connection. */
export function dialectOf(strapi: Core.Strapi): Dialect {
  const client = String((strapi.db as unknown as { dialect?: { client?: string } }).dialect?.client ?? strapi.config.get('database.connection.client', 'sqlite'));
  if (client.includes('postgres') || client === 'pg') return 'postgres';
  if (client.includes('mysql')) return 'mysql';
  return 'sqlite';
}


/**
 * Where an app tells the SDK its Strapi schema, once, by module augmentation (as TanStack Router's
 * `Register` does). Then `live.collection('api::article.article')` autocompletes the uid, types
 * `filters`, `populate` and `fields` from the attributes, and returns documents shaped like the REST
 * API returns them. A frontend without `@strapi/strapi` installed can write the same shapes by hand
 * (or copy Strapi's generated interfaces): only their structure is read (`attributes` with `type`,
 * `required`, `private`, `relation`/`target`, `component`, `components`, `multiple`, `repeatable`,
 * `enum`; `info.singularName` for event names; `kind: 'singleType'` for `live.single`). Without a
 * `Register`, every uid is a `string` and every document a `StrapiDocument`.
 *
 * With Strapi's own generated types (`types/generated/*.d.ts`, which augment `@strapi/strapi`), one
 * file in the frontend is enough:
 *
 * @example
 * // src/strapi-live.d.ts
 * import type { Public } from '@strapi/strapi';
 *
 * declare module '@strapi-live/client' {
 *   interface Register {
 *     contentTypes: Public.ContentTypeSchemas;
 *     components: Public.ComponentSchemas;
 *   }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-empty-object-type
export interface Register {}

/** The registered content types by uid, or `{}` when none are. */
export type RegisteredContentTypes = Register extends { contentTypes: infer Schemas extends object } ? Schemas : {};

/** The registered components by uid, or `{}` when none are. */
export type RegisteredComponents = Register extends { components: infer Schemas extends object } ? Schemas : {};

/** Whether the app registered its content types. */
export type HasSchema = [keyof RegisteredContentTypes] extends [never] ? false : true;

/** A content-type uid: one of the registered ones, or any string when nothing is registered. */
export type ContentTypeUID = HasSchema extends true ? Extract<keyof RegisteredContentTypes, string> : string;

/**
 * A single type's uid: a registered content type whose schema says `kind: 'singleType'` (Strapi's
 * generated `Struct.SingleTypeSchema` does), or any string when nothing is registered.
 */
export type SingleTypeUID = HasSchema extends true
  ? Extract<{ [Uid in keyof RegisteredContentTypes]: RegisteredContentTypes[Uid] extends { kind: 'singleType' } ? Uid : never }[keyof RegisteredContentTypes], string>
  : string;

/** The attributes of a registered content type or component, `never` for an unknown uid. */
export type AttributesOf<TUid> = TUid extends keyof RegisteredContentTypes
  ? RegisteredContentTypes[TUid] extends { attributes: infer Attributes extends object }
    ? Attributes
    : never
  : TUid extends keyof RegisteredComponents
    ? RegisteredComponents[TUid] extends { attributes: infer Attributes extends object }
      ? Attributes
      : never
    : never;

/**
 * The uid parameter of the overloads that take an explicit document type (`collection<Article>(uid)`):
 * a content-type uid once a type is given (still checked against a registered schema), nothing
 * otherwise, so a call without one is checked by the schema-typed overload instead of silently
 * falling back to this one.
 */
export type ExplicitTypeUid<TDocument> = [TDocument] extends [never] ? never : ContentTypeUID;

/** Like {@link ExplicitTypeUid}, for `single<Homepage>(uid)`: a single type's uid once a type is given. */
export type ExplicitSingleTypeUid<TDocument> = [TDocument] extends [never] ? never : SingleTypeUID;

/**
 * Content event names and listeners typed by a registered schema: `article:update` is known to
 * carry an article. Pure types.
 */
import type { ContentAction, DeletedDocument, EventMeta, StrapiDocument } from '../protocol';
import type { DocumentShape, PopulatableKeys, Simplify } from './document';
import type { AttributesOf, ContentTypeUID, HasSchema, RegisteredContentTypes } from './register';

type SingularNameOf<Uid> = Uid extends keyof RegisteredContentTypes
  ? RegisteredContentTypes[Uid] extends { info: { singularName: infer Name extends string } }
    ? Name
    : never
  : never;

/** `<singularName>:<action>` of every registered content type; any such name without a schema. */
export type ContentEventName = HasSchema extends true
  ? { [Uid in ContentTypeUID]: `${SingularNameOf<Uid>}:${ContentAction}` }[ContentTypeUID]
  : `${string}:${ContentAction}`;

type UidOfSingularName<Name extends string> = { [Uid in ContentTypeUID]: SingularNameOf<Uid> extends Name ? Uid : never }[ContentTypeUID];

/**
 * The document a `create` or `update` event carries: the REST shape, plus whatever relations the
 * server's `populate` config adds (present only when configured, hence optional).
 */
export type EventDocument<Uid> = Uid extends keyof RegisteredContentTypes
  ? Simplify<DocumentShape<Uid> & Partial<Pick<DocumentShape<Uid, { populate: '*' }>, PopulatableKeys<AttributesOf<Uid>> & keyof DocumentShape<Uid, { populate: '*' }>>>>
  : StrapiDocument;

/** The listener of one content event: a document for `create`/`update`, `{ documentId, locale }` for `delete`. */
export type ContentEventHandler<Event extends string> = Event extends `${string}:delete`
  ? (document: DeletedDocument, meta: EventMeta) => void
  : HasSchema extends true
    ? Event extends `${infer Name}:${'create' | 'update'}`
      ? (document: EventDocument<UidOfSingularName<Name>>, meta: EventMeta) => void
      : never
    : (document: StrapiDocument, meta: EventMeta) => void;

/**
 * The event of the overloads that take an explicit document type (`live.on<Article>('article:create', …)`):
 * a content event name once a type is given (checked against a registered schema), nothing otherwise.
 */
export type ExplicitTypeEvent<TDocument> = [TDocument] extends [never] ? never : ContentEventName;

/**
 * An app's own event name (`chat`, `io:error`, `dashboard:refresh`). With a registered schema a
 * name shaped like a content event (`<name>:create|update|delete`) must be one, so a typo in a
 * content event's name does not compile as a custom event.
 */
export type CustomEventName<TEvent extends string> = HasSchema extends true ? (TEvent extends `${string}:${ContentAction}` ? never : TEvent) : TEvent;

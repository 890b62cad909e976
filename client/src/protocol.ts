/**
 * The wire protocol between @strapi-live/plugin-io and its clients: every Socket.IO event name,
 * payload and acknowledgement. The plugin imports this file with `import type`, so the server and
 * the SDK cannot drift apart. Nothing here exists at run time.
 */

/** The three things a reader of one view of a content type can see happen to a document. */
export type ContentAction = 'create' | 'update' | 'delete';

/** What Strapi's Document Service did (the cause of a {@link ContentAction}). */
export type DocumentAction = 'create' | 'update' | 'delete' | 'publish' | 'unpublish' | 'discardDraft';

/** The two views of a draft & publish content type; types without draft & publish only have `published`. */
export type DocumentStatus = 'published' | 'draft';

/** A Strapi v5 document in the flat REST shape (`documentId`, attributes, populated relations). */
export interface StrapiDocument {
  documentId: string;
  id?: number;
  locale?: string | null;
  updatedAt?: string;
  publishedAt?: string | null;
  [attribute: string]: unknown;
}

/** First argument of a `<singularName>:delete` event. */
export interface DeletedDocument {
  documentId: string;
  locale: string | null;
}

/**
 * Second argument of every content event. Handlers written for the seed plugin take one argument
 * and simply ignore it.
 */
export interface EventMeta {
  /** Content-type uid, e.g. `api::article.article`. */
  uid: string;
  /** What the reader of this view sees. */
  action: ContentAction;
  /** What the Document Service did. */
  cause: DocumentAction;
  documentId: string;
  locale: string | null;
  /** The view this event describes. */
  status: DocumentStatus;
  /** Unique id of this event: `<node id>-<sequence>`, the sequence increasing within one node. */
  eventId: string;
  /** Milliseconds since the epoch at which the write committed. */
  ts: number;
  /**
   * Set on events sent for a collection subscription: the `id` its `subscribe` acknowledged. The
   * action is relative to that subscription: `create` when a document starts matching its query,
   * `delete` when it stops, `update` in between.
   */
  subscription?: string;
}

/** Error codes carried by `{ success: false, error }` acknowledgements and `connect_error`s. */
export type ErrorCode =
  | 'INVALID_PAYLOAD'
  | 'UNKNOWN_CONTENT_TYPE'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_QUERY'
  | 'UNAUTHORIZED'
  /**
   * Sent as `io:error` just before the server ends a session on purpose (an app's
   * `strapi.$io.disconnectSocket(id, reason)`), with that reason as the message; credential
   * failures (expired JWT, blocked user, revoked token) are `UNAUTHORIZED` instead.
   */
  | 'DISCONNECTED'
  | 'LIMIT_EXCEEDED'
  | 'INTERNAL_ERROR';

export interface AckError {
  code: ErrorCode;
  message: string;
}

export type AckFailure = { success: false; error: AckError };
export type AckSuccess<T extends object = object> = { success: true } & T;
export type Ack<T extends object = object> = AckSuccess<T> | AckFailure;
export type AckCallback<T extends object = object> = (response: Ack<T>) => void;

/**
 * Payload of `subscribe-entity` / `unsubscribe-entity`; `id` is the documentId (a row id is accepted
 * too, as a number or a string of digits). A single type has one entry: `id` may be left out.
 */
export interface EntitySubscriptionPayload {
  uid: string;
  id?: string | number;
}

/**
 * What a successful `subscribe-entity` acknowledges. For a single type, the documentId of its entry
 * now, or null while it has none (the subscription then hears of its `create`).
 */
export interface EntitySubscriptionAck {
  uid: string;
  documentId: string | null;
}

/** A live query: Strapi's REST `filters` syntax, evaluated by Strapi itself. */
export interface CollectionQuery {
  uid: string;
  /** Strapi filters (`$eq`, `$in`, `$contains`, `$and`, relations...), as in `GET /api/<plural>?filters=`. */
  filters?: Record<string, unknown>;
  /** `published` (REST's default) or `draft`. */
  status?: DocumentStatus;
  locale?: string;
}

/**
 * The `subscribe` payload: a {@link CollectionQuery} (the subscription's identity) plus what the
 * REST reads it serves populate, so that the server sends `io:related` only to the sockets that show
 * the changed document populated.
 */
export interface SubscribeRequest extends CollectionQuery {
  /**
   * The REST `populate` values of the reads this subscription serves, each in any form REST accepts
   * (`'*'`, `'a,b'`, `['a', 'b.c']`, `{ a: true, b: { populate: ..., fields: [...] } }`, dynamic zones'
   * `on`); omitted when none populates anything. At most 16 values and 4,000 bytes of JSON, else
   * `INVALID_QUERY`. Not part of the identity: subscribing again to the same query with more
   * populates returns the same `id` and widens what the socket is told (the server unions them;
   * nothing narrows it before `unsubscribe` or a new session). Unknown attribute names are ignored.
   */
  populates?: unknown[];
}

/** How to read a content type over REST, so that no client guesses a plural name. */
export interface RestInfo {
  /** Path of the collection, with the app's REST prefix, e.g. `/api/articles`. */
  path: string;
  singularName: string;
  pluralName: string;
  kind: 'collectionType' | 'singleType';
  draftAndPublish: boolean;
  localized: boolean;
  /**
   * The `populate` the server's events carry for this type (its config, REST syntax), absent when
   * none. A query whose REST read uses exactly this populate and no `fields` gets events shaped
   * exactly as its reads.
   */
  populate?: unknown;
}

/**
 * How the server's database orders what a REST `sort` compares, so that the SDK can keep a live list
 * in the order a REST read returns it.
 */
export interface DatabaseOrder {
  /**
   * `binary`: text by code point (SQLite; PostgreSQL with a C or POSIX collation), which the SDK
   * reproduces. `collation`: by a linguistic collation (`a < B < é`), which it does not: a list
   * sorted by text is read again where its order depends on one.
   */
  text: 'binary' | 'collation';
  /** Where NULL goes in an ascending sort (and the reverse descending): `first` (SQLite, MySQL), `last` (PostgreSQL). */
  nulls: 'first' | 'last';
}

/** What a successful `subscribe` acknowledges. */
export interface CollectionSubscriptionAck {
  /**
   * Identifies the subscription on this connection ("1", "2"...): the same query subscribed again
   * gets the same id, and an id is never given twice on a connection (a session resumed by
   * connection state recovery goes on numbering; a new session starts again).
   */
  id: string;
  uid: string;
  rest: RestInfo;
  /** How the database orders a sort; absent from servers before it was sent (then SQLite's order is assumed). */
  order?: DatabaseOrder;
}

/** A listener for `<singularName>:<action>` content events. */
export type ContentEventListener<T extends StrapiDocument = StrapiDocument> = (document: T | DeletedDocument, meta: EventMeta) => void;

/**
 * Events the server sends: content events `<singularName>:<action>` (see {@link ContentEventListener};
 * apps may emit their own events under any name, so names are not narrowed here), and `io:error`.
 */
export interface ServerToClientEvents {
  /**
   * A failed message sent without an acknowledgement callback, and the reason just before the
   * server ends a session: `UNAUTHORIZED` when a token expired, a user was blocked or a token was
   * revoked; `DISCONNECTED` when the app disconnected the socket itself.
   */
  'io:error': (error: AckError) => void;
  /**
   * The server may have missed changes (with many nodes: this node lost Redis for a while, and
   * changes made on other nodes meanwhile never reached it). Read again what you show.
   */
  'io:resync': (info: { reason: string }) => void;
  /**
   * The server ended a collection subscription: its principal may no longer hold it (a permission
   * removed, a filter on what it may no longer read). `id` is the subscription's; no more events.
   */
  'io:subscription-ended': (info: { id: string; code: ErrorCode; message: string }) => void;
  /**
   * A document that other documents relate to changed (a category renamed, an author published
   * again): what shows it populated inside them is out of date. Sent to readers of the types that
   * relate to it.
   */
  'io:related': (info: RelatedInfo) => void;
  [customEvent: string]: (...args: any[]) => void;
}

/** What `io:related` says: which document changed, and which documents point at it now. */
export interface RelatedInfo {
  uid: string;
  documentId: string;
  locale: string | null;
  /**
   * The documents that relate to it now, by type (only types the reader may read). Absent when
   * there are too many to list: then every query that populates anything should be read again.
   */
  parents?: Record<string, string[]>;
}

/** Events a client may send; every one is validated and acknowledged. */
export interface ClientToServerEvents {
  'subscribe-entity': (payload: EntitySubscriptionPayload, ack?: AckCallback<EntitySubscriptionAck>) => void;
  'unsubscribe-entity': (payload: EntitySubscriptionPayload, ack?: AckCallback<EntitySubscriptionAck>) => void;
  /** Subscribes to the documents of a type that match a query; events carry `meta.subscription`. */
  subscribe: (query: SubscribeRequest, ack?: AckCallback<CollectionSubscriptionAck>) => void;
  /** Ends a collection subscription (by the id `subscribe` returned, or by the same query). */
  unsubscribe: (payload: { id: string } | CollectionQuery, ack?: AckCallback<{ id: string }>) => void;
  /** A round trip: acknowledged once every message the server sent before it has been sent. */
  'io:ping': (ack: AckCallback<{ ts: number }>) => void;
  /** Events an app adds with `config.events`. */
  [customEvent: string]: (...args: any[]) => void;
}

/** `auth` of the Socket.IO handshake. Omit it to connect as the Public role. */
export type HandshakeAuth =
  | { strategy: 'jwt'; token: string }
  | { strategy: 'api-token'; token: string };


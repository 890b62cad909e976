/**
 * Room names. Every room the plugin manages starts with `$io:`; no client message can join a room,
 * and `strapi.$io.joinRoom` refuses this prefix, so nobody can slip into another principal's rooms.
 * Rooms are keyed by ids (group keys, uids, documentIds), never by display names.
 */
export const RESERVED_PREFIX = '$io:';

const entityPrefixOfGroup = (groupKey: string) => `${RESERVED_PREFIX}entity:${groupKey}:`;
const queryPrefixOfGroup = (groupKey: string) => `${RESERVED_PREFIX}query:${groupKey}:`;
const relatedPrefixOfGroup = (groupKey: string) => `${RESERVED_PREFIX}related:${groupKey}:`;

export const rooms = {
  /** Every socket of a principal group. */
  group: (groupKey: string) => `${RESERVED_PREFIX}group:${groupKey}`,
  /** Sockets of a group that have no subscription: they receive every configured type they may read. */
  broadcast: (groupKey: string) => `${RESERVED_PREFIX}broadcast:${groupKey}`,
  /** Sockets of a group subscribed to one document. */
  entityOfGroup: (groupKey: string, uid: string, documentId: string) =>
    `${entityPrefixOfGroup(groupKey)}${uid}:${documentId}`,
  /** The common start of a group's entity rooms. */
  entityPrefixOfGroup,
  /** Every socket subscribed to one document, whatever its group (for `emitToEntity`). */
  entity: (uid: string, documentId: string) => `${RESERVED_PREFIX}entity:${uid}:${documentId}`,
  /**
   * Sockets of a group subscribed to one collection query under one subscription id. Ids are per
   * connection (see collection-subscriptions.ts), so sockets that hold different queries under the
   * same id get one and the same packet.
   */
  query: (groupKey: string, queryId: string, subscription: string) => `${queryPrefixOfGroup(groupKey)}${queryId}:${subscription}`,
  queryPrefixOfGroup,
  /**
   * Sockets of a group holding a collection subscription whose reads show documents of `uid`
   * populated: they are told `io:related` when one changes (see subscriptions/related-rooms.ts).
   */
  relatedOfGroup: (groupKey: string, uid: string) => `${relatedPrefixOfGroup(groupKey)}${uid}`,
  relatedPrefixOfGroup,
  /** The sockets of one user or one API token, to re-check them when it changes. */
  user: (userId: number) => `${RESERVED_PREFIX}user:${userId}`,
  token: (tokenId: number) => `${RESERVED_PREFIX}token:${tokenId}`,
};

/**
 * What stands for the documentId in a single type's entity rooms: a subscription follows the type's
 * one entry, even when it is deleted and created again under another documentId.
 */
export const SINGLE_ENTRY = '*';

/** The key of a document in entity rooms: its documentId, or {@link SINGLE_ENTRY} for a single type. */
export const entityKey = (type: { kind: 'collectionType' | 'singleType' }, documentId: string) =>
  type.kind === 'singleType' ? SINGLE_ENTRY : documentId;

const ENTITY_ALL = new RegExp(`^${escape(RESERVED_PREFIX)}entity:((?:api|plugin|admin)::[^:]+):(.+)$`);

function escape(text: string): string {
  return text.replace(/[$]/g, '\\$');
}

/** The `{ uid, documentId }` of an all-groups entity room, or null for any other room. */
export function parseEntityRoom(room: string): { uid: string; documentId: string } | null {
  const match = ENTITY_ALL.exec(room);
  return match ? { uid: match[1]!, documentId: match[2]! } : null;
}

export const isReservedRoom = (room: string) => room.startsWith(RESERVED_PREFIX);

const QUERY_ROOM = new RegExp(`^${escape(RESERVED_PREFIX)}query:(.+):([^:]+):([^:]+)$`);

/** The `{ groupKey, queryId, subscription }` of a collection-query room, or null for any other room. */
export function parseQueryRoom(room: string): { groupKey: string; queryId: string; subscription: string } | null {
  const match = QUERY_ROOM.exec(room);
  return match ? { groupKey: match[1]!, queryId: match[2]!, subscription: match[3]! } : null;
}

const isSubscriptionRoom = (room: string) => parseEntityRoom(room) !== null || parseQueryRoom(room) !== null;

/** How many subscriptions (entity and collection) a socket holds. */
export function subscriptionCount(socketRooms: Iterable<string>): number {
  let count = 0;
  for (const room of socketRooms) if (isSubscriptionRoom(room)) count += 1;
  return count;
}

/** Whether a socket holds any subscription; without one it gets the broadcast. */
export function hasSubscriptions(socketRooms: Iterable<string>): boolean {
  for (const room of socketRooms) if (isSubscriptionRoom(room)) return true;
  return false;
}

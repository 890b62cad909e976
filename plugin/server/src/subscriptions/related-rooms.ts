import type { SubscriberSocket } from './entity-subscriptions';
import { rooms } from './rooms';

/**
 * Puts a socket in exactly the `io:related` rooms of its group that the collection queries it holds
 * call for (`HeldQuery.shows`): joined on subscribe, left when the last query showing a type goes.
 * Kept in `socket.data` and as rooms, so it survives connection state recovery and a move to
 * another node like the subscriptions themselves.
 */
export async function syncRelatedRooms(socket: SubscriberSocket, groupKey: string): Promise<void> {
  const wanted = new Set<string>();
  for (const held of Object.values(socket.data.queries ?? {})) for (const uid of held.shows ?? []) wanted.add(rooms.relatedOfGroup(groupKey, uid));
  const prefix = rooms.relatedPrefixOfGroup(groupKey);
  for (const room of [...socket.rooms]) if (room.startsWith(prefix) && !wanted.has(room)) await socket.leave(room);
  const joining = [...wanted].filter((room) => !socket.rooms.has(room));
  if (joining.length > 0) await socket.join(joining);
}

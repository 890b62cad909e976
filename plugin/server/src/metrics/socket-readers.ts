import type { DeliveryStats } from '../delivery/deliver-changes';
import type { IoServer } from '../socket/create-server';
import { parseEntityRoom, parseQueryRoom } from '../subscriptions/rooms';
import type { MetricsReaders, PrincipalKind } from './metrics';

/**
 * The gauges' figures, read from this node's own sockets and rooms at scrape time (every 15 s or
 * so): O(sockets + rooms) then, and nothing at all while sockets connect, subscribe and leave.
 * Only the main namespace: an app's own namespaces and the admin's live channel are not clients
 * of content events.
 */
export function socketReaders(io: IoServer, stats: DeliveryStats): MetricsReaders {
  return {
    connections() {
      const counts: Record<PrincipalKind, number> = { public: 0, user: 0, 'api-token': 0 };
      for (const socket of io.of('/').sockets.values()) {
        const kind = socket.data.io?.principal.kind;
        if (kind) counts[kind] += 1;
      }
      return counts;
    },
    subscriptions() {
      // Each subscription puts its socket in exactly one all-groups entity room or one query room
      // (see rooms.ts); rooms are far fewer than socket-room pairs. The adapter is read at every
      // scrape: hooks.init may have replaced it.
      let entity = 0;
      let collection = 0;
      for (const [room, sockets] of io.of('/').adapter.rooms) {
        if (parseEntityRoom(room)) entity += sockets.size;
        else if (parseQueryRoom(room)) collection += sockets.size;
      }
      return { entity, collection };
    },
    sanitized: () => stats.sanitized,
  };
}

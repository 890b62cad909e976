import type { ResolvedConfig } from '../config/types';
import type { WatchedType } from '../delivery/content-types';
import { AckError } from '../socket/ack';
import type { IoServer } from '../socket/create-server';
import { tellAndDisconnect } from '../socket/last-word';
import { ADMIN_NAMESPACE } from './admin-namespace';

/** The structures the running plugin reads its settings from, changed in place by {@link applySettings}. */
export interface LiveSettings {
  io: IoServer;
  /** The object every part got at start-up: the guard reads `guard`, subscriptions read the limits, through it. */
  config: ResolvedConfig;
  /** The map capture, delivery, subscriptions and `io:related` look types up in. */
  watched: Map<string, WatchedType>;
  delivery: { typesChanged(): void };
  queries: { endType(uid: string, refusal: AckError): Promise<void> };
}

/**
 * Makes the running plugin follow new settings, without a restart:
 * - content types: the `watched` map and its entries are changed in place, so capture stops (or
 *   starts) at the next write, a delivery in flight reads the new actions and populate, and
 *   subscribes to a type turned off are refused (`UNKNOWN_CONTENT_TYPE`). The collection
 *   subscriptions sockets hold on it are ended with `io:subscription-ended` (same code); entity
 *   subscriptions, which have no id the protocol could end them by, stay and are silent until the
 *   type is turned on again.
 * - limits: written into the config object the guard's token buckets and the subscription caps read
 *   at each message and each subscribe, connected sockets included.
 * - requireAuthentication: new Public connections are refused by the guard; Public sockets already
 *   connected are told `io:error` UNAUTHORIZED and disconnected, as an expired token would be.
 */
export async function applySettings(live: LiveSettings, next: ResolvedConfig, nextWatched: Map<string, WatchedType>): Promise<void> {
  const { config, watched } = live;
  const turnedOff: string[] = [];
  for (const uid of [...watched.keys()]) {
    if (nextWatched.has(uid)) continue;
    watched.delete(uid);
    turnedOff.push(uid);
  }
  for (const [uid, type] of nextWatched) {
    const running = watched.get(uid);
    if (!running) watched.set(uid, type);
    else {
      running.actions = type.actions;
      running.populate = type.populate;
    }
  }
  const authWasRequired = config.guard.requireAuthentication;
  // Only what the page may change differs: the rest comes from the same file.
  Object.assign(config.guard, next.guard);
  config.maxSubscriptionsPerSocket = next.maxSubscriptionsPerSocket;
  config.contentTypes = next.contentTypes;
  live.delivery.typesChanged();

  for (const uid of turnedOff) {
    await live.queries.endType(uid, new AckError('UNKNOWN_CONTENT_TYPE', `${uid} no longer sends real-time events (turned off in the io plugin's settings)`));
  }
  if (!authWasRequired && config.guard.requireAuthentication) endPublicSockets(live.io);
}

/** Every Public socket of this node, in every namespace but the admin's. */
function endPublicSockets(io: IoServer): void {
  for (const [name, namespace] of io._nsps) {
    if (name === ADMIN_NAMESPACE) continue;
    for (const socket of [...namespace.sockets.values()]) {
      if (socket.data.io?.principal.kind !== 'public') continue;
      tellAndDisconnect(socket, { code: 'UNAUTHORIZED', message: 'This server now requires credentials: connect with a JWT or an API token' });
    }
  }
}

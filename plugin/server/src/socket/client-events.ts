import type { Core } from '@strapi/strapi';
import type { IoSocket } from './create-server';
import type { CollectionSubscriptions } from '../subscriptions/collection-subscriptions';
import type { EntitySubscriptions } from '../subscriptions/entity-subscriptions';
import { metricsOf } from '../metrics/install-metrics';
import { AckError, ackForError } from './ack';
import { createThrottledLog } from './throttled-log';

type Handler = (payload: unknown) => Promise<object>;

/** Unexpected failures, logged once a minute per message name for the whole server. */
const failureLogs = new WeakMap<Core.Strapi, ReturnType<typeof createThrottledLog>>();

/**
 * Wires the messages a client may send. Each is validated by its handler and answered with
 * `{ success: true, ... }` or `{ success: false, error: { code, message } }`; a client that passed
 * no acknowledgement callback gets failures as an `io:error` event instead, never silence.
 * One socket's messages are handled one after another, in the order sent: a `subscribe` followed
 * by its `unsubscribe` cannot finish the other way round, and a burst cannot get past the
 * subscription limit by being checked all at once.
 */
export function registerClientEvents(
  strapi: Core.Strapi,
  socket: IoSocket,
  { entities, queries }: { entities: EntitySubscriptions; queries: CollectionSubscriptions },
): void {
  let queue: Promise<void> = Promise.resolve();
  const logFailure = failureLogs.get(strapi) ?? failureLogs.set(strapi, createThrottledLog((line) => strapi.log.error(line))).get(strapi)!;
  const handle = (event: string, handler: Handler) => {
    socket.on(event, (...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (response: unknown) => void) : undefined;
      queue = queue.then(async () => {
        try {
          const result = await handler(args[0]);
          ack?.({ success: true, ...result });
        } catch (error) {
          if (!(error instanceof AckError)) logFailure(event, () => `[io] ${event} from ${socket.id} failed: ${(error as Error).stack ?? error}`);
          const response = ackForError(error);
          metricsOf(strapi)?.error(response.error.code);
          if (ack) ack(response);
          else socket.emit('io:error', response.error);
        }
      });
    });
  };

  handle('subscribe-entity', (payload) => entities.subscribe(socket, payload));
  handle('unsubscribe-entity', (payload) => entities.unsubscribe(socket, payload));
  handle('subscribe', (payload) => queries.subscribe(socket, payload));
  handle('unsubscribe', (payload) => queries.unsubscribe(socket, payload));
  handle('io:ping', async () => ({ ts: Date.now() }));
}

import type { Core } from '@strapi/strapi';
import { createClient } from 'redis';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { createAdapter as createPubSubAdapter } from '@socket.io/redis-adapter';
import type { ResolvedRedisConfig } from '../config/types';
import { redactUrl } from '../config/validate-config';

/** How long start-up waits for Redis before it fails, and the longest pause between reconnects. */
const CONNECT_TIMEOUT_MS = 5_000;
const MAX_RETRY_DELAY_MS = 2_000;
/** After Redis is back, how long before this node's clients are told to read again. */
const RETURN_SETTLE_MS = 250;
/** How long shutting down waits for the replies to commands already sent, before dropping them. */
const CLOSE_TIMEOUT_MS = 2_000;

type RedisClient = ReturnType<typeof createClient>;

/**
 * Commands the Socket.IO Redis adapters send without keeping the promise: PUBLISH (every
 * `serverSideEmit`, so every change this node sends the others, and every response), SUBSCRIBE and
 * the like in their constructors and `close`, SET of a session. The Redis client rejects a command
 * in flight when the connection drops (Redis killed, network cut), and every queued one when it is
 * destroyed; dropped, such a rejection is unhandled and ends the Node process.
 */
const FIRE_AND_FORGET = ['publish', 'sPublish', 'set', 'subscribe', 'pSubscribe', 'sSubscribe', 'unsubscribe', 'pUnsubscribe', 'sUnsubscribe'];

/**
 * Gives the fire-and-forget commands of `client` (and of its duplicates: the streams adapter makes
 * its reading and subscribing clients with `duplicate()`) a rejection handler. Their failures are
 * the outage the 'error' listener logs; callers that keep the promise still see the rejection.
 */
function handleDroppedReplies<C extends RedisClient>(client: C): C {
  const methods = client as unknown as Record<string, unknown>;
  for (const name of FIRE_AND_FORGET) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = function (this: unknown, ...args: unknown[]) {
      const reply = (original as (...args: unknown[]) => unknown).apply(this, args);
      if (reply && typeof (reply as Promise<unknown>).catch === 'function') (reply as Promise<unknown>).catch(() => {});
      return reply;
    };
  }
  const duplicate = methods.duplicate as (...args: unknown[]) => RedisClient;
  methods.duplicate = function (this: unknown, ...args: unknown[]) {
    return handleDroppedReplies(duplicate.apply(this, args));
  };
  return client;
}

export interface RedisAdapter {
  /** For `new Server(httpServer, { adapter })`. */
  adapter: ReturnType<typeof createStreamsAdapter>;
  /** Runs `listener` each time Redis is reachable again after an outage. */
  onReturn(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * Connects to Redis and makes the Socket.IO adapter `config.redis` asks for. Start-up fails with
 * an error that names `redis.url` when Redis cannot be reached; once running, a lost Redis is
 * logged once (this node keeps serving REST and its own sockets), the client reconnects by itself,
 * and its return is logged too.
 */
export async function connectRedisAdapter(strapi: Core.Strapi, config: ResolvedRedisConfig): Promise<RedisAdapter> {
  const where = redactUrl(config.url);
  let started = false;
  const clients: RedisClient[] = [];
  /** Roles whose client lost Redis; when the last one is back, `onReturn` listeners run. */
  const down = new Set<string>();
  const returnListeners: (() => void)[] = [];

  async function connect(role: string): Promise<RedisClient> {
    const client = handleDroppedReplies(createClient({
      ...config.clientOptions,
      url: config.url,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        ...(config.clientOptions.socket as object | undefined),
        // Before start-up completes, the first failure is final (the app must not boot half-way);
        // after, keep trying with a short back-off: Redis outages end.
        reconnectStrategy: (retries: number, cause: Error) => (started ? Math.min(100 * 2 ** retries, MAX_RETRY_DELAY_MS) : cause),
      },
    }));
    client.on('error', (error: Error) => {
      if (!started || down.has(role)) return;
      down.add(role);
      strapi.log.error(`[io] Redis at ${where} (${role}) is unreachable: ${error.message}. This node keeps serving REST and its own sockets; changes made on other nodes meanwhile do not reach them, and their clients are told to read again when Redis is back.`);
    });
    client.on('ready', () => {
      if (!down.delete(role)) return;
      strapi.log.info(`[io] Redis at ${where} (${role}) is reachable again.`);
      // The adapter's own reading connections reconnect on the same schedule: give them a moment.
      if (down.size === 0) setTimeout(() => returnListeners.forEach((listener) => listener()), RETURN_SETTLE_MS).unref();
    });
    try {
      await client.connect();
    } catch (error) {
      release(client);
      throw new Error(`Error regarding io config: "redis.url" ${where}: cannot connect to Redis (${(error as Error).message || (error as Error).name})`);
    }
    clients.push(client);
    return client;
  }

  /** Closes a client whatever state it is in (one that failed to connect has closed itself). */
  function release(client: RedisClient): void {
    try {
      client.destroy();
    } catch {
      // already closed
    }
  }

  /**
   * Closes a client after the replies to what it sent, for CLOSE_TIMEOUT_MS at most. `close()`
   * waits for every queued command: while Redis is down (the client keeps them for its return),
   * forever. Without a connection there is nothing to wait for.
   */
  async function shut(client: RedisClient): Promise<void> {
    if (!client.isReady) return release(client);
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      client.close().then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (!closed) release(client);
  }

  try {
    const publisher = await connect('publisher');
    let adapter: RedisAdapter['adapter'];
    if (config.adapter === 'redis') {
      const subscriber = await connect('subscriber');
      adapter = createPubSubAdapter(publisher, subscriber, { key: config.keyPrefix }) as unknown as RedisAdapter['adapter'];
    } else {
      adapter = createStreamsAdapter(publisher, {
        streamName: `${config.keyPrefix}:stream`,
        channelPrefix: config.keyPrefix,
        sessionKeyPrefix: `${config.keyPrefix}:session:`,
      });
    }
    started = true;
    return {
      adapter,
      onReturn(listener) {
        returnListeners.push(listener);
      },
      async close() {
        await Promise.all(clients.map(shut));
      },
    };
  } catch (error) {
    for (const client of clients) release(client);
    throw error;
  }
}

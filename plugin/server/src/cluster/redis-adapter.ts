import type { Core } from '@strapi/strapi';
import { createClient } from 'redis';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { createAdapter as createPubSubAdapter } from '@socket.io/redis-adapter';
import type { ResolvedRedisConfig } from '../config/types';
import { redactUrl } from '../config/validate-config';

/** How long start-up waits for Redis before it fails, and the longest pause between reconnects. */
const CONNECT_TIMEOUT_MS = 5_000;
const MAX_RETRY_DELAY_MS = 2_000;

type RedisClient = ReturnType<typeof createClient>;

export interface RedisAdapter {
  /** For `new Server(httpServer, { adapter })`. */
  adapter: ReturnType<typeof createStreamsAdapter>;
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

  async function connect(role: string): Promise<RedisClient> {
    const client = createClient({
      ...config.clientOptions,
      url: config.url,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        ...(config.clientOptions.socket as object | undefined),
        // Before start-up completes, the first failure is final (the app must not boot half-way);
        // after, keep trying with a short back-off: Redis outages end.
        reconnectStrategy: (retries: number, cause: Error) => (started ? Math.min(100 * 2 ** retries, MAX_RETRY_DELAY_MS) : cause),
      },
    });
    let down = false;
    client.on('error', (error: Error) => {
      if (!started || down) return;
      down = true;
      strapi.log.error(`[io] Redis at ${where} (${role}) is unreachable: ${error.message}. This node keeps serving its own sockets and catches up when Redis is back.`);
    });
    client.on('ready', () => {
      if (!down) return;
      down = false;
      strapi.log.info(`[io] Redis at ${where} (${role}) is reachable again.`);
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
      async close() {
        await Promise.all(clients.map((client) => client.close().catch(() => release(client))));
      },
    };
  } catch (error) {
    for (const client of clients) release(client);
    throw error;
  }
}

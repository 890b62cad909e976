/**
 * The example app as separate OS processes ("nodes") on one PostgreSQL database and one Redis: what
 * a multi-node deployment looks like, for tests of cross-node delivery.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { connect, record } from './clients';
import { startNode } from './cluster-node';
import type { ClusterNode } from './cluster-node';
import { createPostgresDatabase } from './postgres';
import { assertRedis, DEFAULT_REDIS_URL, deleteRedisKeys } from './redis-probe';
import type { Listener } from './use-example-app';

export interface ClusterOptions {
  /** How many nodes (default 2): the first seeds the example content, the others boot on it. */
  nodes?: number;
  /** Extra environment for every node. */
  env?: Record<string, string>;
  /**
   * The Redis the nodes use, instead of REDIS_URL: a URL, or a function read when the nodes boot
   * (for a Redis the file starts itself, in a beforeAll registered before useCluster).
   */
  redisUrl?: string | (() => string);
}

export interface Cluster {
  /** The running nodes, A first; available from the file's tests and hooks after beforeAll. */
  readonly nodes: ClusterNode[];
  /** The Redis the nodes share, and the key prefix of this test file. */
  readonly redis: { url: string; keyPrefix: string };
  /** The database the nodes share. */
  readonly database: { name: string; env: Record<string, string> };
  /** A connected socket to `node` (closed after the test) that records what it receives. */
  listen(node: ClusterNode, auth?: Record<string, unknown>, options?: Parameters<typeof connect>[1]): Promise<Listener>;
}

const nodeName = (index: number) => (index < 26 ? String.fromCharCode(65 + index) : `N${index}`);

/**
 * For a test file: a fresh PostgreSQL database, a Redis key prefix of its own, and `nodes` example
 * apps on them (booted one after the other: Strapi syncs the schema on boot, two at once would
 * race), stopped and dropped after the file (a node the test killed is left as it is). Redis must
 * run (`options.redisUrl`, else REDIS_URL, default redis://127.0.0.1:6379); the file fails, never
 * skips, when it does not.
 */
export function useCluster(options: ClusterOptions = {}): Cluster {
  const count = options.nodes ?? 2;
  const redisUrlOf = (): string => {
    const given = typeof options.redisUrl === 'function' ? options.redisUrl() : options.redisUrl;
    return given ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  };
  let redisUrl = typeof options.redisUrl === 'function' ? undefined : redisUrlOf();
  const keyPrefix = `strapi-io-test-${randomBytes(5).toString('hex')}`;
  const started: ClusterNode[] = [];
  let ready = false;
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const url = (redisUrl = redisUrlOf());
    await assertRedis(url);
    database = await createPostgresDatabase();
    for (let index = 0; index < count; index++) {
      const node = await startNode({
        name: nodeName(index),
        env: {
          ...database.env,
          REDIS_URL: url,
          REDIS_KEY_PREFIX: keyPrefix,
          SEED_EXAMPLE_CONTENT: index === 0 ? 'true' : 'false',
          ...options.env,
        },
      });
      started.push(node);
    }
    ready = true;
  }, 240_000);

  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });

  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    const problems: string[] = [];
    await Promise.all(
      started.splice(0).map(async (node) => {
        try {
          await node.stop();
        } catch (error) {
          problems.push(`stop of node ${node.name}: ${(error as Error).message}`);
          await node.kill('SIGKILL');
        }
      }),
    );
    try {
      await database?.drop();
    } catch (error) {
      problems.push(`drop of database ${database?.name}: ${(error as Error).message}`);
    }
    if (redisUrl) await deleteRedisKeys(redisUrl, keyPrefix).catch(() => {});
    if (problems.length) throw new Error(`Cluster teardown:\n${problems.join('\n')}`);
  }, 120_000);

  const running = (): ClusterNode[] => {
    if (!ready) throw new Error('The cluster is not booted yet: use it inside a test or hook (after beforeAll)');
    return started;
  };

  return {
    get nodes() {
      return running();
    },
    get redis() {
      if (!redisUrl) throw new Error('The cluster Redis is not known yet (read in beforeAll)');
      return { url: redisUrl, keyPrefix };
    },
    get database() {
      if (!database) throw new Error('The cluster database does not exist yet (created in beforeAll)');
      return { name: database.name, env: database.env };
    },
    async listen(node, auth, connectOptions = {}) {
      const socket = await connect(node.url, { ...(auth ? { auth } : {}), ...connectOptions });
      sockets.push(socket);
      return { socket, received: record(socket) };
    },
  };
}

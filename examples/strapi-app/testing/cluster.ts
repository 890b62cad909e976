/**
 * The example app as separate OS processes ("nodes") on one PostgreSQL database and one Redis: what
 * a multi-node deployment looks like, for tests of cross-node delivery. Each node is
 * `cluster-node-child.mjs` (the built app in dist/), driven over Node IPC.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import type { Socket } from 'socket.io-client';
import type { SocketIO } from '@strapi-live/plugin-io/types';
import { connect, record } from './clients';
import { createPostgresDatabase } from './postgres';
import type { Listener } from './use-example-app';

const appDir = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'cluster-node-child.mjs');

const READY_TIMEOUT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;
/** How much of a node's output is kept for error messages. */
const OUTPUT_TAIL_CHARS = 8_000;

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no';

/** The methods of `strapi.$io` (not `server`). */
export type IoMethod = { [K in keyof SocketIO]: SocketIO[K] extends (...args: never[]) => unknown ? K : never }[keyof SocketIO];
type IoFunction<M extends IoMethod> = SocketIO[M] extends (...args: infer A) => infer R ? { args: A; result: Awaited<R> } : never;

/** A document as the Document Service returns it, after the trip through JSON (dates as strings). */
export type DocumentJson = { id: number; documentId: string; [field: string]: unknown };

export interface ClusterNode {
  readonly name: string;
  /** `http://127.0.0.1:<port>` of the node. */
  readonly url: string;
  readonly pid: number;
  /** How long the node took from fork to listening (ms). */
  readonly bootMs: number;
  /** `strapi.documents(uid)[method](params)` on this node; the result as JSON. */
  documents<T = DocumentJson>(uid: string, method: string, params?: Record<string, unknown>): Promise<T>;
  /** `strapi.$io.idle()` on this node. */
  idle(): Promise<void>;
  /** `strapi.$io.stats()` of this node. */
  stats(): Promise<ReturnType<SocketIO['stats']>>;
  /** `strapi.$io[method](...args)` on this node; the result as JSON (`null` for none). */
  io<M extends IoMethod>(method: M, ...args: IoFunction<M>['args']): Promise<IoFunction<M>['result']>;
  /** `strapi.destroy()`, then the process exits; resolves once it has. */
  stop(): Promise<void>;
  /** Kills the process (SIGKILL by default: a crash); resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Whether the process has exited. */
  readonly exited: boolean;
  /** The last lines the node wrote (stdout and stderr). */
  output(): string;
}

export interface StartNodeOptions {
  /** Added to `process.env` and the defaults (HOST=127.0.0.1, PORT=0, telemetry off...). */
  env?: Record<string, string>;
  name?: string;
  /** Default 120 s. */
  readyTimeoutMs?: number;
  /** Default 30 s, for each request. */
  requestTimeoutMs?: number;
}

interface SerializedError {
  name?: string;
  message?: string;
  stack?: string;
  details?: unknown;
  code?: string;
}

type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; error: SerializedError }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SerializedError };

interface Pending {
  what: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

let nodeCounter = 0;

/** Keeps the end of a stream's text. */
function tail(max: number) {
  let text = '';
  return {
    push(chunk: string) {
      text = (text + chunk).slice(-max);
    },
    get text() {
      return text;
    },
  };
}

function errorFrom(prefix: string, serialized: SerializedError): Error {
  const error = new Error(`${prefix}: ${serialized.name && serialized.name !== 'Error' ? `${serialized.name}: ` : ''}${serialized.message ?? 'unknown error'}`);
  if (serialized.stack) error.stack = `${error.message}\n--- in the node ---\n${serialized.stack}`;
  Object.assign(error, { details: serialized.details, code: serialized.code, remoteName: serialized.name });
  return error;
}

/**
 * Forks one node of the example app and resolves once it listens. The environment is
 * `process.env`, then HOST=127.0.0.1, PORT=0, telemetry off..., then `options.env` (DATABASE_*,
 * REDIS_URL, SEED_EXAMPLE_CONTENT...). Its output is kept for error messages; set
 * STRAPI_TEST_CLUSTER_OUTPUT=1 to also see it live on stderr.
 */
export async function startNode(options: StartNodeOptions = {}): Promise<ClusterNode> {
  const name = options.name ?? `node${++nodeCounter}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    STRAPI_TELEMETRY_DISABLED: 'true',
    BROWSER: 'false',
    STRAPI_HIDE_STARTUP_MESSAGE: 'true',
    ...options.env,
  };
  const started = Date.now();
  const child: ChildProcess = fork(CHILD, [], {
    cwd: appDir,
    env,
    // Not the test runner's flags (loaders, inspector...): the child is plain Node.
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`node ${name}: could not fork ${CHILD}`);

  const output = tail(OUTPUT_TAIL_CHARS);
  const live = process.env.STRAPI_TEST_CLUSTER_OUTPUT === '1' || process.env.STRAPI_TEST_CLUSTER_OUTPUT === 'true';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      output.push(chunk);
      if (live) process.stderr.write(chunk.replace(/^(?=.)/gm, `[${name}] `));
    });
  }
  const outputTail = () => (output.text.trim() ? `\n--- last output of node ${name} (pid ${pid}) ---\n${output.text.trimEnd()}` : ` (node ${name} wrote nothing)`);

  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
  });
  const exitedCleanly = () => exit?.code === 0;
  const describeExit = () => (exit ? (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`) : 'running');

  // Ready, failed, or gone.
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`node ${name} did not get ready in ${readyTimeoutMs / 1000} s (killed it)${outputTail()}`));
    }, readyTimeoutMs);
    const onMessage = (message: ChildMessage) => {
      if ('type' in message && message.type === 'ready') {
        cleanup();
        resolve(message.url);
      } else if ('type' in message && message.type === 'failed') {
        cleanup();
        reject(errorFrom(`node ${name} failed to boot`, message.error));
        // It exits by itself; make sure.
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`node ${name} exited before it was ready (${describeExit()})${outputTail()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  }).catch(async (error: Error) => {
    if (!exit) await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 6_000))]);
    error.message += exit ? '' : ' (and it has not exited yet)';
    throw error;
  });
  const bootMs = Date.now() - started;

  let nextId = 0;
  const pending = new Map<number, Pending>();
  child.on('message', (message: ChildMessage) => {
    if (!('id' in message)) return;
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    clearTimeout(request.timer);
    if (message.ok) request.resolve(message.value);
    else request.reject(errorFrom(`node ${name}: ${request.what} failed`, message.error));
  });
  child.once('exit', () => {
    for (const [id, request] of pending) {
      pending.delete(id);
      clearTimeout(request.timer);
      request.reject(new Error(`node ${name}: ${request.what}: the node exited (${describeExit()}) before answering${outputTail()}`));
    }
  });

  function request<T>(what: string, message: Record<string, unknown>, timeoutMs = requestTimeoutMs): Promise<T> {
    if (exit || !child.connected) return Promise.reject(new Error(`node ${name}: ${what}: the node is not running (${describeExit()})${outputTail()}`));
    const id = ++nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`node ${name}: ${what}: no answer in ${timeoutMs / 1000} s${outputTail()}`));
      }, timeoutMs);
      pending.set(id, { what, resolve: resolve as (value: unknown) => void, reject, timer });
      child.send({ id, ...message }, (error) => {
        if (!error || !pending.has(id)) return;
        pending.delete(id);
        clearTimeout(timer);
        reject(new Error(`node ${name}: ${what}: could not send the request (${error.message})`));
      });
    });
  }

  async function waitForExit(timeoutMs: number): Promise<boolean> {
    if (exit) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([exited.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return result;
  }

  const node: ClusterNode = {
    name,
    url,
    pid,
    bootMs,
    get exited() {
      return exit !== undefined;
    },
    output: () => output.text,
    documents: <T>(uid: string, method: string, params: Record<string, unknown> = {}) =>
      request<T>(`documents('${uid}').${method}()`, { type: 'documents', uid, method, params }),
    idle: () => request<void>('$io.idle()', { type: 'idle' }),
    stats: () => request<ReturnType<SocketIO['stats']>>('$io.stats()', { type: 'stats' }),
    io: <M extends IoMethod>(method: M, ...args: IoFunction<M>['args']) =>
      request<IoFunction<M>['result']>(`$io.${method}()`, { type: 'io', method, args }),
    async stop() {
      if (exit) return;
      try {
        await request<void>('stop', { type: 'stop' }, Math.max(requestTimeoutMs, STOP_TIMEOUT_MS));
      } catch (error) {
        // Gone before the answer reached us, cleanly: stopped all the same.
        if (exitedCleanly()) return;
        throw error;
      }
      if (!(await waitForExit(10_000))) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`node ${name}: stopped but did not exit in 10 s (killed it)${outputTail()}`);
      }
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (exit) return;
      child.kill(signal);
      await exited;
    },
  };
  return node;
}

// --- Redis, without a client library: a few RESP commands over one connection. ---

type Resp = string | number | null | Resp[] | Error;

/** Parses one RESP2 reply at `offset`; undefined when the buffer does not hold all of it yet. */
function parseResp(buffer: Buffer, offset: number): [Resp, number] | undefined {
  const end = buffer.indexOf('\r\n', offset);
  if (end < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString('utf8', offset + 1, end);
  const next = end + 2;
  switch (type) {
    case '+':
      return [line, next];
    case '-':
      return [new Error(line), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const length = Number(line);
      if (length < 0) return [null, next];
      if (buffer.length < next + length + 2) return undefined;
      return [buffer.toString('utf8', next, next + length), next + length + 2];
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return [null, next];
      const items: Resp[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const parsed = parseResp(buffer, at);
        if (!parsed) return undefined;
        items.push(parsed[0]);
        at = parsed[1];
      }
      return [items, at];
    }
    default:
      throw new Error(`Unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}

const encodeCommand = (args: string[]) => `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;

/**
 * Runs commands one after the other on one connection to `url` (AUTH and SELECT from the URL
 * first) and returns their replies; `next` may add commands from the replies so far (SCAN).
 */
async function redis(url: string, first: string[][], next?: (reply: Resp) => string[][]): Promise<Resp[]> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`Not a Redis URL: ${url}`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  const setup: string[][] = [];
  if (parsed.password) setup.push(parsed.username ? ['AUTH', decodeURIComponent(parsed.username), decodeURIComponent(parsed.password)] : ['AUTH', decodeURIComponent(parsed.password)]);
  const db = parsed.pathname.replace(/^\//, '');
  if (db) setup.push(['SELECT', db]);

  return new Promise<Resp[]>((resolve, reject) => {
    const socket = parsed.protocol === 'rediss:' ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    socket.setTimeout(3_000, () => socket.destroy(new Error('no answer in 3 s')));
    const queue = [...setup, ...first];
    const replies: Resp[] = [];
    let buffer = Buffer.alloc(0);
    let waitingSetup = setup.length;
    const sendNext = () => {
      const command = queue.shift();
      if (!command) {
        socket.end();
        resolve(replies);
        return;
      }
      socket.write(encodeCommand(command));
    };
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', sendNext);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      let reply;
      while ((reply = parseResp(buffer, 0))) {
        buffer = buffer.subarray(reply[1]);
        const value = reply[0];
        if (value instanceof Error) {
          socket.destroy();
          reject(value);
          return;
        }
        if (waitingSetup > 0) waitingSetup--;
        else {
          replies.push(value);
          if (next) queue.push(...next(value));
        }
        sendNext();
      }
    });
  });
}

/** Resolves when Redis at `url` answers PING; otherwise throws an error that says how to start one. */
export async function assertRedis(url: string): Promise<void> {
  let reply: Resp | undefined;
  let reason = '';
  try {
    [reply] = await redis(url, [['PING']]);
  } catch (error) {
    reason = (error as Error).message || (error as Error).name || String(error);
  }
  if (reply === 'PONG') return;
  const shown = url.replace(/\/\/([^@/]*)@/, '//***@');
  throw new Error(
    `Redis at ${shown} does not answer PING (${reason || `answered ${JSON.stringify(reply)}`}). The cluster tests need a real Redis: ` +
      `start one with\n  ${START_REDIS}\nor point REDIS_URL at one.`,
  );
}

/** Deletes the keys starting with `prefix` (best effort: what a test file's nodes left in Redis). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  let deleted = 0;
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  await redis(url, [['SCAN', '0', 'MATCH', pattern, 'COUNT', '1000']], (reply) => {
    if (typeof reply === 'number') {
      deleted += reply;
      return [];
    }
    if (!Array.isArray(reply)) return [];
    const [cursor, keys] = reply as [string, string[]];
    const commands: string[][] = keys.length ? [['UNLINK', ...keys]] : [];
    if (cursor !== '0') commands.push(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000']);
    return commands;
  });
  return deleted;
}

// --- A cluster for a test file. ---

export interface ClusterOptions {
  /** How many nodes (default 2): the first seeds the example content, the others boot on it. */
  nodes?: number;
  /** Extra environment for every node. */
  env?: Record<string, string>;
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
 * race), stopped and dropped after the file. Redis must run (REDIS_URL, default
 * redis://127.0.0.1:6379); the file fails, never skips, when it does not.
 */
export function useCluster(options: ClusterOptions = {}): Cluster {
  const count = options.nodes ?? 2;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const keyPrefix = `strapi-io-test-${randomBytes(5).toString('hex')}`;
  const started: ClusterNode[] = [];
  let ready = false;
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await assertRedis(redisUrl);
    database = await createPostgresDatabase();
    for (let index = 0; index < count; index++) {
      const node = await startNode({
        name: nodeName(index),
        env: {
          ...database.env,
          REDIS_URL: redisUrl,
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
    await deleteRedisKeys(redisUrl, keyPrefix).catch(() => {});
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
    redis: { url: redisUrl, keyPrefix },
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

/**
 * One example app as a separate OS process (a "node"), on the database and Redis its environment
 * names: `cluster-node-child.mjs` (the built app in dist/), driven over Node IPC.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { SocketIO } from '@strapi-live/plugin-io/types';

const appDir = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'cluster-node-child.mjs');

const READY_TIMEOUT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;
/** How much of a node's output is kept for error messages. */
const OUTPUT_TAIL_CHARS = 8_000;


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

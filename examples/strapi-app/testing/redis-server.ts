/**
 * A Redis of a test file's own: a `redis-server` child process on a free port, nothing persisted,
 * that a test can kill (an outage: every connection drops, every key is gone) and start again on
 * the same port. Needs the `redis-server` binary on PATH (REDIS_SERVER names another one).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { assertRedis } from './redis-probe';

const READY_TIMEOUT_MS = 10_000;
const OUTPUT_TAIL_CHARS = 4_000;

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`: the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** The pid of the running process; undefined while stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Kills the process (SIGKILL by default: every connection drops at once, nothing is saved); resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal and does not wait (SIGSTOP / SIGCONT: a frozen Redis, its connections open). */
  signal(signal: NodeJS.Signals): void;
  /** Starts a new, empty redis-server on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills it for good (for afterAll); safe when it is already stopped. */
  stop(): Promise<void>;
  /** The last lines the current (or last) process wrote. */
  output(): string;
}

/** A port nobody listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `redis-server --save "" --appendonly no --port <port>` (a free port unless given) and
 * resolves once it answers PING. The process is killed when the test process exits, whatever
 * happens to the test.
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const binary = process.env.REDIS_SERVER ?? 'redis-server';
  const port = options.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let text = '';
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function start(): Promise<void> {
    if (child) throw new Error(`redis-server on port ${port} is already running (pid ${child.pid})`);
    text = '';
    const spawned = spawn(binary, ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = spawned;
    let gone: string | undefined;
    exited = new Promise<void>((resolve) => {
      spawned.once('exit', (code, signal) => {
        gone = signal ? `signal ${signal}` : `exit code ${code}`;
        if (child === spawned) child = undefined;
        resolve();
      });
      spawned.once('error', (error) => {
        gone = error.message;
        if (child === spawned) child = undefined;
        resolve();
      });
    });
    for (const stream of [spawned.stdout, spawned.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => (text = (text + chunk).slice(-OUTPUT_TAIL_CHARS)));
    }
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (gone) throw new Error(`redis-server on port ${port} exited at start (${gone}):\n${text}`);
      try {
        await assertRedis(url);
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          spawned.kill('SIGKILL');
          throw new Error(`redis-server on port ${port} did not answer PING in ${READY_TIMEOUT_MS / 1000} s: ${(error as Error).message.split('.')[0]}\n${text}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!child) return;
    const current = exited;
    // A frozen process (SIGSTOP) acts on SIGTERM only once it runs again; SIGKILL ends it frozen
    // (what it had not answered stays unanswered).
    if (signal !== 'SIGKILL') child.kill('SIGCONT');
    child.kill(signal);
    await current;
  }

  await start();
  return {
    url,
    port,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined;
    },
    kill,
    signal(signal) {
      child?.kill(signal);
    },
    start,
    async stop() {
      await kill('SIGKILL');
      process.off('exit', killOnExit);
    },
    output: () => text,
  };
}

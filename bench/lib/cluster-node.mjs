/**
 * One example-app node as a child process, for benchmarks: forks the test harness's own child
 * (examples/strapi-app/testing/cluster-node-child.mjs, the built app in dist/) and drives it over
 * Node IPC with the same protocol as testing/cluster-node.ts (which is TypeScript, for vitest):
 *   child → parent  { type: 'ready', url } | { type: 'failed', error }
 *   parent → child  { id, type: 'documents' | 'idle' | 'stats' | 'io' | 'stop', ... }
 *   child → parent  { id, ok: true, value } | { id, ok: false, error }
 * The node's output is kept (the last few KB, for error messages) and its Strapi warnings and
 * errors are counted; BENCH_NODE_OUTPUT=1 also shows it live on stderr. BENCH_NODE_ARGS adds Node
 * flags to the nodes (profiling: "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { appDir } from './strapi.mjs';

const CHILD = path.join(appDir, 'testing', 'cluster-node-child.mjs');
const OUTPUT_TAIL_CHARS = 8_000;

function errorFrom(prefix, serialized = {}) {
  const error = new Error(`${prefix}: ${serialized.name && serialized.name !== 'Error' ? `${serialized.name}: ` : ''}${serialized.message ?? 'unknown error'}`);
  if (serialized.stack) error.stack = `${error.message}\n--- in the node ---\n${serialized.stack}`;
  return error;
}

/**
 * Forks a node with `env` on top of process.env and the harness defaults (HOST=127.0.0.1, PORT=0,
 * telemetry off) and resolves once it listens. `file` forks another child that speaks the same
 * protocol (bench/lib/plain-node-child.mjs).
 */
export async function startNode({ name, env = {}, file = CHILD, readyTimeoutMs = 120_000, requestTimeoutMs = 60_000 }) {
  const started = Date.now();
  const child = fork(file, [], {
    cwd: appDir,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      STRAPI_TELEMETRY_DISABLED: 'true',
      BROWSER: 'false',
      STRAPI_HIDE_STARTUP_MESSAGE: 'true',
      ...env,
    },
    // Not this process's flags; BENCH_NODE_ARGS for the nodes' own (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
    execArgv: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const pid = child.pid;
  let output = '';
  const logs = { warn: 0, error: 0, samples: [] };
  const live = process.env.BENCH_NODE_OUTPUT === '1';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
      for (const raw of chunk.split('\n')) {
        // Strapi's logger: `[2025-01-01 12:00:00.000] warn: ...` (colours stripped).
        const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
        const level = /^\[[^\]]*\]\s+(warn|error)\b/i.exec(line)?.[1]?.toLowerCase();
        if (!level) continue;
        logs[level] += 1;
        if (logs.samples.length < 10) logs.samples.push(`${name}: ${line.trim().slice(0, 300)}`);
      }
      if (live) process.stderr.write(chunk.replace(/^(?=.)/gm, `[${name}] `));
    });
  }
  const outputTail = () => (output.trim() ? `\n--- last output of node ${name} (pid ${pid}) ---\n${output.trimEnd()}` : ` (node ${name} wrote nothing)`);

  let exit;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
  });
  const describeExit = () => (exit ? (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`) : 'running');

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`node ${name} did not get ready in ${readyTimeoutMs / 1000} s (killed it)${outputTail()}`));
    }, readyTimeoutMs);
    const onMessage = (message) => {
      if (message?.type === 'ready') {
        cleanup();
        resolve(message.url);
      } else if (message?.type === 'failed') {
        cleanup();
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
        reject(errorFrom(`node ${name} failed to boot`, message.error));
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
  });
  const bootMs = Date.now() - started;

  let nextId = 0;
  const pending = new Map();
  child.on('message', (message) => {
    const request = pending.get(message?.id);
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
      request.reject(new Error(`node ${name}: ${request.what}: the node exited (${describeExit()})${outputTail()}`));
    }
  });

  function request(what, message, timeoutMs = requestTimeoutMs) {
    if (exit || !child.connected) return Promise.reject(new Error(`node ${name}: ${what}: not running (${describeExit()})${outputTail()}`));
    nextId += 1;
    const id = nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`node ${name}: ${what}: no answer in ${timeoutMs / 1000} s${outputTail()}`));
      }, timeoutMs);
      pending.set(id, { what, resolve, reject, timer });
      child.send({ id, ...message }, (error) => {
        if (!error || !pending.has(id)) return;
        pending.delete(id);
        clearTimeout(timer);
        reject(new Error(`node ${name}: ${what}: could not send (${error.message})`));
      });
    });
  }

  return {
    name,
    url,
    pid,
    bootMs,
    logs,
    get exited() {
      return exit !== undefined;
    },
    output: () => output,
    documents: (uid, method, params = {}) => request(`documents('${uid}').${method}()`, { type: 'documents', uid, method, params }),
    idle: () => request('$io.idle()', { type: 'idle' }),
    stats: () => request('$io.stats()', { type: 'stats' }),
    io: (method, ...args) => request(`$io.${method}()`, { type: 'io', method, args }),
    /** Any other command of the child's protocol: `{ type, ...args }`. */
    request: (type, args = {}) => request(type, { type, ...args }),
    /** strapi.destroy() then exit; SIGKILL when that does not end it in `timeoutMs`. */
    async stop(timeoutMs = 20_000) {
      if (exit) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        await request('stop', { type: 'stop' }, timeoutMs).catch(() => {});
        await exited;
      } finally {
        clearTimeout(killer);
      }
    },
    kill() {
      if (!exit) child.kill('SIGKILL');
      return exited;
    },
  };
}

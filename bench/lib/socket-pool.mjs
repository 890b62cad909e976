/**
 * A pool of socket.io-client sockets spread over forked child processes (socket-pool-child.mjs),
 * for server benchmarks that measure the server process's CPU: the clients' work (handshakes,
 * parsing one frame per socket per event) happens elsewhere and is not counted, and thousands of
 * sockets are shared among several processes instead of queueing on one event loop.
 *
 * Sockets have global indices 0..n-1; `connect` deals them out in contiguous blocks to as few
 * children as hold them (at most `perChild` each). Receipt times come back in this process's clock
 * (`performance.timeOrigin + performance.now()`, corrected by each child's measured offset).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const childFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'socket-pool-child.mjs');

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes of one machine. */
export const now = () => performance.timeOrigin + performance.now();

function startChild() {
  const child = fork(childFile, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  const listeners = new Set();
  let nextId = 1;
  child.on('message', (message) => {
    if (message?.type === 'received') {
      for (const listener of listeners) listener(message);
      return;
    }
    const waiter = pending.get(message?.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message);
    else waiter.reject(new Error(`socket pool child: ${message.error}`));
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`socket pool child exited (${signal ?? code})`));
    pending.clear();
  });
  // A request to a child that was just stopped fails (below) instead of crashing the parent.
  child.on('error', () => {});
  return {
    process: child,
    listeners,
    offsetMs: 0,
    request(type, args = {}) {
      return new Promise((resolve, reject) => {
        const id = nextId;
        nextId += 1;
        if (!child.connected) return void reject(new Error(`socket pool child: ${type}: the child is not running`));
        pending.set(id, { resolve, reject });
        child.send({ id, type, ...args }, (error) => {
          if (!error || !pending.has(id)) return;
          pending.delete(id);
          reject(new Error(`socket pool child: ${type}: ${error.message}`));
        });
      });
    },
  };
}

/** `children` processes, each holding at most `perChild` sockets. */
export function createSocketPool({ children, perChild }) {
  const procs = Array.from({ length: children }, startChild);
  /** Blocks of the current sockets: [{ proc, base, count }]. */
  let blocks = [];

  const locate = (index) => {
    const block = blocks.find(({ base, count }) => index >= base && index < base + count);
    if (!block) throw new Error(`no socket ${index} in the pool`);
    return { block, local: index - block.base };
  };

  /** Estimates each child's clock offset from the IPC round trip with the smallest delay. */
  async function syncClocks(samples = 12) {
    for (const proc of procs) {
      let best = { rtt: Infinity, offset: 0 };
      for (let i = 0; i < samples; i += 1) {
        const sent = now();
        const { now: childNow } = await proc.request('clock');
        const back = now();
        if (back - sent < best.rtt) best = { rtt: back - sent, offset: childNow - (sent + back) / 2 };
      }
      proc.offsetMs = best.offset;
    }
    return procs.map((proc) => Math.round(proc.offsetMs * 1000) / 1000);
  }

  return {
    get size() {
      return blocks.reduce((sum, { count }) => sum + count, 0);
    },
    syncClocks,

    /** Connects `n` sockets to `url`, `concurrency` handshakes at a time per child. */
    async connect(url, n, { concurrency = 50 } = {}) {
      const needed = Math.ceil(n / perChild);
      if (needed > procs.length) throw new Error(`${n} sockets need ${needed} children of ${perChild}; the pool has ${procs.length}`);
      const base = Math.floor(n / needed);
      blocks = procs.slice(0, needed).map((proc, i) => ({ proc, count: base + (i < n % needed ? 1 : 0) }));
      let start = 0;
      for (const block of blocks) {
        block.base = start;
        start += block.count;
      }
      const started = now();
      await Promise.all(blocks.map(({ proc, count }) => proc.request('connect', { url, count, concurrency })));
      return { ms: now() - started };
    },

    /**
     * Each socket `i` for which `queriesOf(i)` returns queries subscribes to them (an array of
     * `subscribe` payloads, or one payload). Returns totals, the distinct acknowledged ids, and the
     * round trips when `concurrency` is 1 (sequential per child).
     */
    async subscribe(tag, queriesOf, { concurrency = 20, indices } = {}) {
      const started = now();
      const results = await Promise.all(
        blocks.map(({ proc, base, count }) => {
          const items = [];
          for (let local = 0; local < count; local += 1) {
            const global = base + local;
            if (indices && !indices.has(global)) continue;
            const queries = queriesOf(global);
            for (const query of Array.isArray(queries) ? queries : queries ? [queries] : []) items.push({ s: local, query });
          }
          return items.length ? proc.request('subscribe', { tag, items, concurrency }) : null;
        }),
      );
      const done = results.filter(Boolean);
      return {
        subscribed: done.reduce((sum, r) => sum + r.subscribed, 0),
        failureCount: done.reduce((sum, r) => sum + r.failureCount, 0),
        failures: done.flatMap((r) => r.failures),
        rttMs: done.flatMap((r) => r.rttMs),
        ms: now() - started,
      };
    },

    async unsubscribe(tag) {
      const results = await Promise.all(blocks.map(({ proc }) => proc.request('unsubscribe', { tag })));
      return { unsubscribed: results.reduce((sum, r) => sum + r.unsubscribed, 0), failures: results.reduce((sum, r) => sum + r.failures, 0) };
    },

    /**
     * Arms a round: the `targets` sockets (global indices; null = all) wait for `event` carrying
     * `title`. Resolves once every child is armed, with `done(timeoutMs)`, which resolves with the
     * receipt times (in this process's clock) and one received payload, or rejects on timeout.
     */
    async arm({ round, title, event, targets = null, subscriptionTag = null, wantSample = false }) {
      const perBlock = new Map(blocks.map((block) => [block, targets === null ? null : []]));
      if (targets !== null) {
        for (const index of targets) {
          const { block, local } = locate(index);
          perBlock.get(block).push(local);
        }
      }
      const armed = [...perBlock].filter(([, list]) => list === null || list.length > 0);
      const times = [];
      let sample;
      let resolveAll;
      const all = new Promise((resolve) => {
        resolveAll = resolve;
      });
      let waiting = armed.length;
      const listeners = armed.map(([block]) => {
        const listener = (message) => {
          if (message.round !== round) return;
          block.proc.listeners.delete(listener);
          for (const t of message.times) times.push(t - block.proc.offsetMs);
          sample ??= message.sample;
          waiting -= 1;
          if (waiting === 0) resolveAll();
        };
        block.proc.listeners.add(listener);
        return [block, listener];
      });
      await Promise.all(armed.map(([block, list]) => block.proc.request('expect', { round, title, event, targets: list, subscriptionTag, wantSample })));
      if (armed.length === 0) resolveAll();
      return {
        done(timeoutMs) {
          let timer;
          const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`round ${round}: ${waiting} children still waiting after ${timeoutMs} ms`)), timeoutMs);
          });
          return Promise.race([all.then(() => ({ times, sample })), timeout]).finally(() => clearTimeout(timer));
        },
        async abandon() {
          for (const [block, listener] of listeners) block.proc.listeners.delete(listener);
          await Promise.all(armed.map(([block]) => block.proc.request('abandon')));
        },
      };
    },

    /** A round trip on every socket; returns and resets the anomalies the children counted. */
    async settle() {
      const results = await Promise.all(blocks.map(({ proc }) => proc.request('settle')));
      const total = {};
      for (const { anomalies } of results) for (const [key, value] of Object.entries(anomalies)) total[key] = (total[key] ?? 0) + value;
      return total;
    },

    async close() {
      await Promise.all(blocks.map(({ proc }) => proc.request('close')));
      blocks = [];
    },

    stop() {
      for (const proc of procs) if (proc.process.exitCode === null) proc.process.kill();
    },
  };
}

/**
 * One client process of a socket pool (see socket-pool.mjs): holds up to a few thousand
 * socket.io-client sockets, so that the clients' CPU is not counted in the server process and
 * several of these share the work of parsing N frames per event.
 *
 * Commands come over IPC as `{ id, type, ...args }` and are answered `{ id, ok, ...result }` (or
 * `{ id, ok: false, error }`); round receipts are sent unprompted as `{ type: 'received', ... }`.
 * Timestamps are `performance.timeOrigin + performance.now()` (epoch ms with sub-ms resolution);
 * the parent corrects for the small offset between processes with the `clock` command.
 */
import { performance } from 'node:perf_hooks';
import { io as ioClient } from 'socket.io-client';

const now = () => performance.timeOrigin + performance.now();

/** @type {import('socket.io-client').Socket[]} */
let sockets = [];
/** Subscription ids acknowledged per tag: tag → Map(socket index → [id, ...]). */
const subscriptions = new Map();
let anomalies = freshAnomalies();
/** The round being waited for: { round, title, event, expected: Uint8Array, remaining, times, subscriptionTag, sample }. */
let current = null;
let closing = false;

function freshAnomalies() {
  return { unexpected: 0, duplicates: 0, wrongSubscription: 0, disconnects: 0, ioErrors: 0, privateFieldLeaks: 0 };
}

function connectOne(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = ioClient(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`socket connect: no answer after ${timeoutMs} ms`));
    }, timeoutMs + 1000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(new Error(`socket connect failed: ${error.message}`));
    });
  });
}

function listen(socket, index) {
  socket.on('disconnect', () => {
    if (!closing) anomalies.disconnects += 1;
  });
  socket.onAny((event, document, meta) => {
    if (event === 'io:error') return void (anomalies.ioErrors += 1);
    if (!event.includes(':')) return;
    const at = now();
    if (document && typeof document === 'object' && 'internalNotes' in document) anomalies.privateFieldLeaks += 1;
    const round = current;
    if (!round || event !== round.event || document?.title !== round.title || !round.expected[index]) return void (anomalies.unexpected += 1);
    if (round.times[index] !== 0) return void (anomalies.duplicates += 1);
    if (round.subscriptionTag !== null) {
      const ids = subscriptions.get(round.subscriptionTag)?.get(index);
      if (!ids?.includes(meta?.subscription)) anomalies.wrongSubscription += 1;
    }
    round.times[index] = at;
    round.sample ??= { document, meta };
    round.remaining -= 1;
    if (round.remaining === 0) finishRound(round);
  });
}

function finishRound(round) {
  const times = [];
  round.expected.forEach((flag, index) => {
    if (flag) times.push(round.times[index]);
  });
  current = null;
  process.send({ type: 'received', round: round.round, times, sample: round.wantSample ? round.sample : undefined });
}

/** Runs `work(item)` over `items` with at most `concurrency` in flight; collects results in order. */
async function inBatches(items, concurrency, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

const commands = {
  async connect({ url, count, concurrency = 50, timeoutMs = 20_000 }) {
    closing = false;
    const started = now();
    const plan = Array.from({ length: count }, (_, i) => i);
    sockets = await inBatches(plan, concurrency, () => connectOne(url, timeoutMs));
    sockets.forEach(listen);
    return { connected: sockets.length, ms: now() - started };
  },

  /**
   * `items`: [{ s: socket index, query }]; each socket emits `subscribe` with its query. With
   * concurrency 1 the round trips are one after another and are returned as `rttMs`.
   */
  async subscribe({ tag, items, concurrency = 20, timeoutMs = 600_000 }) {
    const ids = subscriptions.get(tag) ?? new Map();
    subscriptions.set(tag, ids);
    const failures = [];
    const started = now();
    const rttMs = await inBatches(items, concurrency, async ({ s, query }) => {
      const sent = now();
      const ack = await sockets[s].timeout(timeoutMs).emitWithAck('subscribe', query);
      const rtt = now() - sent;
      if (!ack?.success) failures.push(ack?.error ?? ack);
      else ids.set(s, [...(ids.get(s) ?? []), ack.id]);
      return rtt;
    });
    return { subscribed: items.length - failures.length, failures: failures.slice(0, 5), failureCount: failures.length, rttMs, ms: now() - started };
  },

  async unsubscribe({ tag, concurrency = 50, timeoutMs = 600_000 }) {
    const ids = subscriptions.get(tag) ?? new Map();
    const pairs = [...ids].flatMap(([s, list]) => list.map((id) => ({ s, id })));
    let failures = 0;
    await inBatches(pairs, concurrency, async ({ s, id }) => {
      const ack = await sockets[s].timeout(timeoutMs).emitWithAck('unsubscribe', { id });
      if (!ack?.success) failures += 1;
    });
    subscriptions.delete(tag);
    return { unsubscribed: pairs.length - failures, failures };
  },

  /** Waits for `event` carrying `title` on the `targets` sockets (all when null). */
  expect({ round, title, event, targets, subscriptionTag = null, wantSample = false }) {
    const expected = new Uint8Array(sockets.length);
    if (targets === null) expected.fill(1);
    else for (const index of targets) expected[index] = 1;
    const remaining = targets === null ? sockets.length : targets.length;
    current = { round, title, event, expected, remaining, times: new Float64Array(sockets.length), subscriptionTag, wantSample, sample: undefined };
    if (remaining === 0) current = null;
    return { expecting: remaining };
  },

  /** Forgets the round being waited for (after a timeout). */
  abandon() {
    const missing = current?.remaining ?? 0;
    current = null;
    return { missing };
  },

  /** A round trip on every socket: whatever the server sent before has been read by now. */
  async settle({ timeoutMs = 120_000 }) {
    await inBatches(sockets, 200, (socket) => socket.timeout(timeoutMs).emitWithAck('io:ping').catch(() => undefined));
    const found = anomalies;
    anomalies = freshAnomalies();
    return { anomalies: found };
  },

  clock() {
    return { now: now() };
  },

  async close() {
    closing = true;
    for (const socket of sockets) socket.close();
    sockets = [];
    subscriptions.clear();
    current = null;
    return {};
  },
};

process.on('disconnect', () => process.exit(0));
process.on('message', async (message) => {
  const command = commands[message?.type];
  if (!command) return void process.send({ id: message?.id, ok: false, error: `unknown command ${message?.type}` });
  try {
    process.send({ id: message.id, ok: true, ...(await command(message)) });
  } catch (error) {
    process.send({ id: message.id, ok: false, error: error?.stack ?? String(error) });
  }
});

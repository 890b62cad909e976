/**
 * Two-node benchmark: the plugin on two example-app nodes sharing one PostgreSQL database and one
 * Redis (`redis` in the plugin config: @socket.io/redis-streams-adapter), next to plain Socket.IO on
 * the same adapter. Target: two nodes, p50 delivery ≤ 1.25× plain Socket.IO on the same Redis adapter.
 *
 * Processes (all on this machine, loopback): nodes A and B (redis on, one database, a Redis key
 * prefix unique to the run) and C (same database, no redis: in-memory adapter), each the built
 * example app forked as examples/strapi-app/testing/cluster-node-child.mjs and driven over IPC
 * (bench/lib/cluster-node.mjs); two plain Socket.IO servers (bench/lib/plain-node-child.mjs) on the
 * same Redis with a prefix of their own; socket.io-client sockets in forked pools
 * (bench/lib/socket-pool*.mjs, one process per 1,000), so that no node pays for its clients. Receipt
 * times are corrected for each pool's clock offset. Every socket is a Public one (no auth), so the
 * plugin sanitizes once per node and write, and the plain servers need no authentication.
 *
 * Rows, in one run:
 * (a) two nodes: one write (update + publish of one article, through node A's Document Service)
 *     fanned out to BENCH_CLUSTER_SOCKETS sockets on A and as many on B; p50/p95 from the write's
 *     start (just before the IPC request to A) to each socket's receipt, per node and overall;
 * (c) plain Socket.IO: two servers, as many sockets each, server 1 `io.emit`s the payload the
 *     plugin sent (document and meta of its article:update); rounds alternate with (a), so the
 *     ratio is measured under the same machine load; and the same after the same write (through
 *     node C, timed from the write's start as (a) is): what an app without the plugin does;
 * (b) the same 2 × N sockets on ONE node: A (redis on, B idle beside it), and C (in-memory adapter);
 * (d) Redis commands per write with 2 × BENCH_CLUSTER_SMALL_SOCKETS and 2 × N sockets (and per
 *     plain io.emit): MONITOR counts the commands naming this run's key prefixes (exact, whatever
 *     else uses the Redis), INFO commandstats deltas are shown too (server-wide); the count must not
 *     depend on the number of sockets (one change record per write);
 * (e) connection state recovery: a socket subscribed to the article (through a TCP proxy, as behind
 *     a load balancer) receives one event, loses its transport (`socket.io.engine.close()`, as a
 *     network failure: the server keeps its session), BENCH_CLUSTER_MISSED writes happen, and it
 *     reconnects (`socket.connect()`, keeping its session id and offset): time from reconnecting to
 *     having received them all, each once and in order. On node C (in-memory adapter), and with
 *     redis on: back to A, and across nodes (the proxy moved from A to B before the reconnect).
 *     Events are told apart by meta.eventId, against a witness socket that stays connected. A row
 *     whose socket does not recover is reported ("not recovered"); a recovered cycle that misses,
 *     repeats or reorders an event fails the run, as does the in-memory row not recovering.
 *
 * Needs: `npm run build` (the example app's dist/), PostgreSQL on 127.0.0.1:5432 (user postgres,
 * trust; a database live_bench_<random> is created and dropped), Redis (REDIS_URL, default
 * redis://127.0.0.1:6379; the run's keys are deleted after). Everything is cleaned up on failure,
 * timeout and Ctrl-C too.
 *
 * Run with `npm run bench` (builds first) or `node bench/cluster.mjs` after a build. Writes
 * bench/results/cluster.json. Tunables (environment): BENCH_CLUSTER_SOCKETS (1000 per node),
 * BENCH_CLUSTER_SMALL_SOCKETS (10 per node), BENCH_CLUSTER_ROUNDS (20), BENCH_CLUSTER_WARMUP (3),
 * BENCH_CLUSTER_REDIS_WRITES (20), BENCH_CLUSTER_MISSED (100), BENCH_CLUSTER_RECOVERY_CYCLES (3),
 * BENCH_CLUSTER_RECOVERY_WARMUP (1), BENCH_CLUSTER_RECOVERY (0 skips the recovery rows with redis),
 * BENCH_CLUSTER_PLAIN_RECOVERY (0 turns connection state recovery off on the plain servers; on, as
 * the plugin has it, they store every broadcast in the stream),
 * BENCH_CLUSTER_TIMEOUT_S (300), BENCH_CLUSTER_PHASES (small,fanout,one-node,recovery: rows d-small,
 * a+c+d, b, e), REDIS_URL, BENCH_NODE_OUTPUT=1 (the nodes' output on stderr), BENCH_NODE_ARGS (Node
 * flags for the nodes and plain servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 *
 * File descriptors: a node holds up to 2 × N sockets (row b), each pool N; `ulimit -n` is checked.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as ioClient } from 'socket.io-client';
import { percentile } from './live/stats.mjs';
import { startNode } from './lib/cluster-node.mjs';
import { createPostgresDatabase } from './lib/postgres.mjs';
import { assertRedis, commandStats, DEFAULT_REDIS_URL, deleteKeys, diffStats, monitorCommands } from './lib/redis.mjs';
import { createSocketPool, now } from './lib/socket-pool.mjs';
import { appDir, checkFileDescriptors, rootDir, withTimeout } from './lib/strapi.mjs';
import { startProxy } from './lib/tcp-proxy.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(rootDir, 'bench', 'results', 'cluster.json');
const PLAIN_CHILD = path.join(benchDir, 'lib', 'plain-node-child.mjs');

const int = (name, fallback, min = 0) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${process.env[name]})`);
  return value;
};
const SOCKETS = int('BENCH_CLUSTER_SOCKETS', 1000, 1);
const SMALL = int('BENCH_CLUSTER_SMALL_SOCKETS', 10, 1);
const ROUNDS = int('BENCH_CLUSTER_ROUNDS', 20, 1);
const WARMUP = int('BENCH_CLUSTER_WARMUP', 3);
const REDIS_WRITES = int('BENCH_CLUSTER_REDIS_WRITES', 20, 1);
const MISSED = int('BENCH_CLUSTER_MISSED', 100, 1);
const RECOVERY_CYCLES = int('BENCH_CLUSTER_RECOVERY_CYCLES', 3, 1);
const RECOVERY_WARMUP = int('BENCH_CLUSTER_RECOVERY_WARMUP', 1);
const RUN_TIMEOUT_MS = int('BENCH_CLUSTER_TIMEOUT_S', 300, 10) * 1000;
/** A 0/1 switch, on unless set to 0 or false. */
const flag = (name) => !['0', 'false'].includes(process.env[name] ?? '1');
const CROSS_RECOVERY = flag('BENCH_CLUSTER_RECOVERY');
/** Connection state recovery on the plain servers too: the plugin keeps it on with redis. */
const PLAIN_RECOVERY = flag('BENCH_CLUSTER_PLAIN_RECOVERY');
const REDIS_URL = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const ALL_PHASES = ['small', 'fanout', 'one-node', 'recovery'];
const PHASES = new Set((process.env.BENCH_CLUSTER_PHASES ?? ALL_PHASES.join(',')).split(',').map((name) => name.trim()).filter(Boolean));
for (const name of PHASES) if (!ALL_PHASES.includes(name)) throw new Error(`BENCH_CLUSTER_PHASES: unknown phase "${name}" (phases: ${ALL_PHASES.join(', ')})`);

const ARTICLE = 'api::article.article';
const EVENT = 'article:update';
const TARGET_RATIO = 1.25;
/** One round takes tens to hundreds of milliseconds; this only stops a lost event from hanging the run. */
const ROUND_TIMEOUT_MS = 15_000;
/** How long a reconnected socket that did not recover is watched for replayed events anyway. */
const NOT_RECOVERED_WATCH_MS = 1_500;
const RECOVERED_TIMEOUT_MS = 15_000;

const RUN_ID = randomBytes(5).toString('hex');
const PLUGIN_PREFIX = `bench-io-${RUN_ID}`;
const PLAIN_PREFIX = `bench-plain-${RUN_ID}`;

// ---------------------------------------------------------------------------------------------
// Small utilities

const startedAt = now();
const round1 = (value) => (value === null || value === undefined ? null : Math.round(value * 10) / 10);
const round2 = (value) => (value === null || value === undefined ? null : Math.round(value * 100) / 100);
const elapsed = () => `${(Math.round((now() - startedAt) / 100) / 10).toFixed(1)} s`;
const log = (message) => console.log(`[${elapsed()}] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => (values.length ? percentile(values, 0.5) : null);

/** p50/p95/p99/max of receipt latencies (ms), and how many. */
function latencyStats(samples) {
  if (samples.length === 0) return { receipts: 0, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null };
  return {
    receipts: samples.length,
    p50Ms: round1(percentile(samples, 0.5)),
    p95Ms: round1(percentile(samples, 0.95)),
    p99Ms: round1(percentile(samples, 0.99)),
    maxMs: round1(percentile(samples, 1)),
  };
}

async function waitUntil(check, timeoutMs, what, intervalMs = 25) {
  const deadline = now() + timeoutMs;
  while (!(await check())) {
    if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Resources, cleaned up in reverse order whatever happens (failure, timeout, Ctrl-C)

const cleanups = [];
let cleaning;
/** Registers `fn` to run at clean-up; returns a function that runs it now (once) instead. */
function onCleanup(what, fn) {
  let done = false;
  const entry = {
    what,
    run: async () => {
      if (done) return;
      done = true;
      await fn();
    },
  };
  cleanups.push(entry);
  return async () => {
    cleanups.splice(cleanups.indexOf(entry), 1);
    await entry.run();
  };
}

function cleanUp() {
  cleaning ??= (async () => {
    const problems = [];
    for (const entry of cleanups.splice(0).reverse()) {
      try {
        await withTimeout(entry.run(), 30_000, `clean-up: ${entry.what}`);
      } catch (error) {
        problems.push(`${entry.what}: ${error.message}`);
      }
    }
    if (problems.length) console.error(`clean-up problems:\n  ${problems.join('\n  ')}`);
  })();
  return cleaning;
}

// ---------------------------------------------------------------------------------------------
// Rounds: arm the pools, trigger, wait for every socket

let roundCounter = 0;

/**
 * One round: every socket of `pools` waits for `article:update` titled `title`; the clock starts
 * just before `trigger(title)`. Resolves with each pool's receipt latencies (ms) and a payload.
 */
async function runRound(pools, title, trigger, { wantSample = false } = {}) {
  roundCounter += 1;
  const round = roundCounter;
  const armed = await Promise.all(pools.map((pool) => pool.arm({ round, title, event: EVENT, wantSample })));
  const start = now();
  try {
    await trigger(title);
    const triggerMs = now() - start;
    const results = await Promise.all(armed.map((arm) => arm.done(ROUND_TIMEOUT_MS)));
    const perPool = results.map(({ times }) => times.map((t) => t - start));
    const all = perPool.flat();
    const sample = results.find((r) => r.sample)?.sample;
    // The plugin's meta.ts is the database's clock inside the write's transaction (same machine).
    const stampMs = typeof sample?.meta?.ts === 'number' ? sample.meta.ts - start : null;
    return { perPool, triggerMs, firstMs: Math.min(...all), lastMs: Math.max(...all), stampMs, sample };
  } catch (error) {
    await Promise.all(armed.map((arm) => arm.abandon().catch(() => {})));
    throw new Error(`round "${title}": ${error.message}`);
  }
}

/** A measured series: latencies per pool over all rounds, each round's last receipt and trigger time. */
function createSeries(label, pools, trigger, { plugin = true } = {}) {
  const series = { label, pools, trigger, perPool: pools.map(() => []), first: [], last: [], triggerMs: [], stampMs: [], sample: undefined, round: 0 };
  series.run = async (measured) => {
    series.round += 1;
    const result = await runRound(pools, `${label} ${measured ? 'round' : 'warm-up'} ${series.round} ${RUN_ID}`, trigger, { wantSample: plugin || !series.sample });
    series.sample ??= result.sample;
    if (!measured) return;
    result.perPool.forEach((latencies, i) => series.perPool[i].push(...latencies));
    series.first.push(result.firstMs);
    series.last.push(result.lastMs);
    series.triggerMs.push(result.triggerMs);
    if (plugin && result.stampMs !== null) series.stampMs.push(result.stampMs);
  };
  return series;
}

/** Warm-up rounds of each series (in order), then measured rounds alternating between them. */
async function runSeries(list, { rounds = ROUNDS, warmup = WARMUP } = {}) {
  for (const series of list) for (let i = 0; i < warmup; i += 1) await series.run(false);
  for (let i = 0; i < rounds; i += 1) for (const series of list) await series.run(true);
}

/** Per-pool and overall statistics of a series; `names` labels the pools. */
function summarizeSeries(series, names) {
  return {
    sockets: series.perPool.reduce((sum, list) => sum + list.length, 0) / Math.max(1, series.last.length),
    rounds: series.last.length,
    overall: latencyStats(series.perPool.flat()),
    perNode: Object.fromEntries(series.perPool.map((list, i) => [names[i], latencyStats(list)])),
    firstReceivedP50Ms: round1(median(series.first)),
    allReceivedP50Ms: round1(median(series.last)),
    triggerP50Ms: round1(median(series.triggerMs)),
    /** From the write's start to its stamp (meta.ts: the database clock inside the write's transaction, ms resolution). */
    writeStampP50Ms: series.stampMs.length ? round1(median(series.stampMs)) : null,
  };
}

/** Anomalies the pools' sockets counted since the last settle (duplicates, unexpected events, disconnects...). */
async function settle(pools) {
  const total = {};
  for (const pool of pools) {
    for (const [key, value] of Object.entries(await pool.settle())) total[key] = (total[key] ?? 0) + value;
  }
  return total;
}

const anomalyCount = (anomalies) => Object.values(anomalies ?? {}).reduce((sum, value) => sum + value, 0);

// ---------------------------------------------------------------------------------------------
// (d) Redis traffic per write

/**
 * `writes` rounds of `series` (already warmed up) while MONITOR counts this run's commands under
 * `prefix`; per write, by command, and the server-wide INFO commandstats delta over the same span.
 */
async function redisTraffic(series, prefix, writes) {
  const monitor = await monitorCommands(REDIS_URL, [prefix]);
  try {
    await sleep(100);
    const before = await commandStats(REDIS_URL);
    monitor.take();
    const started = now();
    for (let i = 0; i < writes; i += 1) await series.run(false);
    const seconds = (now() - started) / 1000;
    // MONITOR lines may trail the deliveries a little.
    await sleep(200);
    const ours = monitor.take();
    const serverWide = diffStats(before, await commandStats(REDIS_URL));
    const perWrite = (counts) => Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([command, calls]) => [command, round2(calls / writes)]));
    const total = (counts) => Object.values(counts).reduce((sum, calls) => sum + calls, 0);
    return {
      writes,
      sockets: series.pools.reduce((sum, pool) => sum + pool.size, 0),
      seconds: round2(seconds),
      perWrite: perWrite(ours),
      totalPerWrite: round2(total(ours) / writes),
      changeRecordsPerWrite: round2(((ours['publish io:changes'] ?? 0) + (ours.xadd ?? 0)) / writes),
      serverWidePerWrite: perWrite(serverWide),
      serverWideTotalPerWrite: round2(total(serverWide) / writes),
    };
  } finally {
    monitor.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// (e) Connection state recovery

function connectSocket(url) {
  const socket = ioClient(url, { transports: ['websocket'], forceNew: true, timeout: 20_000 });
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(new Error(`recovery socket: ${error.message}`)));
    }),
    20_000,
    'recovery socket connect',
  ).catch((error) => {
    socket.close();
    throw error;
  });
}

/** Records the `article:update` events a socket receives ({ eventId, title }) and waits for a count. */
function recordEvents(socket) {
  const events = [];
  let waiter = null;
  socket.on(EVENT, (document, meta) => {
    events.push({ eventId: meta?.eventId, title: document?.title });
    if (waiter && events.length >= waiter.count) waiter.resolve(true);
  });
  return {
    events,
    /** Resolves true once `count` events have arrived in all, false after `timeoutMs`. */
    waitFor(count, timeoutMs) {
      if (events.length >= count) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = null;
          resolve(false);
        }, timeoutMs);
        waiter = {
          count,
          resolve: (value) => {
            clearTimeout(timer);
            waiter = null;
            resolve(value);
          },
        };
      });
    },
  };
}

/**
 * One cycle: subscribe to the article through the proxy (pointed at `first`), receive one event,
 * lose the transport, `MISSED` writes through `writer`, reconnect through the proxy (pointed at
 * `second`); what came back and how fast. Events are told apart by `meta.eventId` (the same on
 * every node): a witness socket connected to `writer` all along gives the events that were sent
 * while the first one was away, in their order. (Titles cannot tell them apart: the plugin reads
 * a document when it delivers a change, so with writes back to back an event may carry the title
 * of a later write.)
 */
async function recoveryCycle({ proxy, writer, first, second, documentId, label }) {
  proxy.pointTo(first.url);
  const witness = await connectSocket(writer.url);
  const socket = await connectSocket(proxy.url).catch((error) => {
    witness.close();
    throw error;
  });
  try {
    const seen = recordEvents(witness);
    const received = recordEvents(socket);
    const write = (title) => writer.documents(ARTICLE, 'update', { documentId, data: { title }, status: 'published' });

    const ack = await socket.timeout(10_000).emitWithAck('subscribe-entity', { uid: ARTICLE, id: documentId });
    if (!ack?.success) throw new Error(`subscribe-entity failed: ${JSON.stringify(ack)}`);
    // Socket.IO resumes from the offset of the last event received: one first.
    await write(`${label} primer ${RUN_ID}`);
    if (!(await received.waitFor(1, 10_000)) || !(await seen.waitFor(1, 10_000))) throw new Error('the primer event never arrived');

    // Lose the transport, as a network failure would: the server keeps the session.
    const id = socket.id;
    socket.io.reconnection(false);
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.io.engine.close();
    const reason = await gone;
    await waitUntil(async () => !(await first.io('getEntityRoomSockets', ARTICLE, documentId)).some((info) => info.id === id), 10_000, 'the node to see the socket go');
    proxy.pointTo(second.url);

    const mark = received.events.length;
    const witnessMark = seen.events.length;
    for (let i = 0; i < MISSED; i += 1) await write(`${label} missed ${i} ${RUN_ID}`);
    await writer.idle();
    if (!(await seen.waitFor(witnessMark + MISSED, 10_000))) throw new Error(`the witness socket received ${seen.events.length - witnessMark} of the ${MISSED} events`);
    const expected = seen.events.slice(witnessMark).map((event) => event.eventId);
    // The titles are the writes' own unless a delivery read a later state.
    const laterStates = seen.events.slice(witnessMark).filter((event, i) => event.title !== `${label} missed ${i} ${RUN_ID}`).length;

    const reconnectAt = now();
    const back = new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    socket.connect();
    await withTimeout(back, 20_000, 'reconnect');
    const connectMs = now() - reconnectAt;
    const recovered = socket.recovered === true;
    const all = await received.waitFor(mark + MISSED, recovered ? RECOVERED_TIMEOUT_MS : NOT_RECOVERED_WATCH_MS);
    const allMs = all ? now() - reconnectAt : null;
    // A round trip: anything sent before it (a late duplicate) has been read by now.
    await socket.timeout(5_000).emitWithAck('io:ping').catch(() => {});

    // Each missed event once, in the order the node sent them, nothing else.
    const got = received.events.slice(mark).map((event) => event.eventId);
    const indexOf = new Map(expected.map((eventId, i) => [eventId, i]));
    const found = new Set();
    const duplicated = [];
    const outOfOrder = [];
    let unexpected = 0;
    let last = -1;
    for (const eventId of got) {
      const index = indexOf.get(eventId);
      if (index === undefined) unexpected += 1;
      else if (found.has(eventId)) duplicated.push(index);
      else {
        if (index < last) outOfOrder.push(index);
        last = index;
        found.add(eventId);
      }
    }
    const duplicates = duplicated.length;
    const inOrder = outOfOrder.length === 0;
    return {
      disconnectReason: reason,
      recovered,
      connectMs: round1(connectMs),
      allMs: round1(allMs),
      received: found.size,
      missing: MISSED - found.size,
      duplicates,
      unexpected,
      inOrder,
      laterStates,
      // Which ones (indices of the missed events, the first few), to tell a gap from a late event.
      missingIndices: expected.flatMap((eventId, i) => (found.has(eventId) ? [] : [i])).slice(0, 10),
      duplicatedIndices: duplicated.slice(0, 10),
      outOfOrderIndices: outOfOrder.slice(0, 10),
      receivedOrder: duplicates || outOfOrder.length || unexpected || (recovered && found.size < MISSED) ? got.map((eventId) => indexOf.get(eventId) ?? '?').join(' ') : undefined,
      ok: recovered && found.size === MISSED && duplicates === 0 && unexpected === 0 && inOrder,
    };
  } finally {
    socket.close();
    witness.close();
  }
}

async function recoveryRow({ label, key, writer, first, second, documentId }) {
  const proxy = await startProxy(first.url);
  try {
    const cycles = [];
    for (let i = 0; i < RECOVERY_WARMUP + RECOVERY_CYCLES; i += 1) {
      const cycle = await recoveryCycle({ proxy, writer, first, second, documentId, label: `${key} ${i}` });
      if (i >= RECOVERY_WARMUP) cycles.push(cycle);
    }
    const recoveredCycles = cycles.filter((cycle) => cycle.recovered);
    const okCycles = cycles.filter((cycle) => cycle.ok);
    return {
      label,
      cycles: cycles.length,
      missedPerCycle: MISSED,
      recovered: recoveredCycles.length,
      complete: okCycles.length,
      connectP50Ms: round1(median(cycles.map((cycle) => cycle.connectMs))),
      allReceivedP50Ms: okCycles.length ? round1(median(okCycles.map((cycle) => cycle.allMs))) : null,
      allReceivedMaxMs: okCycles.length ? round1(Math.max(...okCycles.map((cycle) => cycle.allMs))) : null,
      /** Missed events whose payload carried a later write's state (the plugin reads at delivery). */
      laterStates: cycles.reduce((sum, cycle) => sum + cycle.laterStates, 0),
      verdict:
        okCycles.length === cycles.length
          ? `recovered: all ${MISSED} once and in order`
          : recoveredCycles.length === 0
            ? `not recovered (new session; ${Math.max(...cycles.map((cycle) => cycle.received))}/${MISSED} replayed)`
            : `INCOMPLETE: ${okCycles.length}/${cycles.length} cycles got all ${MISSED} once and in order`,
      details: cycles,
    };
  } finally {
    await proxy.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function printReport(report) {
  const cell = (value, width) => String(value ?? '-').padStart(width);
  const header = `${''.padEnd(46)}${cell('sockets', 8)}${cell('p50 ms', 9)}${cell('p95 ms', 9)}${cell('first p50', 11)}${cell('last p50', 10)}${cell('call p50', 10)}${cell('stamp p50', 11)}`;
  const line = (label, sockets, stats, row = {}) =>
    `${label.padEnd(46)}${cell(sockets, 8)}${cell(stats?.p50Ms, 9)}${cell(stats?.p95Ms, 9)}${cell(row.firstReceivedP50Ms, 11)}${cell(row.allReceivedP50Ms, 10)}${cell(row.triggerP50Ms, 10)}${cell(row.writeStampP50Ms, 11)}`;
  const fan = report.fanout;
  console.log(`\nFan-out of one ${EVENT} (update + publish through node A; plain: io.emit on server 1): ms from the write's start to each socket's receipt`);
  console.log(`${report.rounds} measured rounds after ${report.warmupRounds} warm-up; node ${report.node}, ${report.cpus} cores, load average ${report.loadAverage.join(' ')} at the start`);
  console.log('p50/p95 over every receipt; per round (p50 of): first and last receipt, the update()/emit call returning (IPC round');
  console.log("trip), and the write's stamp (meta.ts: the database clock inside the write's transaction, ms resolution)\n");
  console.log(header);
  const show = (label, row, names) => {
    if (!row) return;
    if (row.error) return void console.log(`${label.padEnd(46)}FAILED: ${row.error.split('\n')[0].slice(0, 120)}`);
    console.log(line(label, row.sockets, row.overall, row));
    for (const [name, display] of names) console.log(line(`  ${display}`, row.perNode[name].receipts / row.rounds, row.perNode[name]));
  };
  show('two plugin nodes (redis streams)', fan.twoNodes, [['A', 'node A (writer)'], ['B', 'node B (through Redis)']]);
  show('plain Socket.IO, 2 servers (redis streams)', fan.plain, [['1', 'server 1 (emitter)'], ['2', 'server 2 (through Redis)']]);
  show('plain: the same write, then io.emit', fan.plainAfterWrite, [['1', 'server 1 (emitter)'], ['2', 'server 2 (through Redis)']]);
  show('one plugin node, redis on (node A)', fan.oneNodeRedis, []);
  show('one plugin node, in-memory adapter (node C)', fan.oneNodeMemory, []);
  if (report.ratio) {
    console.log(`\ntwo nodes / plain Socket.IO, p50: ${report.ratio.p50} (p95: ${report.ratio.p95}); target ≤ ${TARGET_RATIO}: ${report.ratio.meetsTarget ? 'met' : 'NOT met'}`);
    if (report.ratio.afterWrite) {
      const { p50, p95, meetsTarget } = report.ratio.afterWrite;
      console.log(`two nodes / plain Socket.IO emitting after the same write, p50: ${p50} (p95: ${p95}); target ≤ ${TARGET_RATIO}: ${meetsTarget ? 'met' : 'NOT met'}`);
    }
  }
  const found = Object.entries(report.anomalies).flatMap(([row, counts]) => Object.entries(counts ?? {}).filter(([, n]) => n > 0).map(([kind, n]) => `${row}: ${n} ${kind}`));
  console.log(`anomalies (duplicates, unexpected events, disconnects, io:error, private fields): ${found.length ? found.join(', ') : 'none'}`);

  console.log(`\nRedis commands per write (MONITOR, this run's prefixes; server-wide INFO commandstats delta in brackets)\n`);
  console.log(`${''.padEnd(34)}${cell('sockets', 8)}${cell('writes', 8)}${cell('total', 8)}${cell('[server]', 10)}  by command`);
  for (const [label, row] of [
    ['plugin, 2 nodes, small', report.redis.small],
    ['plugin, 2 nodes, large', report.redis.large],
    ['plain Socket.IO, per io.emit', report.redis.plain],
  ]) {
    if (!row) continue;
    if (row.error) {
      console.log(`${label.padEnd(34)}FAILED: ${row.error.split('\n')[0].slice(0, 120)}`);
      continue;
    }
    const by = Object.entries(row.perWrite).map(([command, calls]) => `${command} ${calls}`).join(', ');
    console.log(`${label.padEnd(34)}${cell(row.sockets, 8)}${cell(row.writes, 8)}${cell(row.totalPerWrite, 8)}${cell(`[${row.serverWideTotalPerWrite}]`, 10)}  ${by}`);
  }
  if (report.redis.independent !== undefined) {
    console.log(`change records per write: ${report.redis.small?.changeRecordsPerWrite} / ${report.redis.large?.changeRecordsPerWrite}; independent of the number of sockets: ${report.redis.independent ? 'yes' : 'NO'}`);
    console.log('(background, not per write: each node\'s blocking XREAD returns every 5 s when idle; each node publishes io:paths every 10 s)');
  }

  console.log(`\nConnection state recovery: ${MISSED} events written while a socket is away, then it reconnects\n`);
  console.log(`${''.padEnd(52)}${cell('cycles', 7)}${cell('connect p50', 13)}${cell(`all ${MISSED} p50`, 12)}${cell('max', 8)}  result`);
  for (const row of report.recovery) {
    if (row.skipped) console.log(`${row.label.padEnd(52)}  skipped: ${row.skipped}`);
    else if (row.error) console.log(`${row.label.padEnd(52)}  FAILED: ${row.error.split('\n')[0].slice(0, 120)}`);
    else console.log(`${row.label.padEnd(52)}${cell(row.cycles, 7)}${cell(row.connectP50Ms, 13)}${cell(row.allReceivedP50Ms, 12)}${cell(row.allReceivedMaxMs, 8)}  ${row.verdict}`);
  }
  const later = report.recovery.reduce((sum, row) => sum + (row.laterStates ?? 0), 0);
  if (later) console.log(`(${later} of the missed events carried a later write's state: with writes back to back, the plugin reads the document when it delivers)`);
  console.log(`\nnodes: boot ${Object.entries(report.nodes).map(([name, node]) => `${name} ${node.bootMs} ms`).join(', ')}; Strapi warnings / errors logged: ${report.strapiLogs.warn} / ${report.strapiLogs.error}`);
  for (const sample of report.strapiLogs.samples) console.log(`  ${sample.slice(0, 160)}`);
  console.log(`run took ${report.durationSeconds} s; JSON in ${path.relative(process.cwd(), resultsFile)}\n`);
}

function writeReport(report) {
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------

/** Runs `work`, recording its result or its error under `key` of `into`; never throws. */
async function phase(into, key, what, work, name) {
  if (exiting || (name && !PHASES.has(name))) return;
  log(what);
  try {
    into[key] = await work();
  } catch (error) {
    console.error(`  ${what} failed: ${error.stack ?? error.message}`);
    into[key] = { error: error.message };
    failures.push(`${what}: ${error.message.split('\n')[0]}`);
  }
}
const failures = [];

async function main() {
  const fdLimit = checkFileDescriptors(Math.max(4096, 4 * SOCKETS), `${2 * SOCKETS}+ sockets in one node`);
  const loadAverage = os.loadavg().map(round2);
  if (!existsSync(path.join(appDir, 'dist', 'config'))) {
    throw new Error('examples/strapi-app/dist is missing: run `npm run build` first (or `npm run bench`, which builds)');
  }
  log(`cluster bench ${RUN_ID}: ulimit -n ${fdLimit}, load average ${loadAverage.join(' ')}, ${SOCKETS} sockets per node`);
  await assertRedis(REDIS_URL);
  onCleanup('delete the Redis keys', async () => {
    const deleted = (await deleteKeys(REDIS_URL, PLUGIN_PREFIX)) + (await deleteKeys(REDIS_URL, PLAIN_PREFIX));
    log(`deleted ${deleted} Redis key(s) under ${PLUGIN_PREFIX} / ${PLAIN_PREFIX}`);
  });
  const database = await createPostgresDatabase();
  onCleanup(`drop database ${database.name}`, () => database.drop());

  // Nodes one after the other: Strapi syncs the schema on boot (A also seeds the example content).
  const nodes = {};
  const boot = async (name, env) => {
    const node = await startNode({ name, env: { ...database.env, SEED_EXAMPLE_CONTENT: name === 'A' ? 'true' : 'false', ...env } });
    onCleanup(`stop node ${name}`, () => node.stop());
    nodes[name] = node;
    log(`node ${name} ready in ${node.bootMs} ms (${node.url})`);
    return node;
  };
  const clustered = { REDIS_URL, REDIS_KEY_PREFIX: PLUGIN_PREFIX };
  const A = await boot('A', clustered);
  const B = await boot('B', clustered);
  const C = await boot('C', { REDIS_URL: '' });

  const article = await A.documents(ARTICLE, 'findFirst', { status: 'published' });
  if (!article?.documentId) throw new Error('The seeded app has no published article');
  const { documentId } = article;
  const writeThrough = (node) => (title) => node.documents(ARTICLE, 'update', { documentId, data: { title }, status: 'published' });

  // Socket pools: one process per 1,000 sockets, 2 for the plugin nodes and 2 for the plain servers.
  const perPool = Math.max(SOCKETS, SMALL);
  const pools = {};
  for (const name of ['p1', 'p2', 'q1', 'q2']) {
    pools[name] = createSocketPool({ children: 1, perChild: perPool });
    onCleanup(`stop socket pool ${name}`, () => pools[name].stop());
  }
  const { p1, p2, q1, q2 } = pools;
  await Promise.all(Object.values(pools).map((pool) => pool.syncClocks()));
  /** Closes the pools' sockets (never throws: a failed phase must not stop the next one). */
  const closePools = (list) => Promise.all(list.map((pool) => pool.close().catch(() => {})));
  const connect = async (pairs) => {
    const started = now();
    await Promise.all(pairs.map(([pool, url, n]) => pool.connect(url, n)));
    log(`  connected ${pairs.reduce((sum, [, , n]) => sum + n, 0)} sockets in ${Math.round(now() - started)} ms`);
  };

  const fanout = {};
  const redis = {};
  const anomalies = {};
  const recovery = [];

  // (d), small: 2 × SMALL sockets.
  await phase(redis, 'small', `Redis traffic with 2 × ${SMALL} sockets`, async () => {
    try {
      await connect([[p1, A.url, SMALL], [p2, B.url, SMALL]]);
      const series = createSeries('small', [p1, p2], writeThrough(A));
      await runSeries([series], { rounds: 0 });
      const result = await redisTraffic(series, PLUGIN_PREFIX, REDIS_WRITES);
      anomalies.small = await settle([p1, p2]);
      return result;
    } finally {
      await closePools([p1, p2]);
    }
  }, 'small');

  // (a) and (c), alternating rounds, then (d) large for both.
  const plain = {};
  await phase(fanout, 'twoNodes', `two nodes and plain Socket.IO, ${SOCKETS} sockets on each of 2 nodes / 2 servers`, async () => {
    try {
      return await twoNodesAndPlain();
    } finally {
      await closePools([p1, p2, q1, q2]);
      await Promise.all([plain.stop1?.(), plain.stop2?.()]);
    }
  }, 'fanout');
  async function twoNodesAndPlain() {
    for (const name of ['1', '2']) {
      const server = await startNode({ name: `plain${name}`, file: PLAIN_CHILD, env: { REDIS_URL, REDIS_KEY_PREFIX: PLAIN_PREFIX, PLAIN_RECOVERY: PLAIN_RECOVERY ? '1' : '0' } });
      plain[name] = server;
      plain[`stop${name}`] = onCleanup(`stop plain server ${name}`, () => server.stop());
    }
    await connect([[p1, A.url, SOCKETS], [p2, B.url, SOCKETS], [q1, plain['1'].url, SOCKETS], [q2, plain['2'].url, SOCKETS]]);
    const cluster = createSeries('two-nodes', [p1, p2], writeThrough(A));
    let eventId = 0;
    const plainSeries = createSeries('plain', [q1, q2], (title) => {
      eventId += 1;
      const { document, meta } = cluster.sample;
      return plain['1'].request('emit', { event: EVENT, args: [{ ...document, title }, { ...meta, eventId: `plain-${eventId}` }] });
    }, { plugin: false });
    // What an app without the plugin does for a change (a lifecycle hook, the seed plugin): the same
    // write (through node C, which has no socket and no Redis, so nobody else hears of it), then
    // server 1's `io.emit`, timed from the write's start as the plugin's rows are.
    const writeThenEmit = createSeries('plain-after-write', [q1, q2], async (title) => {
      await writeThrough(C)(title);
      eventId += 1;
      const { document, meta } = cluster.sample;
      return plain['1'].request('emit', { event: EVENT, args: [{ ...document, title }, { ...meta, eventId: `plain-${eventId}` }] });
    }, { plugin: false });
    // One plugin round first: its payload is what the plain server sends.
    await cluster.run(false);
    if (!cluster.sample) throw new Error('no payload sampled from the plugin');
    await runSeries([cluster, plainSeries, writeThenEmit]);
    anomalies.twoNodes = await settle([p1, p2]);
    anomalies.plain = await settle([q1, q2]);
    fanout.plain = summarizeSeries(plainSeries, ['1', '2']);
    fanout.plainAfterWrite = summarizeSeries(writeThenEmit, ['1', '2']);
    fanout.payloadBytes = Buffer.byteLength(JSON.stringify(cluster.sample));
    fanout.payloadKeys = Object.keys(cluster.sample.document ?? {}).sort();
    const result = summarizeSeries(cluster, ['A', 'B']);

    await phase(redis, 'large', `Redis traffic with 2 × ${SOCKETS} sockets`, () => redisTraffic(cluster, PLUGIN_PREFIX, REDIS_WRITES));
    await phase(redis, 'plain', `Redis traffic of plain Socket.IO with 2 × ${SOCKETS} sockets`, () => redisTraffic(plainSeries, PLAIN_PREFIX, REDIS_WRITES));
    anomalies.redisLarge = await settle([p1, p2, q1, q2]);
    return result;
  }

  // (b) one node: A (redis on, B idle beside it), then C (in-memory adapter).
  for (const [key, node, what] of [
    ['oneNodeRedis', A, 'one node with redis (A)'],
    ['oneNodeMemory', C, 'one node, in-memory adapter (C)'],
  ]) {
    await phase(fanout, key, `${what}, ${2 * SOCKETS} sockets`, async () => {
      try {
        await connect([[p1, node.url, SOCKETS], [p2, node.url, SOCKETS]]);
        const series = createSeries(key, [p1, p2], writeThrough(node));
        await runSeries([series]);
        anomalies[key] = await settle([p1, p2]);
        return summarizeSeries(series, ['1', '2']);
      } finally {
        await closePools([p1, p2]);
      }
    }, 'one-node');
  }

  // (e) recovery.
  const rows = [
    { key: 'memory', label: 'one node, in-memory adapter (C → C)', writer: C, first: C, second: C, always: true },
    { key: 'redis-same', label: 'one node, redis on (drop on A, back to A)', writer: A, first: A, second: A },
    { key: 'cross', label: 'recovery across nodes (drop on A, reconnect to B)', writer: A, first: A, second: B },
  ];
  for (const row of PHASES.has('recovery') ? rows : []) {
    if (!row.always && !CROSS_RECOVERY) {
      recovery.push({ key: row.key, label: row.label, skipped: 'BENCH_CLUSTER_RECOVERY=0' });
      continue;
    }
    const holder = {};
    await phase(holder, 'row', `recovery: ${row.label}`, () => recoveryRow({ ...row, documentId }));
    recovery.push(holder.row.error ? { key: row.key, label: row.label, error: holder.row.error } : { key: row.key, ...holder.row });
  }

  // A session that recovered must replay every missed event once and in order; on one node with the
  // in-memory adapter, it must recover (a cross-node row that does not recover is only reported).
  for (const row of recovery) {
    if (!row.details) continue;
    const broken = row.details.filter((cycle) => cycle.recovered && !cycle.ok).length;
    if (broken) failures.push(`recovery "${row.label}": ${broken} recovered cycle(s) without every missed event once and in order`);
    else if (row.key === 'memory' && row.complete < row.cycles) failures.push(`recovery "${row.label}": did not recover`);
  }

  // Report.
  const logs = { warn: 0, error: 0, samples: [] };
  for (const node of Object.values(nodes)) {
    logs.warn += node.logs.warn;
    logs.error += node.logs.error;
    logs.samples.push(...node.logs.samples);
  }
  const two = fanout.twoNodes;
  const ratio =
    two?.overall?.p50Ms && fanout.plain?.overall?.p50Ms
      ? {
          p50: round2(two.overall.p50Ms / fanout.plain.overall.p50Ms),
          p95: round2(two.overall.p95Ms / fanout.plain.overall.p95Ms),
          target: TARGET_RATIO,
          meetsTarget: two.overall.p50Ms / fanout.plain.overall.p50Ms <= TARGET_RATIO,
          afterWrite: fanout.plainAfterWrite?.overall?.p50Ms
            ? {
                p50: round2(two.overall.p50Ms / fanout.plainAfterWrite.overall.p50Ms),
                p95: round2(two.overall.p95Ms / fanout.plainAfterWrite.overall.p95Ms),
                meetsTarget: two.overall.p50Ms / fanout.plainAfterWrite.overall.p50Ms <= TARGET_RATIO,
              }
            : null,
        }
      : null;
  if (redis.small?.totalPerWrite !== undefined && redis.large?.totalPerWrite !== undefined) {
    // Background commands (idle XREAD returns, io:paths) land in a window in proportion to its length.
    redis.independent = redis.small.changeRecordsPerWrite === redis.large.changeRecordsPerWrite && Math.abs(redis.small.totalPerWrite - redis.large.totalPerWrite) <= 0.25;
    if (!redis.independent) failures.push(`Redis commands per write depend on the number of sockets: ${redis.small.totalPerWrite} with ${redis.small.sockets}, ${redis.large.totalPerWrite} with ${redis.large.sockets}`);
  }
  const report = {
    date: new Date().toISOString(),
    runId: RUN_ID,
    node: process.version,
    cpus: os.cpus().length,
    loadAverage,
    loadAverageAtEnd: os.loadavg().map(round2),
    socketsPerNode: SOCKETS,
    smallSocketsPerNode: SMALL,
    warmupRounds: WARMUP,
    rounds: ROUNDS,
    principal: 'public (no auth)',
    fanout,
    ratio,
    redis,
    recovery,
    anomalies,
    nodes: Object.fromEntries(Object.entries(nodes).map(([name, node]) => [name, { bootMs: node.bootMs }])),
    strapiLogs: logs,
    failures,
    durationSeconds: Math.round((now() - startedAt) / 100) / 10,
  };
  writeReport(report);
  printReport(report);
  const dirty = Object.values(anomalies).some((found) => anomalyCount(found) > 0);
  if (failures.length || dirty) {
    throw new Error(`cluster bench: ${failures.length} problem(s)${dirty ? ', anomalies seen' : ''}${failures.length ? `:\n  ${failures.join('\n  ')}` : ''}`);
  }
}

// Clean up whatever happens: failure, the run's own timeout, Ctrl-C.
let exiting = false;
async function finish(code, message) {
  if (exiting) return;
  exiting = true;
  if (message) console.error(message);
  const hardStop = setTimeout(() => process.exit(code || 1), 60_000);
  hardStop.unref();
  await cleanUp();
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void finish(130, `bench: ${signal}, cleaning up`));
setTimeout(() => void finish(1, `bench: still running after ${RUN_TIMEOUT_MS / 1000} s, aborting`), RUN_TIMEOUT_MS).unref();
main().then(
  () => finish(0),
  (error) => finish(1, error?.stack ?? String(error)),
);

/**
 * Live-query benchmark: what a collection subscription (`socket.emit('subscribe', { uid, filters })`)
 * costs the server as the number of distinct live queries grows. Why: each distinct query used to
 * cost a database read on every write and hold every matching documentId (issue 7); this measures
 * whichever implementation is built, so the same run gives the "before" and the "after".
 *
 * One run, the example app booted in this process (SQLite, one Public principal group), for
 * N = 1, 100, 1,000 and 10,000 sockets, four rows per N:
 * - per-user: socket i subscribes to its own `{ slug: { $eq: 'owner-<i>' } }`; a write (update +
 *   publish of one owner's article) concerns exactly one query and reaches one socket;
 * - overlapping: socket i subscribes to its own `{ slug: { $eq: 'overlap-target' }, title: { $ne:
 *   'never-<i>' } }`; N distinct queries that all match the written article, so a write reaches
 *   every socket, each through its own query;
 * - one shared query: every socket on the same `{ slug: { $eq: 'overlap-target' }, title: { $ne:
 *   'never-shared' } }`, the same write;
 * - plain Socket.IO: `io.emit` of the payload the plugin sent, on the plugin's own Socket.IO server
 *   (`strapi.$io.server`), to the same N sockets: the same process, heap, connections and options
 *   (connection state recovery on, as the plugin has it by default: it stores each broadcast
 *   packet for replay), so the difference is what the plugin's layer costs;
 * - plain after the same write: what an app without the plugin does for a change (a lifecycle hook,
 *   the seed plugin): the same `documents.update()` (of a twin of the target that no live query
 *   matches), then that `io.emit`, timed from the write's start as the plugin's rows are (the write
 *   is a cost every change pays, whoever delivers it). The write goes through this Strapi, where
 *   the plugin's capture still reads the document's rows (it cannot be switched off for one
 *   write): that part of the plugin's cost is in this row too, so the bare `io.emit` row is the
 *   stricter baseline, this one the fairer.
 * Both plain rows are measured interleaved with the overlapping row (one round of each in turn),
 * so all three see the same machine: measured one after the other, a shared 2-core machine's
 * drift (±25% within a minute) would read as a difference.
 * Per write: server CPU (process.cpuUsage() of this process, which runs Strapi, from just before
 * `documents.update()` until every expected socket has received the event and `strapi.$io.idle()`
 * has resolved, so work after the last delivery counts too), database queries issued (knex `query`
 * events) and delivery latency (write start → each socket's receipt; p50/p99 over every receipt of
 * every measured round). Sockets live in forked child processes (bench/lib/socket-pool*.mjs), at most
 * BENCH_SOCKETS_PER_CHILD each, so their CPU is not counted; receipt times are epoch ms
 * (`performance.timeOrigin + performance.now()`) corrected by each child's clock offset, measured
 * over IPC.
 *
 * Then, with 100,000 published articles that all match: K distinct queries (`{ slug: { $startsWith:
 * 'mass-' }, title: { $ne: 'never-<k>' } }`) are subscribed, and the heap growth after full GCs
 * divided by K is the memory per live query (this process runs with --expose-gc; it re-runs itself
 * with it if needed). The first ones are subscribed one at a time: subscribe latency is reported as
 * server time (a Socket.IO middleware on `strapi.$io.server` times `subscribe` from its arrival to the
 * ack being called) and as the round trip from a client on loopback. K is lowered when subscribing
 * is so slow that K queries would not fit in BENCH_MEMORY_BUDGET_S, or the first ones show that K
 * would hold more than BENCH_MEMORY_HEAP_MB of heap.
 *
 * Limits so a slow implementation still finishes: a round that takes longer than BENCH_ROUND_CAP_S
 * ends its cell ("> cap"); a cell stops after BENCH_CELL_BUDGET_S of measured rounds (never fewer
 * than 3); the rounds each cell ran are printed.
 *
 * Run with `npm run bench` (builds first) or `node --expose-gc bench/live-queries.mjs` after a build.
 * Tunables (environment): BENCH_QUERY_SOCKETS ("1,100,1000,10000"), BENCH_ROUNDS (10),
 * BENCH_COMPARE_ROUNDS (20, for the interleaved rows),
 * BENCH_WARMUP (2), BENCH_ROUND_CAP_S (60), BENCH_CELL_BUDGET_S (30), BENCH_SOCKETS_PER_CHILD
 * (2500), BENCH_MEMORY_DOCS (100000), BENCH_MEMORY_QUERIES (1000, the most K can be),
 * BENCH_MEMORY_BUDGET_S (30), BENCH_MEMORY_HEAP_MB (1024), BENCH_SUBSCRIBE_SAMPLES (20),
 * BENCH_RUN_TIMEOUT_S (1800), BENCH_PROFILE (a file: CPU profile of the interleaved rounds at the
 * largest N). Writes bench/results/live-queries.json.
 *
 * File descriptors: the Strapi process holds one per connected socket (up to 10,000) and each child
 * one per socket it holds; `ulimit -n` must exceed the largest N by some margin (warned below).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { percentile } from './live/stats.mjs';
import { insertPublishedDocuments } from './lib/seed-articles.mjs';
import { createSocketPool, now } from './lib/socket-pool.mjs';
import { bootStrapi, checkFileDescriptors, rootDir, runBench, withTimeout } from './lib/strapi.mjs';

const resultsFile = path.join(rootDir, 'bench', 'results', 'live-queries.json');

const int = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer (got ${process.env[name]})`);
  return value;
};
const SOCKET_COUNTS = (process.env.BENCH_QUERY_SOCKETS ?? '1,100,1000,10000').split(',').map((s) => Number(s.trim()));
const ROUNDS = int('BENCH_ROUNDS', 10);
/** Rounds of each of the interleaved rows (overlapping and both plain ones): their ratio is a target. */
const COMPARE_ROUNDS = int('BENCH_COMPARE_ROUNDS', 20);
const WARMUP = int('BENCH_WARMUP', 2);
const ROUND_CAP_MS = int('BENCH_ROUND_CAP_S', 60) * 1000;
const CELL_BUDGET_MS = int('BENCH_CELL_BUDGET_S', 30) * 1000;
const PER_CHILD = int('BENCH_SOCKETS_PER_CHILD', 2500);
const MEMORY_DOCS = int('BENCH_MEMORY_DOCS', 100_000);
const MEMORY_QUERIES = int('BENCH_MEMORY_QUERIES', 1000);
const MEMORY_BUDGET_MS = int('BENCH_MEMORY_BUDGET_S', 30) * 1000;
const MEMORY_HEAP_BUDGET = int('BENCH_MEMORY_HEAP_MB', 1024) * 2 ** 20;
const SUBSCRIBE_SAMPLES = int('BENCH_SUBSCRIBE_SAMPLES', 20);
const RUN_TIMEOUT_MS = int('BENCH_RUN_TIMEOUT_S', 1800) * 1000;
if (!SOCKET_COUNTS.every((n) => Number.isInteger(n) && n >= 1) || ROUNDS < 1 || PER_CHILD < 1 || MEMORY_QUERIES < 1) {
  throw new Error('BENCH_QUERY_SOCKETS must list positive integers; BENCH_ROUNDS, BENCH_SOCKETS_PER_CHILD and BENCH_MEMORY_QUERIES must be positive');
}
/** A cell never stops on its time budget before this many measured rounds. */
const MIN_ROUNDS = Math.min(3, ROUNDS);
/** Past this, a warm-up round has warmed enough: the next ones are skipped. */
const LONG_WARMUP_MS = 5000;
/** Subscriptions per socket in the memory phase (the plugin allows 100 by default). */
const QUERIES_PER_SOCKET = 50;
const ARTICLE = 'api::article.article';
const EVENT = 'article:update';

const CASES = {
  perUser: 'per-user distinct queries',
  overlapping: 'overlapping distinct queries',
  shared: 'one shared query',
  plain: 'plain Socket.IO io.emit',
  plainAfterWrite: 'plain: same write, then io.emit',
};
const OVERLAP_SLUG = 'overlap-target';
const perUserQuery = (i) => ({ uid: ARTICLE, filters: { slug: { $eq: `owner-${i}` } } });
const overlappingQuery = (i) => ({ uid: ARTICLE, filters: { slug: { $eq: OVERLAP_SLUG }, title: { $ne: `never-${i}` } } });
const sharedQuery = () => ({ uid: ARTICLE, filters: { slug: { $eq: OVERLAP_SLUG }, title: { $ne: 'never-shared' } } });
const massQuery = (k) => ({ uid: ARTICLE, filters: { slug: { $startsWith: 'mass-' }, title: { $ne: `never-${k}` } } });
/** The owner whose article round `r` writes: spread over the N owners. */
const ownerOf = (round, n) => (round * 7919 + 13) % n;

// ---------------------------------------------------------------------------------------------
// Small utilities

const round1 = (value) => (value === null || value === undefined ? null : Math.round(value * 10) / 10);
const round3 = (value) => Math.round(value * 1000) / 1000;
const median = (values) => (values.length ? percentile(values, 0.5) : null);
const cpuMs = (usage) => (usage.user + usage.system) / 1000;
const seconds = (ms) => Math.round(ms / 100) / 10;
const log = (message) => console.log(`[${seconds(now() - startedAt)} s] ${message}`);
const startedAt = now();

function fullGc() {
  globalThis.gc();
  globalThis.gc();
}

/** Counts the SQL statements knex runs (all of Strapi's database access goes through it). */
function countQueries(strapi) {
  const counter = { count: 0 };
  strapi.db.connection.on('query', () => {
    counter.count += 1;
  });
  return counter;
}

/**
 * Times `subscribe` on the server: a middleware on every new socket of `io` wraps the ack of each
 * `subscribe` packet, so a sample runs from the packet's arrival (decoded) to the plugin calling
 * the ack. Does not touch the plugin: `strapi.$io.server` is its public Socket.IO server.
 */
function timeSubscribes(io) {
  const samples = [];
  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const last = packet.length - 1;
      if (packet[0] === 'subscribe' && typeof packet[last] === 'function') {
        const ack = packet[last];
        const start = performance.now();
        packet[last] = (...args) => {
          samples.push(performance.now() - start);
          return ack(...args);
        };
      }
      next();
    });
  });
  return samples;
}

/** Which plugin build was measured: its server bundle's hash and build time (the source changes under us). */
function pluginBuild() {
  const file = path.join(rootDir, 'plugin', 'dist', 'server', 'index.js');
  try {
    return { sha256: createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12), builtAt: statSync(file).mtime.toISOString() };
  } catch {
    return null;
  }
}

/**
 * With BENCH_PROFILE set (a file name): a CPU profile of this process over the interleaved rounds
 * at the largest N, for Chrome DevTools or speedscope. In-process, so it covers exactly that phase.
 */
async function startProfile() {
  const file = process.env.BENCH_PROFILE;
  if (!file) return null;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      log(`  CPU profile of the interleaved rounds written to ${file}`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Rounds and cells

let roundSeq = 0;

/** A process is quiet once it used under this share of a core over a QUIET_WINDOW_MS window. */
const QUIET_SHARE = 0.1;
const QUIET_WINDOW_MS = 20;
const QUIET_MAX_MS = 3000;

/**
 * Waits until this process is quiet: what a round leaves behind after its last receipt (10,000
 * sockets' write callbacks, a collection) would otherwise be paid by the next round, whichever
 * row that is (interleaved, a different one each time).
 */
async function quiesce() {
  const deadline = now() + QUIET_MAX_MS;
  while (now() < deadline) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
    if (cpuMs(process.cpuUsage(before)) < QUIET_WINDOW_MS * QUIET_SHARE) return;
  }
}

/**
 * One write and its delivery: arms the expected sockets, runs `write(title)`, waits until they all
 * received the event (or the cap), then for the plugin until it is idle. CPU and database queries
 * are counted over that whole window.
 */
async function runRound(ctx, { targets, write, tag, wantSample, label }) {
  roundSeq += 1;
  const title = `${label} #${roundSeq} ${Date.now().toString(36)}`;
  const armed = await ctx.pool.arm({ round: roundSeq, title, event: EVENT, targets, subscriptionTag: tag, wantSample });
  await quiesce();
  const statsBefore = ctx.strapi.$io.stats();
  const queriesBefore = ctx.dbQueries.count;
  const cpuBefore = process.cpuUsage();
  const start = now();
  await write(title);
  const writeMs = now() - start;
  let received;
  try {
    received = await armed.done(Math.max(1, ROUND_CAP_MS - (now() - start)));
  } catch {
    await armed.abandon();
    log(`  round over the ${ROUND_CAP_MS / 1000} s cap; waiting for the server to finish it before moving on...`);
    await withTimeout(ctx.strapi.$io.idle(), 30 * 60_000, 'strapi.$io.idle() after a capped round');
    return { capped: true, wallMs: now() - start };
  }
  const lastReceived = Math.max(...received.times);
  if (ctx.server === 'strapi') await ctx.strapi.$io.idle();
  const cpu = cpuMs(process.cpuUsage(cpuBefore));
  const end = now();
  const statsAfter = ctx.strapi.$io.stats();
  return {
    capped: false,
    cpuMs: cpu,
    writeMs,
    latenciesMs: received.times.map((t) => t - start),
    p50Ms: percentile(received.times, 0.5) - start,
    firstReceivedMs: Math.min(...received.times) - start,
    allReceivedMs: lastReceived - start,
    idleMs: end - start,
    wallMs: end - start,
    dbQueries: ctx.dbQueries.count - queriesBefore,
    evaluated: statsAfter.evaluated === undefined ? null : statsAfter.evaluated - statsBefore.evaluated,
    emitted: statsAfter.emitted - statsBefore.emitted,
    sanitized: statsAfter.sanitized - statsBefore.sanitized,
    sample: received.sample,
  };
}

/**
 * The cells of `specs`, their rounds interleaved (A B C A B C ...): the warm-ups of each in turn,
 * then up to `rounds` (ROUNDS) measured rounds of each, one of each per cycle, within the cells' budget
 * (CELL_BUDGET_MS per cell). Rows compared with each other are measured this way, so that each
 * sees the same machine: on a shared 2-core machine a run drifts by ±25% over a minute, which
 * cells measured one after the other would read as a difference. A spec is
 * `{ ctx, caseKey, n, distinctQueries, subscribeMs, roundSpec, onSample }`; `onSample` gets the
 * first payload received (warm-ups ask for one), before the next spec's warm-up.
 */
async function runCells(specs, { rounds: roundCount = ROUNDS } = {}) {
  const cells = specs.map((spec) => ({ spec, label: `${spec.caseKey}-${spec.n}`, warmups: 0, rounds: [], capped: false, sample: undefined }));
  const took = (cell, result) => {
    if (cell.sample !== undefined || result.sample === undefined) return;
    cell.sample = result.sample;
    cell.spec.onSample?.(result.sample);
  };
  for (const cell of cells) {
    for (let w = 0; w < WARMUP; w += 1) {
      const result = await runRound(cell.spec.ctx, { ...cell.spec.roundSpec(-1 - w), label: `${cell.label} warm-up`, wantSample: true });
      cell.warmups += 1;
      if (result.capped) {
        cell.capped = true;
        break;
      }
      took(cell, result);
      if (result.wallMs > LONG_WARMUP_MS) break;
    }
  }
  const measuredStart = now();
  for (let r = 0; r < roundCount; r += 1) {
    const active = cells.filter((cell) => !cell.capped);
    if (active.length === 0) break;
    for (const cell of active) {
      const result = await runRound(cell.spec.ctx, { ...cell.spec.roundSpec(r), label: cell.label, wantSample: cell.sample === undefined });
      if (result.capped) {
        cell.capped = true;
        continue;
      }
      took(cell, result);
      cell.rounds.push(result);
    }
    const spent = now() - measuredStart;
    if (r + 1 >= MIN_ROUNDS && spent + spent / (r + 1) > CELL_BUDGET_MS * cells.length) break;
  }
  // Anomalies are counted per pool of sockets: cells on one pool share its count.
  const anomalies = new Map();
  for (const { spec } of cells) if (!anomalies.has(spec.ctx.pool)) anomalies.set(spec.ctx.pool, await spec.ctx.pool.settle());
  return cells.map(({ spec, warmups, rounds, capped, sample }) => {
    const { caseKey, n, distinctQueries, subscribeMs } = spec;
    const cell = cellResult({ caseKey, n, distinctQueries, subscribeMs, warmups, rounds, capped, anomalies: anomalies.get(spec.ctx.pool) });
    const figures = rounds.length === 0 ? '> cap (in a warm-up round)' : `${capped ? '> cap after ' : ''}CPU ${round1(cell.cpuMsPerWrite.median)} ms/write, p50 ${round1(cell.deliveryMs.p50)} ms, p99 ${round1(cell.deliveryMs.p99)} ms`;
    log(`  ${CASES[caseKey]}, ${n} sockets: ${figures} (${rounds.length} rounds${specs.length > 1 ? ', interleaved' : ''})`);
    return { cell, sample };
  });
}

/** One cell on its own. */
const runCell = async (spec) => (await runCells([spec]))[0];

function cellResult({ caseKey, n, distinctQueries, subscribeMs, warmups, rounds, capped, anomalies }) {
  const stat = (values) => (values.length ? { median: round3(median(values)), p95: round3(percentile(values, 0.95)), min: round3(Math.min(...values)), max: round3(Math.max(...values)) } : null);
  const latencies = rounds.flatMap((r) => r.latenciesMs);
  const perWrite = (key) => (rounds.length && rounds[0][key] !== null ? median(rounds.map((r) => r[key])) : null);
  return {
    case: caseKey,
    sockets: n,
    distinctQueries,
    subscribeAllMs: subscribeMs === undefined ? null : Math.round(subscribeMs),
    warmupRounds: warmups,
    rounds: rounds.length,
    capped,
    cpuMsPerWrite: stat(rounds.map((r) => r.cpuMs)),
    deliveryMs: latencies.length ? { p50: round3(percentile(latencies, 0.5)), p99: round3(percentile(latencies, 0.99)), samples: latencies.length } : { p50: null, p99: null, samples: 0 },
    // Each round's own p50, in order: interleaved rows are compared round by round (see pairedRatio).
    p50ByRound: rounds.map((r) => round3(r.p50Ms)),
    firstReceivedMs: stat(rounds.map((r) => r.firstReceivedMs)),
    allReceivedMs: stat(rounds.map((r) => r.allReceivedMs)),
    writeCallMs: stat(rounds.map((r) => r.writeMs)),
    dbQueriesPerWrite: perWrite('dbQueries'),
    evaluatedPerWrite: perWrite('evaluated'),
    emittedPerWrite: perWrite('emitted'),
    sanitizedPerWrite: perWrite('sanitized'),
    anomalies,
  };
}

/**
 * Subscribes every socket to `queryOf(i)` under `tag`; checks the acks, and that the server now
 * evaluates `expectedNew` more live queries (1 for a shared query, N for distinct ones: subscription
 * ids are per connection, so they do not tell).
 */
async function subscribeAll(ctx, tag, queryOf, expectedNew) {
  const before = ctx.strapi.$io.stats().liveQueries;
  const result = await ctx.pool.subscribe(tag, queryOf, { concurrency: 20 });
  if (result.failureCount > 0) throw new Error(`${result.failureCount} subscriptions failed: ${JSON.stringify(result.failures)}`);
  const added = ctx.strapi.$io.stats().liveQueries - before;
  if (added !== expectedNew) throw new Error(`${tag}: expected ${expectedNew} new live queries on the server, got ${added}`);
  return result.ms;
}

/** The five rows for N sockets, the overlapping and both plain ones interleaved. */
async function benchSockets(ctx, n, articles) {
  const { strapi, pool } = ctx;
  const cells = [];
  const publish = (documentId) => (title) => strapi.documents(ARTICLE).update({ documentId, data: { title }, status: 'published' });
  const writeTarget = publish(articles.target);

  log(`N = ${n}: connecting ${n} sockets to Strapi...`);
  const connected = await pool.connect(ctx.strapiUrl, n);
  await pool.syncClocks();
  log(`  connected in ${seconds(connected.ms)} s; subscribing all to one shared query...`);
  const strapiCtx = { ...ctx, server: 'strapi' };
  const plainCtx = { ...ctx, server: 'plain' };

  let subscribeMs = await subscribeAll(ctx, 'shared', sharedQuery, 1);
  cells.push((await runCell({ ctx: strapiCtx, caseKey: 'shared', n, distinctQueries: 1, subscribeMs, roundSpec: () => ({ targets: null, write: writeTarget, tag: 'shared' }) })).cell);

  log(`  subscribing ${n} distinct overlapping queries...`);
  subscribeMs = await subscribeAll(ctx, 'overlapping', overlappingQuery, n);
  await pool.unsubscribe('shared');
  // Plain Socket.IO: `io.emit` on the plugin's own Socket.IO server, to the same N sockets, of the
  // document and meta they received from the plugin (title changed per round); alone, and after
  // the same write, as an app without the plugin does for a change (a lifecycle hook, the seed
  // plugin), timed from the write's start like the plugin's rows.
  let payload;
  let eventId = 0;
  const emit = async (title) => {
    if (!payload) throw new Error('no payload was received from the plugin');
    eventId += 1;
    strapi.$io.server.emit(EVENT, { ...payload.document, title }, { ...payload.meta, eventId: `plain-${eventId}` });
  };
  // Its own article (the overlap target's twin, which no live query matches): writing the target
  // would have the plugin fan out to its N sockets in the middle of the plain round.
  const writePlainTarget = publish(articles.plainTarget);
  const writeThenEmit = async (title) => {
    await writePlainTarget(title);
    await emit(title);
  };
  const profile = n === Math.max(...SOCKET_COUNTS) ? await startProfile() : null;
  const compared = await runCells([
    { ctx: strapiCtx, caseKey: 'overlapping', n, distinctQueries: n, subscribeMs, roundSpec: () => ({ targets: null, write: writeTarget, tag: 'overlapping' }), onSample: (sample) => (payload = sample) },
    { ctx: plainCtx, caseKey: 'plain', n, distinctQueries: 0, roundSpec: () => ({ targets: null, write: emit, tag: null }) },
    { ctx: plainCtx, caseKey: 'plainAfterWrite', n, distinctQueries: 0, roundSpec: () => ({ targets: null, write: writeThenEmit, tag: null }) },
  ], { rounds: COMPARE_ROUNDS });
  await profile?.stop();

  log(`  subscribing ${n} distinct per-user queries...`);
  subscribeMs = await subscribeAll(ctx, 'perUser', perUserQuery, n);
  await pool.unsubscribe('overlapping');
  cells.push(
    (
      await runCell({
        ctx: strapiCtx,
        caseKey: 'perUser',
        n,
        distinctQueries: n,
        subscribeMs,
        roundSpec: (r) => {
          const owner = ownerOf(r < 0 ? r + 1000 : r, n);
          return { targets: [owner], write: publish(articles.owners[owner]), tag: 'perUser' };
        },
      })
    ).cell,
  );
  await pool.close();
  await strapi.$io.idle();
  cells.push(...compared.map(({ cell }) => cell));
  return cells;
}

// ---------------------------------------------------------------------------------------------
// Memory per live query and subscribe latency, with MEMORY_DOCS matching documents

async function benchMemory(ctx, subscribeTimes) {
  const { strapi, pool } = ctx;
  log(`memory: inserting ${MEMORY_DOCS.toLocaleString('en-US')} published articles...`);
  const seedStart = now();
  await insertPublishedDocuments(strapi, ARTICLE, MEMORY_DOCS, (i) => ({ title: `Mass ${i}`, slug: `mass-${i}`, body: `Body of mass article ${i}` }));
  const seedMs = now() - seedStart;
  const matching = await strapi.documents(ARTICLE).count({ filters: massQuery(0).filters });
  log(`  inserted in ${seconds(seedMs)} s; each query matches ${matching.toLocaleString('en-US')} documents`);
  if (matching !== MEMORY_DOCS) throw new Error(`the memory queries match ${matching} documents, expected ${MEMORY_DOCS}`);

  const socketCount = Math.ceil(MEMORY_QUERIES / QUERIES_PER_SOCKET);
  await pool.connect(ctx.strapiUrl, socketCount);
  // Warm-up: three queries subscribed and dropped again (JIT, caches).
  const warm = await pool.subscribe('memory-warm-up', (i) => (i === 0 ? [-1, -2, -3].map(massQuery) : null), { concurrency: 1 });
  if (warm.failureCount) throw new Error(`warm-up subscriptions failed: ${JSON.stringify(warm.failures)}`);
  await pool.unsubscribe('memory-warm-up');
  await strapi.$io.idle();

  fullGc();
  const before = process.memoryUsage();
  // Latency: one at a time, each socket's first queries.
  const sampleCount = Math.min(SUBSCRIBE_SAMPLES, MEMORY_QUERIES);
  const queriesOn = (from, to) => (i) => {
    const list = [];
    for (let k = Math.max(from, i * QUERIES_PER_SOCKET); k < Math.min(to, (i + 1) * QUERIES_PER_SOCKET); k += 1) list.push(massQuery(k));
    return list;
  };
  subscribeTimes.length = 0;
  const sampled = await pool.subscribe('memory', queriesOn(0, sampleCount), { concurrency: 1 });
  if (sampled.failureCount) throw new Error(`subscriptions failed: ${JSON.stringify(sampled.failures)}`);
  const serverMs = [...subscribeTimes];
  const clientMs = sampled.rttMs;
  const perQuery = median(clientMs);
  fullGc();
  const heapPerSample = (process.memoryUsage().heapUsed - before.heapUsed) / sampleCount;
  let total = MEMORY_QUERIES;
  // Fewer queries when K of them would take too long to subscribe or hold too much heap.
  if (perQuery * (MEMORY_QUERIES - sampleCount) > MEMORY_BUDGET_MS) total = sampleCount + Math.floor(MEMORY_BUDGET_MS / perQuery);
  if (heapPerSample * total > MEMORY_HEAP_BUDGET) total = Math.floor(MEMORY_HEAP_BUDGET / heapPerSample);
  total = Math.max(sampleCount, Math.min(MEMORY_QUERIES, total));
  log(`  subscribe: ${round1(median(serverMs))} ms server, ${round1(perQuery)} ms round trip (median of ${sampleCount}); subscribing ${total} distinct queries in all...`);
  if (total > sampleCount) {
    const rest = await pool.subscribe('memory', queriesOn(sampleCount, total), { concurrency: 5 });
    if (rest.failureCount) throw new Error(`subscriptions failed: ${JSON.stringify(rest.failures)}`);
  }
  await strapi.$io.idle();
  fullGc();
  const after = process.memoryUsage();
  const heapPerQuery = (after.heapUsed - before.heapUsed) / total;
  log(`  heap +${((after.heapUsed - before.heapUsed) / 2 ** 20).toFixed(1)} MiB for ${total} queries: ${Math.round(heapPerQuery).toLocaleString('en-US')} bytes per live query`);
  await pool.unsubscribe('memory');
  await pool.close();
  await strapi.$io.idle();
  return {
    matchingDocuments: matching,
    seedMs: Math.round(seedMs),
    queries: total,
    queriesAsked: MEMORY_QUERIES,
    sockets: socketCount,
    heapBytesBefore: before.heapUsed,
    heapBytesAfter: after.heapUsed,
    heapBytesPerQuery: Math.round(heapPerQuery),
    rssBytesPerQuery: Math.round((after.rss - before.rss) / total),
    subscribe: {
      samples: clientMs.length,
      serverMs: { p50: round3(median(serverMs)), p99: round3(percentile(serverMs, 0.99)), max: round3(Math.max(...serverMs)) },
      roundTripMs: { p50: round3(median(clientMs)), p99: round3(percentile(clientMs, 0.99)), max: round3(Math.max(...clientMs)) },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const num = (value, digits = 1) => (value === null || value === undefined ? '-' : Number(value).toLocaleString('en-US', { maximumFractionDigits: digits }));
const ratio = (a, b) => (a === null || b === null || a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 100) / 100);

/**
 * Two interleaved rows compared round by round: the median over cycles of a's round p50 over b's
 * (the rounds of one cycle ran back to back), with the lowest and highest. A round the machine
 * slowed down then weighs on both sides of its ratio instead of on one row's pooled p50.
 */
function pairedRatio(a, b) {
  if (!a?.p50ByRound?.length || !b?.p50ByRound?.length) return null;
  const count = Math.min(a.p50ByRound.length, b.p50ByRound.length);
  const ratios = Array.from({ length: count }, (_, i) => a.p50ByRound[i] / b.p50ByRound[i]);
  const round2 = (value) => Math.round(value * 100) / 100;
  return { median: round2(median(ratios)), min: round2(Math.min(...ratios)), max: round2(Math.max(...ratios)), pairs: count };
}

function targets(report) {
  const cell = (caseKey, n) => report.cells.find((c) => c.case === caseKey && c.sockets === n);
  const largest = Math.max(...report.socketCounts);
  const smallest = Math.min(...report.socketCounts);
  const perUser = cell('perUser', largest);
  const perUserOne = cell('perUser', smallest);
  const overlapping = cell('overlapping', largest);
  const shared = cell('shared', largest);
  const plain = cell('plain', largest);
  const plainAfterWrite = cell('plainAfterWrite', largest);
  const value = (c, get) => (c && !c.capped ? get(c) : null);
  return [
    {
      what: `per-user, ${largest} quer${largest === 1 ? 'y' : 'ies'}: CPU/write vs ${smallest} quer${smallest === 1 ? 'y' : 'ies'}`,
      ratio: ratio(value(perUser, (c) => c.cpuMsPerWrite.median), value(perUserOne, (c) => c.cpuMsPerWrite.median)),
      target: '≤ 1.5',
      limit: 1.5,
    },
    {
      what: `overlapping, ${largest} quer${largest === 1 ? 'y' : 'ies'}: CPU/write vs one shared query`,
      ratio: ratio(value(overlapping, (c) => c.cpuMsPerWrite.median), value(shared, (c) => c.cpuMsPerWrite.median)),
      target: '≤ 2',
      limit: 2,
    },
    ...[
      ['plain io.emit', plain],
      ['plain: same write, then io.emit', plainAfterWrite],
    ].flatMap(([name, baseline]) => {
      const paired = pairedRatio(value(overlapping, (c) => c), value(baseline, (c) => c));
      return [
        {
          what: `overlapping, ${largest} quer${largest === 1 ? 'y' : 'ies'}: p50 vs ${name}`,
          ratio: paired?.median ?? null,
          spread: paired ? `round by round, median of ${paired.pairs} (${paired.min}–${paired.max})` : null,
          target: '≤ 1.25',
          limit: 1.25,
        },
        {
          what: `  the same, p50 of all receipts of all rounds`,
          ratio: ratio(value(overlapping, (c) => c.deliveryMs.p50), value(baseline, (c) => c.deliveryMs.p50)),
          target: '≤ 1.25',
          limit: 1.25,
        },
      ];
    }),
  ];
}

function printReport(report) {
  const columns = [
    ['sockets', 7],
    ['', 31],
    ['queries', 7],
    ['rounds', 7],
    ['CPU ms/write', 13],
    ['p50 ms', 9],
    ['p99 ms', 9],
    ['1st recv ms', 12],
    ['all recv ms', 12],
    ['write ms', 9],
    ['db q/write', 11],
  ];
  const line = (values) => values.map((value, i) => (i === 1 ? `  ${String(value).padEnd(columns[i][1])}` : String(value).padStart(columns[i][1]))).join('');
  console.log(`\nLive queries on ${ARTICLE}: one write (update + publish of one article) per round, SQLite, one Public group`);
  console.log(`${report.rounds} measured rounds after ${report.warmupRounds} warm-ups (fewer where the cell's ${report.cellBudgetSeconds} s budget ran out); node ${report.node}, ${report.cpus} cores`);
  console.log('CPU: of this (Strapi) process, from the write\'s start until the last socket received it and $io.idle();');
  console.log('overlapping and plain rows interleaved, round by round; p50 / p99: write start → each');
  console.log('socket\'s receipt, over all rounds; 1st / all recv: until the first / last socket (medians); write: the documents.update() call alone (median)\n');
  console.log(line(columns.map(([name]) => name)));
  for (const n of report.socketCounts) {
    for (const caseKey of ['perUser', 'overlapping', 'shared', 'plain', 'plainAfterWrite']) {
      const c = report.cells.find((cell) => cell.case === caseKey && cell.sockets === n);
      if (!c) continue;
      if (c.capped && c.rounds === 0) {
        console.log(line([num(n, 0), CASES[caseKey], num(c.distinctQueries, 0), '0', '> cap', '> cap', '> cap', '> cap', '> cap', '-', '-']));
        continue;
      }
      console.log(
        line([
          num(n, 0),
          CASES[caseKey],
          caseKey.startsWith('plain') ? '-' : num(c.distinctQueries, 0),
          `${c.rounds}${c.capped ? '*' : ''}`,
          num(c.cpuMsPerWrite?.median),
          num(c.deliveryMs.p50),
          num(c.deliveryMs.p99),
          num(c.firstReceivedMs?.median),
          num(c.allReceivedMs?.median),
          caseKey === 'plain' ? '-' : num(c.writeCallMs?.median),
          caseKey === 'plain' ? '-' : num(c.dbQueriesPerWrite, 0),
        ]),
      );
    }
  }
  if (report.cells.some((c) => c.capped)) console.log(`* a round took over ${report.roundCapSeconds} s: the cell stopped there`);
  console.log('\nsubscribing all sockets (client-side wall time, 20 in flight per child process):');
  for (const c of report.cells.filter((cell) => cell.subscribeAllMs !== null && cell.case !== 'shared')) {
    console.log(`  ${CASES[c.case].padEnd(30)} ${num(c.sockets, 0).padStart(7)} queries: ${num(c.subscribeAllMs / 1000, 2)} s`);
  }
  const m = report.memory;
  if (m) {
    console.log(`\nWith ${num(m.matchingDocuments, 0)} matching published articles (inserted in ${num(m.seedMs / 1000)} s):`);
    console.log(`  memory per live query:   ${num(m.heapBytesPerQuery, 0)} bytes of heap (${num(m.queries, 0)} distinct queries${m.queries < m.queriesAsked ? `, not ${m.queriesAsked}: they would have taken too long or too much heap` : ''}; after − before, full GCs)`);
    console.log(`  subscribe latency:       server ${num(m.subscribe.serverMs.p50, 2)} ms p50 / ${num(m.subscribe.serverMs.p99, 2)} ms p99 (arrival → ack); loopback round trip ${num(m.subscribe.roundTripMs.p50, 2)} ms p50 / ${num(m.subscribe.roundTripMs.p99, 2)} ms p99 (${m.subscribe.samples} one at a time)`);
  }
  console.log('\nTargets (issue 7):');
  for (const t of report.targets) {
    const verdict = t.ratio === null ? 'n/a' : t.ratio <= t.limit ? 'met' : 'NOT met';
    console.log(`  ${t.what.padEnd(68)} ${String(t.ratio ?? '-').padStart(8)}  (target ${t.target}: ${verdict})${t.spread ? `, ${t.spread}` : ''}`);
  }
  if (m) {
    console.log(`  ${'memory per live query'.padEnd(68)} ${`${num(m.heapBytesPerQuery / 1024, 1)} KB`.padStart(8)}  (target ≤ 2 KB: ${m.heapBytesPerQuery <= 2048 ? 'met' : 'NOT met'})`);
    console.log(`  ${'subscribe latency, server p50'.padEnd(68)} ${`${num(m.subscribe.serverMs.p50, 2)} ms`.padStart(8)}  (target ≤ 5 ms: ${m.subscribe.serverMs.p50 <= 5 ? 'met' : 'NOT met'})`);
  }
  const anomalies = report.cells.filter((c) => Object.values(c.anomalies ?? {}).some((v) => v > 0));
  console.log(`\nanomalies (lost, duplicated, unexpected or misrouted events): ${anomalies.length === 0 ? 'none' : ''}`);
  for (const c of anomalies) console.log(`  ${CASES[c.case]}, ${c.sockets} sockets: ${JSON.stringify(c.anomalies)}`);
  console.log(`clock offsets of the client processes (corrected): ${report.clockOffsetsMs.map((o) => `${o} ms`).join(', ')}`);
  console.log(`Strapi warnings / errors logged: ${report.strapiLogs.warn} / ${report.strapiLogs.error}`);
  for (const sample of report.strapiLogs.samples) console.log(`  ${sample.slice(0, 160)}`);
  console.log(`plugin build measured: ${report.pluginBuild ? `${report.pluginBuild.sha256} (built ${report.pluginBuild.builtAt})` : 'unknown'}`);
  console.log(`run took ${report.durationSeconds} s; JSON in ${path.relative(process.cwd(), resultsFile)}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const largest = Math.max(...SOCKET_COUNTS);
  const fdLimit = checkFileDescriptors(largest + 1024, `${largest} sockets (one descriptor each in the Strapi process)`);
  log(`booting the example app (ulimit -n ${fdLimit})...`);
  const build = pluginBuild();
  const app = await bootStrapi({ seed: false });
  const { strapi } = app;
  const children = Math.ceil(Math.max(largest, Math.ceil(MEMORY_QUERIES / QUERIES_PER_SOCKET)) / PER_CHILD);
  const pool = createSocketPool({ children, perChild: PER_CHILD });
  try {
    const dbQueries = countQueries(strapi);
    const subscribeTimes = timeSubscribes(strapi.$io.server);
    log(`inserting ${largest.toLocaleString('en-US')} owner articles and the overlap target...`);
    const owners = await insertPublishedDocuments(strapi, ARTICLE, largest, (i) => ({ title: `Owner ${i}`, slug: `owner-${i}`, body: `Article of owner ${i}` }));
    const [target] = await insertPublishedDocuments(strapi, ARTICLE, 1, () => ({ title: 'Overlap target', slug: OVERLAP_SLUG, body: 'Every overlapping query matches this one' }));
    const [plainTarget] = await insertPublishedDocuments(strapi, ARTICLE, 1, () => ({ title: 'Plain target', slug: 'plain-target', body: 'The plain rows write this one; no live query matches it' }));
    const ctx = { strapi, strapiUrl: app.url, pool, dbQueries };
    const clockOffsets = await pool.syncClocks();

    const cells = [];
    for (const n of SOCKET_COUNTS) cells.push(...(await benchSockets(ctx, n, { owners, target, plainTarget })));
    const memory = MEMORY_DOCS > 0 ? await benchMemory(ctx, subscribeTimes) : null;

    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      pluginBuild: build,
      socketCounts: SOCKET_COUNTS,
      rounds: ROUNDS,
      warmupRounds: WARMUP,
      roundCapSeconds: ROUND_CAP_MS / 1000,
      cellBudgetSeconds: CELL_BUDGET_MS / 1000,
      socketsPerChild: PER_CHILD,
      queries: {
        perUser: perUserQuery('<i>').filters,
        overlapping: overlappingQuery('<i>').filters,
        shared: sharedQuery().filters,
        memory: massQuery('<k>').filters,
      },
      cells,
      memory,
      clockOffsetsMs: clockOffsets,
      strapiLogs: app.logs,
      durationSeconds: seconds(now() - startedAt),
    };
    report.targets = targets(report);
    mkdirSync(path.dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    printReport(report);
  } finally {
    pool.stop();
    await app.stop();
  }
}

if (typeof globalThis.gc !== 'function') {
  // Memory per query needs full collections: run again with --expose-gc.
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
} else {
  runBench(main, RUN_TIMEOUT_MS);
}

/**
 * Fan-out benchmark: how long one content change takes to reach 1,000 connected sockets through
 * the plugin, next to a bare Socket.IO server emitting the same payload to the same number of
 * sockets. Run with `npm run bench` at the root (builds first) or `node bench/run.mjs` after a build.
 *
 * Everything runs in this one process on loopback: Strapi, the bare Socket.IO server and all the
 * socket.io-client sockets. Both rows therefore pay the same client-side cost (parsing 1,000
 * frames), and the ratio shows what the plugin adds on top of a plain `io.emit`: the database
 * write, the read-back of the published document, one sanitize per principal group.
 *
 * File descriptors: each phase holds 1,000 client and 1,000 server-side sockets (the phases run one
 * after the other), so `ulimit -n` must be well above 2,000; the script warns below 4,096.
 *
 * Tunables (environment): BENCH_SOCKETS (1000), BENCH_ROUNDS (20), BENCH_WARMUP (3).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import { bootStrapi, checkFileDescriptors as checkLimit, rootDir, runBench, withTimeout } from './lib/strapi.mjs';

const resultsFile = path.join(rootDir, 'bench', 'results', 'fanout.json');

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
// Concurrent handshakes per batch: enough to be quick, few enough not to starve 2 cores.
const CONNECT_BATCH = 50;
const CONNECT_TIMEOUT_MS = 10_000;
// One round should take tens of milliseconds; this only stops a lost event from hanging the run.
const ROUND_TIMEOUT_MS = 10_000;
// The whole run must finish well under 3 minutes; past this we print why and exit non-zero.
const RUN_TIMEOUT_MS = 170_000;
if (![SOCKETS, ROUNDS].every((n) => Number.isInteger(n) && n >= 1) || !Number.isInteger(WARMUP) || WARMUP < 0) {
  throw new Error('BENCH_SOCKETS and BENCH_ROUNDS must be positive integers, BENCH_WARMUP a non-negative one');
}
const EVENT = 'article:update';
const ARTICLE = 'api::article.article';

// ---------------------------------------------------------------------------------------------
// Small utilities

const round1 = (ms) => Math.round(ms * 10) / 10;

/** Nearest-rank percentile (p in 0..1) of a list of numbers. */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

const summarize = (samples) => ({ medianMs: round1(percentile(samples, 0.5)), p95Ms: round1(percentile(samples, 0.95)), samplesMs: samples.map(round1) });

/** Warns when the soft file-descriptor limit cannot hold both ends of every socket. */
const checkFileDescriptors = () => checkLimit(4096, `${SOCKETS * 2}+ sockets`);

// ---------------------------------------------------------------------------------------------
// Strapi: principals

/** An authenticated-role user and a JWT issued by users-permissions itself (REST login is rate limited). */
async function createUserJwt(strapi) {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const username = `bench${Date.now().toString(36)}`;
  const user = await strapi.plugin('users-permissions').service('user').add({
    username,
    email: `${username}@example.com`,
    password: 'Password123!',
    provider: 'local',
    confirmed: true,
    blocked: false,
    role: role.id,
  });
  return strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
}

async function createReadOnlyToken(strapi) {
  const token = await strapi.service('admin::api-token').create({
    name: `bench-${Date.now().toString(36)}`,
    description: 'fan-out benchmark',
    type: 'read-only',
    lifespan: null,
  });
  return token.accessKey;
}

/** The three principal groups, each with its handshake `auth` (undefined = Public). */
async function principalGroups(strapi) {
  return [
    { name: 'public', auth: undefined },
    { name: 'jwt (authenticated)', auth: { strategy: 'jwt', token: await createUserJwt(strapi) } },
    { name: 'api-token (read-only)', auth: { strategy: 'api-token', token: await createReadOnlyToken(strapi) } },
  ];
}

/** Splits `total` sockets over the groups as evenly as possible (334/333/333). */
function splitAcrossGroups(groups, total) {
  return groups.map((group, index) => ({ ...group, count: Math.floor(total / groups.length) + (index < total % groups.length ? 1 : 0) }));
}

// ---------------------------------------------------------------------------------------------
// Sockets

function connectOne(url, auth) {
  const socket = ioClient(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: CONNECT_TIMEOUT_MS, ...(auth ? { auth } : {}) });
  const connected = new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(new Error(`socket connect failed: ${error.message}`));
    });
  });
  return withTimeout(connected, CONNECT_TIMEOUT_MS + 1000, 'socket connect').catch((error) => {
    socket.close();
    throw error;
  });
}

/** Connects `count` sockets per group, in batches; each socket remembers its group's name. */
async function connectAll(url, groups) {
  const plan = groups.flatMap((group) => Array.from({ length: group.count }, () => group));
  const sockets = [];
  for (let start = 0; start < plan.length; start += CONNECT_BATCH) {
    const batch = plan.slice(start, start + CONNECT_BATCH);
    const connected = await Promise.all(batch.map((group) => connectOne(url, group.auth)));
    connected.forEach((socket, i) => {
      socket.groupName = batch[i].name;
      sockets.push(socket);
    });
  }
  return sockets;
}

function closeAll(sockets) {
  for (const socket of sockets) socket.close();
}

/**
 * Listens for `event` on every socket and times rounds: a round starts just before `trigger()` and
 * ends when every socket has received the event carrying this round's title. Anything else that
 * arrives (a second copy, an event of another round, a lost connection) is counted as an anomaly.
 */
function createFanoutProbe(sockets, event) {
  const anomalies = { duplicates: 0, unexpected: 0, disconnects: 0, ioErrors: 0, privateFieldLeaks: 0, roundsWithSeveralEventIds: 0 };
  const firstPayloadByGroup = {};
  let current = null;

  sockets.forEach((socket, index) => {
    socket.on(event, (document, meta) => onEvent(socket, index, document, meta));
    socket.on('disconnect', () => { if (!socket.closing) anomalies.disconnects += 1; });
    socket.on('io:error', () => { anomalies.ioErrors += 1; });
  });

  function onEvent(socket, index, document, meta) {
    if (document && 'internalNotes' in document) anomalies.privateFieldLeaks += 1;
    if (!current || document?.title !== current.title) return void (anomalies.unexpected += 1);
    if (current.seen[index]) return void (anomalies.duplicates += 1);
    current.seen[index] = 1;
    current.eventIds.add(meta?.eventId);
    firstPayloadByGroup[socket.groupName] ??= { document, meta };
    current.remaining -= 1;
    if (current.remaining === 0) current.finish(performance.now());
  }

  return {
    anomalies,
    firstPayloadByGroup,

    /** Runs one round; resolves with { deliveryMs, triggerMs }. */
    async measure(title, trigger) {
      let finish;
      const done = new Promise((resolve) => { finish = resolve; });
      current = { title, remaining: sockets.length, seen: new Uint8Array(sockets.length), eventIds: new Set(), finish };
      const start = performance.now();
      await trigger();
      const triggerMs = performance.now() - start;
      const doneAt = await withTimeout(done, ROUND_TIMEOUT_MS, `round "${title}" (${current.remaining} sockets still waiting)`);
      if (current.eventIds.size !== 1) anomalies.roundsWithSeveralEventIds += 1;
      return { deliveryMs: doneAt - start, triggerMs };
    },
  };
}

/** `count` rounds with fresh titles; returns their delivery and trigger times. */
async function runRounds(label, probe, trigger, count) {
  const delivery = [];
  const triggerMs = [];
  for (let i = 0; i < count; i += 1) {
    const title = `${label} round ${i} ${Date.now()}`;
    const sample = await probe.measure(title, () => trigger(title));
    delivery.push(sample.deliveryMs);
    triggerMs.push(sample.triggerMs);
  }
  return { delivery, trigger: triggerMs };
}

// ---------------------------------------------------------------------------------------------
// The two phases

/** Plugin phase: a Document Service update of a published article → `article:update` everywhere. */
async function benchPlugin(app, sockets) {
  const { strapi } = app;
  const probe = createFanoutProbe(sockets, EVENT);
  const article = await strapi.documents(ARTICLE).findFirst({ status: 'published' });
  if (!article) throw new Error('The seeded app has no published article');

  const update = (title) => strapi.documents(ARTICLE).update({ documentId: article.documentId, data: { title }, status: 'published' });
  await runRounds('plugin warm-up', probe, update, WARMUP);
  await strapi.$io.idle();
  const statsBefore = strapi.$io.stats();
  const samples = await runRounds('plugin', probe, update, ROUNDS);
  await strapi.$io.idle();
  const statsAfter = strapi.$io.stats();
  // After a round trip on every socket, anything the server sent has been read: late duplicates show up now.
  await withTimeout(Promise.all(sockets.map((socket) => socket.timeout(5000).emitWithAck('io:ping'))), 10_000, 'io:ping settle');

  return {
    samples,
    probe,
    sanitizePerEvent: (statsAfter.sanitized - statsBefore.sanitized) / ROUNDS,
    emittedPerEvent: (statsAfter.emitted - statsBefore.emitted) / ROUNDS,
  };
}

/** Baseline phase: a bare Socket.IO server, `io.emit` of the payload the Public group received. */
async function benchPlain(groups, payload) {
  const httpServer = http.createServer();
  const io = new Server(httpServer);
  await new Promise((resolve, reject) => httpServer.listen(0, '127.0.0.1', resolve).once('error', reject));
  const url = `http://127.0.0.1:${httpServer.address().port}`;
  // Same sockets and split as the plugin phase; the bare server ignores the auth field.
  const sockets = await connectAll(url, groups);
  try {
    const probe = createFanoutProbe(sockets, EVENT);
    let eventId = 0;
    const emit = (title) => {
      eventId += 1;
      io.emit(EVENT, { ...payload.document, title }, { ...payload.meta, eventId: String(eventId) });
    };
    await runRounds('plain warm-up', probe, emit, WARMUP);
    const samples = await runRounds('plain', probe, emit, ROUNDS);
    return { samples, probe };
  } finally {
    markClosing(sockets);
    closeAll(sockets);
    io.close();
    await new Promise((resolve) => httpServer.close(() => resolve()));
  }
}

const markClosing = (sockets) => sockets.forEach((socket) => { socket.closing = true; });

// ---------------------------------------------------------------------------------------------
// Report

function buildReport({ groups, plugin, plain, logs, seconds }) {
  const pluginStats = summarize(plugin.samples.delivery);
  const plainStats = summarize(plain.samples.delivery);
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    sockets: SOCKETS,
    groups: Object.fromEntries(groups.map((group) => [group.name, group.count])),
    warmupRounds: WARMUP,
    rounds: ROUNDS,
    plugin: { ...pluginStats, updateCallMedianMs: round1(percentile(plugin.samples.trigger, 0.5)) },
    plain: plainStats,
    ratioMedian: Math.round((pluginStats.medianMs / plainStats.medianMs) * 100) / 100,
    sanitizePerEvent: plugin.sanitizePerEvent,
    emittedPerEvent: plugin.emittedPerEvent,
    anomalies: { plugin: plugin.probe.anomalies, plain: plain.probe.anomalies },
    payloadKeysByGroup: Object.fromEntries(
      Object.entries(plugin.probe.firstPayloadByGroup).map(([group, { document }]) => [group, Object.keys(document).sort()]),
    ),
    strapiLogs: logs,
    durationSeconds: seconds,
  };
}

function printReport(report) {
  const row = (label, median, p95) => `${label.padEnd(34)}${String(median).padStart(10)}${String(p95).padStart(10)}`;
  const split = Object.entries(report.groups).map(([name, count]) => `${count} ${name}`).join(', ');
  console.log(`\nFan-out of one ${EVENT} to ${report.sockets} sockets (${split})`);
  console.log(`${report.rounds} measured rounds after ${report.warmupRounds} warm-up; node ${report.node}, ${report.cpus} cores\n`);
  console.log(row('', 'median ms', 'p95 ms'));
  console.log(row('plugin (update() → all received)', report.plugin.medianMs, report.plugin.p95Ms));
  console.log(row('plain Socket.IO (io.emit → all)', report.plain.medianMs, report.plain.p95Ms));
  console.log(`\nratio plugin/plain (median):       ${report.ratioMedian}`);
  console.log(`update() call alone (median):       ${report.plugin.updateCallMedianMs} ms`);
  console.log(`sanitize calls per event:           ${report.sanitizePerEvent} (expected ${Object.keys(report.groups).length}, one per group)`);
  console.log(`events emitted per change:          ${report.emittedPerEvent}`);
  console.log(`anomalies (plugin):                 ${JSON.stringify(report.anomalies.plugin)}`);
  console.log(`anomalies (plain):                  ${JSON.stringify(report.anomalies.plain)}`);
  console.log(`Strapi warnings / errors logged:    ${report.strapiLogs.warn} / ${report.strapiLogs.error}`);
  for (const sample of report.strapiLogs.samples) console.log(`  ${sample.slice(0, 160)}`);
  console.log(`run took ${report.durationSeconds} s; JSON in ${path.relative(process.cwd(), resultsFile)}\n`);
}

function writeReport(report) {
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = performance.now();
  const fdLimit = checkFileDescriptors();
  console.log(`booting the example app (ulimit -n ${fdLimit})...`);
  const app = await bootStrapi();
  let pluginSockets = [];
  try {
    const groups = splitAcrossGroups(await principalGroups(app.strapi), SOCKETS);
    console.log(`connecting ${SOCKETS} sockets to the plugin...`);
    pluginSockets = await connectAll(app.url, groups);
    console.log('measuring the plugin...');
    const plugin = await benchPlugin(app, pluginSockets);
    markClosing(pluginSockets);
    closeAll(pluginSockets);

    console.log(`connecting ${SOCKETS} sockets to a bare Socket.IO server and measuring it...`);
    const publicPayload = plugin.probe.firstPayloadByGroup.public;
    if (!publicPayload) throw new Error('The Public group received no article:update');
    const plain = await benchPlain(groups, publicPayload);

    const seconds = Math.round((performance.now() - startedAt) / 100) / 10;
    const report = buildReport({ groups, plugin, plain, logs: app.logs, seconds });
    writeReport(report);
    printReport(report);
  } finally {
    markClosing(pluginSockets);
    closeAll(pluginSockets);
    await app.stop();
  }
}

runBench(main, RUN_TIMEOUT_MS);

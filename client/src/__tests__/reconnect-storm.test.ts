import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { bootExampleApp, startBalancer } from 'example-strapi-app/testing';
import type { Balancer, ExampleApp } from 'example-strapi-app/testing';
import { createLiveClient } from '../live-client';
import type { LiveClient } from '../live-client';
import type { Logger } from '../logger';
import type { LiveObserver } from '../observers/live-observer';
import type { AckError, StrapiDocument } from '../protocol';
import type { CollectionOptions } from '../query-options';
import { restQueryString } from '../rest';
import { ARTICLE, CATEGORY } from './live-harness';

/**
 * A reconnect storm: N live clients (1,000 by default, STORM_CLIENTS=<n>) behind a load balancer,
 * each with one live list of articles (10 distinct queries, N/10 clients each). The server stops
 * (strapi.destroy: transports closed, so every client sees 'transport close' and keeps trying),
 * a new server boots on the same SQLite file and the balancer points at it: every client comes
 * back at once (a new session: it subscribes and reads REST again) while articles are written.
 * Afterwards every client is connected and live, without error, and shows exactly what a fresh REST
 * read of its query returns; none was refused by the per-socket message limits.
 *
 * Prints: time from the new server listening until all are connected and live, the longest
 * event-loop stall (server, balancer and clients share this process), REST reads, memory, open
 * file descriptors (4 a client here: client, balancer both ways, server; check `ulimit -n`).
 * About 25 s in all on 2 cores, the storm itself about 10 s: one core, busy with Strapi's REST reads
 * (STORM_PROFILE=<file>.cpuprofile writes a CPU profile of the storm). Other knobs: STORM_DELAY and
 * STORM_DELAY_MAX (reconnection backoff), STORM_DOWNTIME, STORM_TRANSPORTS, STORM_DEADLINE.
 */

const CLIENTS = Number(process.env.STORM_CLIENTS ?? 1000);
/** From the new server listening: every client live and equal to REST by then. */
const DEADLINE_MS = Number(process.env.STORM_DEADLINE ?? 60_000);
/** Socket.IO's reconnection backoff of the clients: short, so that they all come back together. */
const RECONNECTION_DELAY = Number(process.env.STORM_DELAY ?? 100);
const RECONNECTION_DELAY_MAX = Number(process.env.STORM_DELAY_MAX ?? 1000);
/** How long no server listens between the stop and the new boot (clients keep trying meanwhile). */
const DOWNTIME_MS = Number(process.env.STORM_DOWNTIME ?? 2000);
/** The clients' transports (STORM_TRANSPORTS=polling,websocket for Socket.IO's default upgrade). */
const TRANSPORTS = (process.env.STORM_TRANSPORTS ?? 'websocket').split(',') as ('polling' | 'websocket')[];

type Article = StrapiDocument & { title: string; body: string | null; category?: { slug: string } | null };

/** 10 distinct live queries over the same articles: filters, relations, sorts, pages, fields. */
const QUERIES: CollectionOptions[] = [
  { sort: 'title' },
  { filters: { category: { slug: { $eq: 'news' } } }, sort: 'title:desc', populate: ['category'] },
  { filters: { title: { $startsWith: 'storm-a' } }, sort: 'title' },
  { filters: { body: { $eq: 'one' } }, sort: ['title:desc'] },
  { sort: 'title', pagination: { page: 1, pageSize: 5 } },
  { filters: { $or: [{ category: { slug: { $ne: 'news' } } }, { category: { documentId: { $null: true } } }] }, sort: ['body:desc', 'title'] },
  { fields: ['title'], sort: 'title:desc' },
  { filters: { title: { $containsi: 'B' } }, sort: 'title' },
  { sort: 'title:desc', pagination: { page: 2, pageSize: 4 } },
  { filters: { category: { slug: { $in: ['tutorials', 'releases'] } } }, sort: 'title', populate: ['category'] },
];

interface StormClient {
  live: LiveClient;
  observer: LiveObserver<Article[]>;
  query: number;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'reconnect-storm-'));
const env = { DATABASE_FILENAME: path.join(tmp, 'data.db') };
const clients: StormClient[] = [];
const stops: (() => void)[] = [];
let balancer: Balancer | undefined;
let app: ExampleApp | undefined;

afterAll(async () => {
  stops.forEach((stop) => stop());
  clients.forEach(({ live }) => live.close());
  await balancer?.close();
  await app?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const ms = (ns: number) => Math.round(ns / 1e6);
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const sleep = (time: number) => new Promise((resolve) => setTimeout(resolve, time));

/** What clients log, counted by message (the first words), with the errors kept. */
function createCountingLogger() {
  const counts = new Map<string, number>();
  const errors: string[] = [];
  const count = (level: string) => (message: unknown) => {
    const key = `${level}: ${String(message).replace(/[\w-]{20,}/g, '…').slice(0, 70)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (level === 'error' && errors.length < 20) errors.push(String(message));
  };
  const logger: Logger = { debug() {}, info: count('info'), warn: count('warn'), error: count('error') };
  return { logger, counts, errors };
}

/** Counts the clients' REST reads: list reads of /api/articles, and reads of one article. */
function createRestCounter() {
  const counter = {
    lists: 0,
    ones: 0,
    failed: 0,
    /** List reads by query string. */
    byQuery: new Map<string, number>(),
    /** Why reads failed (HTTP status or error), from when {@link since} was set. */
    failures: new Map<string, number>(),
    since: Infinity,
    fetch: (async (input, init) => {
      const { pathname, search } = new URL(String(input));
      if (pathname === '/api/articles') {
        counter.lists += 1;
        counter.byQuery.set(search, (counter.byQuery.get(search) ?? 0) + 1);
      } else if (pathname.startsWith('/api/articles/')) counter.ones += 1;
      try {
        const response = await fetch(input, init);
        if (!response.ok) fail(`HTTP ${response.status}`);
        return response;
      } catch (error) {
        fail(`${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message ?? ''}`);
        throw error;
      }
    }) as typeof fetch,
  };
  const fail = (reason: string) => {
    counter.failed += 1;
    if (performance.now() >= counter.since) counter.failures.set(reason, (counter.failures.get(reason) ?? 0) + 1);
  };
  return counter;
}

const isUp = ({ live, observer }: StormClient) => {
  const result = observer.getCurrentResult();
  return live.status.get().state === 'connected' && result.isLive && !result.isFetching && result.error === null && result.status === 'success';
};

/** Polls until `done()` or the deadline; returns when it became true (performance.now()), or throws. */
async function waitUntil(what: string, done: () => boolean, deadline: number, every = 50): Promise<number> {
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
  return performance.now();
}

it(`${CLIENTS} clients reconnecting at once after a server restart all end live, with what REST returns`, { timeout: 240_000 }, async () => {
  const wallStart = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // The longest garbage collection pause, per phase (a stall may be one).
  let longestGc = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGc = Math.max(longestGc, entry.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const memory = { start: process.memoryUsage().rss, peakRss: 0, peakHeap: 0, peakFds: 0 };
  /** Open file descriptors of this process (Linux), against `ulimit -n`: 4 a client here (client, balancer both ways, server). */
  const openFds = () => {
    try {
      return readdirSync('/proc/self/fd').length;
    } catch {
      return 0;
    }
  };
  const sampleMemory = () => {
    const { rss, heapUsed } = process.memoryUsage();
    memory.peakRss = Math.max(memory.peakRss, rss);
    memory.peakHeap = Math.max(memory.peakHeap, heapUsed);
    memory.peakFds = Math.max(memory.peakFds, openFds());
  };

  // The first server, on a SQLite file of this test's own (the second one opens it again).
  const bootStart = performance.now();
  app = await bootExampleApp({ seed: false, env });
  const firstBootMs = performance.now() - bootStart;
  const articles = () => app!.strapi.documents(ARTICLE);
  const categories: Record<string, string> = {};
  for (const slug of ['news', 'tutorials', 'releases']) categories[slug] = (await app.strapi.documents(CATEGORY).create({ data: { name: slug, slug } })).documentId;
  const letters = ['a', 'B', 'c', 'd', 'E', 'b'];
  let serial = 0;
  const newArticle = () => {
    serial += 1;
    return {
      title: `storm-${letters[serial % letters.length]}${String(serial).padStart(3, '0')}`,
      // (null: no body, no category; Strapi's input types do not say null.)
      body: [null, 'one', 'two'][serial % 3] as string,
      category: ([categories.news, categories.tutorials, categories.releases, null][serial % 4] ?? null) as string,
    };
  };
  const known: string[] = [];
  for (let i = 0; i < 36; i += 1) known.push((await articles().create({ data: newArticle(), status: 'published' })).documentId);

  balancer = await startBalancer(app.url);
  const rest = createRestCounter();
  const logs = createCountingLogger();
  const serverErrors: AckError[] = [];
  let reconnectAttempts = 0;
  let stormStart = 0;
  const stormFailures = new Map<string, number>();
  const connectsPerSecond = new Map<number, number>();
  const attemptsPerSecond = new Map<number, number>();

  // Every client on its own connection (createLiveClient opens one per client), through the balancer.
  const connectStart = performance.now();
  loop.reset();
  for (let i = 0; i < CLIENTS; i += 1) {
    const live = createLiveClient({
      url: balancer.url,
      logger: logs.logger,
      fetch: rest.fetch,
      socketOptions: { transports: TRANSPORTS, reconnectionDelay: RECONNECTION_DELAY, reconnectionDelayMax: RECONNECTION_DELAY_MAX },
    });
    live.on('io:error', (error) => serverErrors.push(error));
    live.socket.io.on('reconnect_attempt', () => {
      reconnectAttempts += 1;
      if (!stormStart) return;
      const key = Math.floor((performance.now() - stormStart) / 1000);
      attemptsPerSecond.set(key, (attemptsPerSecond.get(key) ?? 0) + 1);
    });
    live.socket.on('connect_error', (error) => {
      if (!stormStart) return;
      const key = `${Math.floor((performance.now() - stormStart) / 1000)}s ${error.message}`;
      stormFailures.set(key, (stormFailures.get(key) ?? 0) + 1);
    });
    live.socket.on('connect', () => {
      if (!stormStart) return;
      const key = Math.floor((performance.now() - stormStart) / 1000);
      connectsPerSecond.set(key, (connectsPerSecond.get(key) ?? 0) + 1);
    });
    const query = i % QUERIES.length;
    const observer = live.collection<Article>(ARTICLE, QUERIES[query]);
    stops.push(observer.subscribe(() => {}));
    clients.push({ live, observer, query });
    // Creating a client is synchronous work: let the loop breathe, so that its stall measures the system.
    if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
  }
  await waitUntil('every client live the first time', () => clients.every(isUp), performance.now() + 120_000, 100);
  const initial = { ms: performance.now() - connectStart, stallMs: ms(loop.max), gcMs: Math.round(longestGc), lists: rest.lists, rss: process.memoryUsage().rss };
  sampleMemory();

  // Writes just before the stop: the clients may or may not get their events before it goes.
  known.push((await articles().create({ data: newArticle(), status: 'published' })).documentId);
  await articles().update({ documentId: known[0]!, data: { title: 'storm-a000 renamed before the stop' }, status: 'published' });
  await articles().update({ documentId: known[1]!, data: { category: categories.news! }, status: 'published' });
  await articles().delete({ documentId: known.splice(2, 1)[0]! });

  // The restart: strapi.destroy closes the transports; every client sees 'transport close'.
  const stopStart = performance.now();
  await app.stop();
  app = undefined;
  await waitUntil('every client to see the server go', () => clients.every(({ live }) => live.status.get().state === 'reconnecting'), performance.now() + 20_000);
  const allSawStopMs = performance.now() - stopStart;
  await sleep(DOWNTIME_MS);
  const attemptsBeforeBoot = reconnectAttempts;

  // The new server on the same database, no seed. Clients keep knocking on the balancer meanwhile.
  loop.reset();
  const secondBootStart = performance.now();
  app = await bootExampleApp({ seed: false, env });
  const secondBootMs = performance.now() - secondBootStart;
  const bootStallMs = ms(loop.max);
  let serverConnections = 0;
  app.strapi.$io.server.on('connection', () => (serverConnections += 1));
  const restBefore = { lists: rest.lists, ones: rest.ones, failed: rest.failed, byQuery: new Map(rest.byQuery) };
  const attemptsWhileDown = reconnectAttempts;
  loop.reset();
  const listening = performance.now();
  stormStart = listening;
  longestGc = 0;
  rest.since = listening;
  const profiler = process.env.STORM_PROFILE ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  balancer.pointTo(app.url);
  const deadline = listening + DEADLINE_MS;

  // Writes on the new server while the clients come back: creates, renames, category moves,
  // unpublishes, deletes, about one every 100 ms for the first 3 s.
  let writesDone = 0;
  const writes: Promise<void> = (async () => {
    const steps: (() => Promise<unknown>)[] = [];
    for (let i = 0; i < 6; i += 1) {
      steps.push(async () => known.push((await articles().create({ data: newArticle(), status: 'published' })).documentId));
      steps.push(() => articles().update({ documentId: known[(i * 5) % known.length]!, data: { title: `storm-b${i}${i} renamed` }, status: 'published' }));
      steps.push(() => articles().update({ documentId: known[(i * 7 + 3) % known.length]!, data: { category: [categories.news, categories.releases, null][i % 3] ?? null, body: 'one' }, status: 'published' }));
      steps.push(() => articles().unpublish({ documentId: known[(i * 11 + 4) % known.length]! }));
      steps.push(async () => {
        const [documentId] = known.splice((i * 3 + 1) % known.length, 1);
        await articles().delete({ documentId: documentId! });
      });
    }
    for (const step of steps) {
      await step();
      writesDone += 1;
      await sleep(100);
    }
  })();

  const progress = { firstConnected: 0, allConnected: 0, allLive: 0, writesWhileComing: 0 };
  let lastLog = listening;
  while (!progress.allLive) {
    const now = performance.now();
    let connected = 0;
    let up = 0;
    for (const client of clients) {
      if (client.live.status.get().state !== 'connected') continue;
      connected += 1;
      if (isUp(client)) up += 1;
    }
    if (connected > 0 && !progress.firstConnected) progress.firstConnected = now;
    if (connected === CLIENTS && !progress.allConnected) {
      progress.allConnected = now;
      progress.writesWhileComing = writesDone;
    }
    if (up === CLIENTS) progress.allLive = now;
    sampleMemory();
    if (now - lastLog > 5_000) {
      lastLog = now;
      console.info(`  +${Math.round(now - listening)} ms: ${connected} connected, ${up} live, ${rest.lists - restBefore.lists} list reads`);
    }
    if (now > deadline) {
      const states = new Map<string, number>();
      for (const { live, observer } of clients) {
        const result = observer.getCurrentResult();
        const key = `${live.status.get().state} ${result.status} live=${result.isLive} fetching=${result.isFetching} ${result.error?.code ?? ''}`;
        states.set(key, (states.get(key) ?? 0) + 1);
      }
      throw new Error(`not every client live ${DEADLINE_MS} ms after the new server listened: ${JSON.stringify([...states])}\nlogs: ${JSON.stringify([...logs.counts])}`);
    }
    await sleep(50);
  }
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.STORM_PROFILE!, JSON.stringify(profile));
    profiler.disconnect();
  }
  const storm = {
    gcMs: Math.round(longestGc),
    stallMs: ms(loop.max),
    p99Ms: ms(loop.percentile(99)),
    lists: rest.lists - restBefore.lists,
    ones: rest.ones - restBefore.ones,
  };
  await writes;
  await app.strapi.$io.idle();

  // Every client equals a fresh REST read of its query (read once per distinct query), data and pages.
  // (Strapi serves 25 per page by default: a list the SDK reads whole is read here in one page of 100.)
  const fresh = async (query: CollectionOptions) => {
    const qs = restQueryString({ ...(query.pagination ? {} : { pagination: { page: 1, pageSize: 100 } }), ...query } as Record<string, unknown>);
    const response = await fetch(`${app!.url}/api/articles${qs ? `?${qs}` : ''}`);
    return (await response.json()) as { data: Article[]; meta: { pagination?: { page: number; pageSize: number; pageCount: number; total: number } } };
  };
  let wrong: string[] = [];
  let checks = 0;
  for (;;) {
    checks += 1;
    const expected = await Promise.all(QUERIES.map(fresh));
    wrong = [];
    for (const [index, client] of clients.entries()) {
      const result = client.observer.getCurrentResult();
      const truth = expected[client.query]!;
      const pageOk = !QUERIES[client.query]!.pagination || isDeepStrictEqual({ ...result.pagination }, truth.meta.pagination);
      if (!isUp(client) || !isDeepStrictEqual(result.data, truth.data) || !pageOk) {
        wrong.push(
          `client ${index} (query ${client.query}): ${client.live.status.get().state}, isLive ${result.isLive}, error ${result.error?.message ?? null}, ` +
            `titles ${JSON.stringify(result.data?.map((doc) => doc.title))} vs REST ${JSON.stringify(truth.data.map((doc) => doc.title))}`,
        );
      }
    }
    if (wrong.length === 0 || performance.now() > deadline) break;
    await sleep(200);
  }
  const converged = performance.now();
  loop.disable();
  gcObserver.disconnect();
  sampleMemory();

  const lines = [
    `reconnect storm: ${CLIENTS} clients, ${QUERIES.length} distinct queries, reconnection delay ${RECONNECTION_DELAY}-${RECONNECTION_DELAY_MAX} ms, ${TRANSPORTS.join('+')}`,
    `  first boot ${Math.round(firstBootMs)} ms; all ${CLIENTS} live the first time in ${Math.round(initial.ms)} ms (stall ${initial.stallMs} ms, longest GC ${initial.gcMs} ms, ${initial.lists} list reads)`,
    `  stop: every client saw it in ${Math.round(allSawStopMs)} ms; ${DOWNTIME_MS} ms down, then second boot ${Math.round(secondBootMs)} ms (stall ${bootStallMs} ms while booting); ` +
      `${attemptsWhileDown} reconnect attempts until it listened (${attemptsBeforeBoot} before it booted)`,
    `  from the new server listening: first connected +${Math.round(progress.firstConnected - listening)} ms, all connected +${Math.round(progress.allConnected - listening)} ms, ` +
      `all live +${Math.round(progress.allLive - listening)} ms, all equal to REST +${Math.round(converged - listening)} ms (${checks} checks); ${progress.writesWhileComing} writes done before the last one connected`,
    `  event loop during the storm: longest stall ${storm.stallMs} ms, p99 ${storm.p99Ms} ms, longest GC pause ${storm.gcMs} ms`,
    `  REST reads by the clients until all live: ${storm.lists} list reads, ${storm.ones} single-document reads; total now ${rest.lists - restBefore.lists} lists, ${rest.ones - restBefore.ones} single; ${rest.failed - restBefore.failed} failed ${JSON.stringify([...rest.failures])}`,
    `  list reads since the new server, per query: ${[...rest.byQuery]
      .map(([search, count]) => [decodeURIComponent(search).slice(0, 60), count - (restBefore.byQuery.get(search) ?? 0)] as const)
      .sort((a, b) => b[1] - a[1])
      .map(([search, count]) => `${count} ${search}`)
      .join(' | ')}`,
    `  per second since listening: reconnect attempts ${JSON.stringify([...attemptsPerSecond])}, connects ${JSON.stringify([...connectsPerSecond])}; failed attempts: ${JSON.stringify([...stormFailures])}`,
    `  new server: ${serverConnections} connections accepted, ${app.strapi.$io.stats().liveQueries} live queries; ${reconnectAttempts} reconnect attempts in all`,
    `  memory: rss ${mb(memory.start)} MB at start, ${mb(initial.rss)} MB with all connected, peak rss ${mb(memory.peakRss)} MB, peak heap ${mb(memory.peakHeap)} MB; peak open file descriptors ${memory.peakFds}`,
    `  server errors to clients: ${serverErrors.length}; client logs: ${JSON.stringify([...logs.counts])}`,
    `  wall ${Math.round(performance.now() - wallStart)} ms`,
  ];
  console.info(lines.join('\n'));

  expect(wrong.slice(0, 10), `${wrong.length} clients differ from REST`).toEqual([]);
  expect(serverErrors.filter(({ code }) => code === 'LIMIT_EXCEEDED'), 'refused by the message limits').toEqual([]);
  expect(serverErrors).toEqual([]);
  expect(logs.errors).toEqual([]);
  expect(clients.every(({ live }) => live.status.get().state === 'connected' && live.status.get().error === null)).toBe(true);
  // The new server knew none of their sessions: each one subscribed and read again.
  expect(clients.filter(({ live }) => live.socket.recovered)).toHaveLength(0);
  // At least one new session each (exactly one in every run so far: none dropped and came back).
  expect(serverConnections).toBeGreaterThanOrEqual(CLIENTS);
});

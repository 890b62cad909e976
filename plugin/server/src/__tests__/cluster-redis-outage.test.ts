import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveClient } from '@strapi-live/client';
import type { LiveClient } from '@strapi-live/client';
import { startRedisServer, useCluster } from 'example-strapi-app/testing';
import type { ClusterNode, RedisServer } from 'example-strapi-app/testing';
import type { Socket } from 'socket.io-client';

/**
 * Two example apps as separate processes on one PostgreSQL database and a Redis of this file's
 * own, which the test kills for 5 s while writes go on, then starts again (empty) on the same
 * port. Needs the `redis-server` binary and PostgreSQL at 127.0.0.1:5432.
 */

const ARTICLE = 'api::article.article';
/** How long Redis stays down (the figure). */
const OUTAGE_MS = 5_000;
/** After Redis answers again: by when a write on A must reach B's socket (the figure). */
const BACK_WITHIN_MS = 5_000;
/** How long a write's event gets to reach a socket of the node that wrote it. */
const LOCAL_WAIT_MS = 3_000;

let redis: RedisServer;
// Registered before useCluster: started before its nodes boot, stopped after they stop.
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});
// Info level: the plugin's "reachable again" line is an info. Metrics on, to read what failed.
const METRICS_TOKEN = 'outage-metrics-token-0123456789';
const cluster = useCluster({ redisUrl: () => redis.url, env: { STRAPI_TEST_LOG_LEVEL: 'info', IO_METRICS_TOKEN: METRICS_TOKEN } });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const run = Date.now().toString(36);
let counter = 0;
const unique = (prefix: string) => `${prefix} ${run}.${(counter++).toString(36)}`;

interface Arrival {
  at: number;
  event: string;
  title: string | undefined;
}

interface Watcher {
  label: string;
  socket: Socket;
  arrivals: Arrival[];
  /** How many `io:resync` it got (each node sends its sockets one when Redis is back). */
  resyncs: number;
}

const node = (index: number): ClusterNode => {
  const found = cluster.nodes[index];
  if (!found) throw new Error(`The cluster has no node ${index}`);
  return found;
};

/** A broadcast socket (no subscription: every article event) on `on`, recording when each content event arrived. */
async function watch(on: ClusterNode, role: string): Promise<Watcher> {
  const { socket } = await cluster.listen(on);
  const watcher: Watcher = { label: `node ${on.name}: ${role} (${socket.id})`, socket, arrivals: [], resyncs: 0 };
  socket.onAny((event: string, data?: { title?: string }) => {
    if (/^article:(create|update|delete)$/.test(event)) watcher.arrivals.push({ at: Date.now(), event, title: data?.title });
    if (event === 'io:resync') watcher.resyncs += 1;
  });
  return watcher;
}

const titles = (watcher: Watcher) => watcher.arrivals.map(({ event, title }) => `${event} ${JSON.stringify(title)}`);
const arrivalOf = (watcher: Watcher, title: string) => watcher.arrivals.find((arrival) => arrival.title === title);

/** Polls until `watcher` got the event of `title`, or `ms` passed; the arrival, or undefined. */
async function arrives(watcher: Watcher, title: string, ms: number): Promise<Arrival | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = arrivalOf(watcher, title);
    if (found || Date.now() > deadline) return found;
    await sleep(20);
  }
}

/** Rejects when `promise` takes longer than `ms`: a hang becomes a readable failure. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s (hangs)`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const createOn = (on: ClusterNode, title: string) => on.documents(ARTICLE, 'create', { data: { title }, status: 'published' });

/** Signs of a crash in a node's output (Node prints these when an error reaches the top). */
const CRASH = /unhandled ?(promise ?)?rejection|uncaught ?exception|triggerUncaughtException/i;

function expectAlive(each: ClusterNode, when: string): void {
  const output = each.output();
  expect(each.exited, `node ${each.name} exited ${when}:\n${output}`).toBe(false);
  expect(output, `node ${each.name} printed an unhandled error ${when}`).not.toMatch(CRASH);
}

describe('a cluster of two nodes while its Redis is down', () => {
  const sdks: LiveClient[] = [];
  const sdkStops: (() => void)[] = [];
  afterAll(() => {
    sdkStops.forEach((stop) => stop());
    sdks.forEach((client) => client.close());
  });

  it('keeps serving, delivers each node\'s own writes to its sockets, and delivers across nodes within 5 s of Redis\'s return', { timeout: 45_000 }, async () => {
    const [a, b] = [node(0), node(1)];
    for (const each of cluster.nodes) console.info(`node ${each.name}: pid ${each.pid}, ${each.url}, ready in ${each.bootMs} ms; Redis ${redis.url} (pid ${redis.pid})`);
    const onA = await watch(a, 'broadcast socket');
    const onB = await watch(b, 'broadcast socket');
    // The SDK on node B, live on every article of this run: what the outage costs a live query on
    // the node that did not write.
    const live = createLiveClient({ url: b.url, logger: { debug() {}, info() {}, warn() {}, error() {} }, socketOptions: { transports: ['websocket'] } });
    sdks.push(live);
    const collection = live.collection(ARTICLE, { filters: { title: { $contains: run } }, sort: 'title' });
    sdkStops.push(collection.subscribe(() => {}));
    const sdkTitles = () => ((collection.getCurrentResult().data ?? []) as unknown as { title: string }[]).map(({ title }) => title);
    const restTitlesOnB = async () => {
      const query = new URLSearchParams({ 'filters[title][$contains]': run, sort: 'title', 'pagination[pageSize]': '100' });
      return ((await (await fetch(`${b.url}/api/articles?${query}`)).json()) as { data: { title: string }[] }).data.map(({ title }) => title);
    };
    /** Polls until the SDK's live collection is live, idle and holds `wanted` (every title of REST on B when not given). */
    const sdkHolds = async (ms: number, wanted?: string[]) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const result = collection.getCurrentResult();
        const rest = await restTitlesOnB();
        const holds = wanted ? wanted.every((title) => sdkTitles().includes(title)) : isDeepStrictEqual(sdkTitles(), rest);
        if ((result.isLive && !result.isFetching && holds) || Date.now() > deadline) return { ok: result.isLive && !result.isFetching && holds, rest };
        await sleep(50);
      }
    };
    expect((await sdkHolds(10_000)).ok, `the SDK on node ${b.name} goes live: ${JSON.stringify(collection.getCurrentResult())}`).toBe(true);
    // Node A learns within about a second which paths node B's live queries read (a write on A
    // before that does not reach this live query at all, outage or not).
    await sleep(1_500);

    // Before: a write on A reaches both nodes' sockets through this Redis.
    const before = unique('Before the outage');
    const beforeDocument = await createOn(a, before);
    for (const watcher of [onA, onB]) expect(await arrives(watcher, before, LOCAL_WAIT_MS), `${watcher.label} before the outage; got ${JSON.stringify(titles(watcher))}`).toBeDefined();

    // Redis dies with a command of A's in flight: frozen, a write on A (its change goes out as a
    // PUBLISH that stays unanswered), then killed. A command left unanswered this way is rejected
    // by the Redis client; the Socket.IO adapters drop the promise of a PUBLISH, which used to end
    // the node with an unhandled rejection.
    redis.signal('SIGSTOP');
    const inFlight = unique('In flight when Redis died');
    await within(10_000, `node ${a.name}: create while Redis is frozen`, createOn(a, inFlight));
    expect(await arrives(onA, inFlight, LOCAL_WAIT_MS), `${onA.label}: its own node's write while Redis is frozen; got ${JSON.stringify(titles(onA))}`).toBeDefined();
    await sleep(100);
    await redis.kill('SIGKILL');
    const downAt = Date.now();

    // Down for OUTAGE_MS: writes go on through A (and one through B); each node's sockets get its
    // own node's writes, REST answers, nothing hangs.
    const duringOnA: string[] = [];
    const localLatency: number[] = [];
    let duringOnB: string | undefined;
    while (Date.now() - downAt < OUTAGE_MS - 600) {
      const title = unique('During the outage, on A');
      const wrote = Date.now();
      await within(5_000, `node ${a.name}: create during the outage`, createOn(a, title));
      duringOnA.push(title);
      const arrival = await arrives(onA, title, LOCAL_WAIT_MS);
      expect.soft(arrival, `${onA.label}: its own node's write "${title}" during the outage; got ${JSON.stringify(titles(onA))}`).toBeDefined();
      if (arrival) localLatency.push(arrival.at - wrote);
      if (!duringOnB && Date.now() - downAt > OUTAGE_MS / 2) {
        duringOnB = unique('During the outage, on B');
        await within(5_000, `node ${b.name}: create during the outage`, createOn(b, duringOnB));
        expect.soft(await arrives(onB, duringOnB, LOCAL_WAIT_MS), `${onB.label}: its own node's write during the outage; got ${JSON.stringify(titles(onB))}`).toBeDefined();
      }
      await sleep(300);
    }
    // A socket of node B, asked for from node A: A cannot tell whether B has it, and says so
    // (not NOT_FOUND, which would tell the caller the socket is gone).
    const askedAt = Date.now();
    const asked = await within(10_000, `node ${a.name}: $io.subscribeToEntity for a socket of node ${b.name} during the outage`, a.io('subscribeToEntity', onB.socket.id!, ARTICLE, beforeDocument.documentId));
    console.info(`$io.subscribeToEntity on node ${a.name} for a socket of node ${b.name}, Redis down: ${JSON.stringify(asked)} in ${Date.now() - askedAt} ms`);
    expect.soft(asked).toMatchObject({ success: false, error: { code: 'INTERNAL_ERROR' } });
    // The helpers that look a socket up on every node (fetchSockets) reject, rather than hang.
    const joinedAt = Date.now();
    const joined = await within(10_000, `node ${a.name}: $io.joinRoom for a socket of node ${b.name} during the outage`, a.io('joinRoom', onB.socket.id!, 'vip').then((value) => ({ value }), (error: Error) => ({ error: error.message })));
    console.info(`$io.joinRoom on node ${a.name} for a socket of node ${b.name}, Redis down: ${JSON.stringify(joined)} in ${Date.now() - joinedAt} ms`);
    expect.soft(joined).toMatchObject({ error: expect.stringContaining('not every node answered') });
    const metrics = await (await fetch(`${a.url}/api/io/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect.soft(metrics, `node ${a.name}'s metrics count both failed requests`).toMatch(/^strapi_io_cluster_request_failures_total(\{[^}]*\})? 2$/m);
    for (const each of [a, b]) {
      await within(5_000, `node ${each.name}: $io.idle() during the outage`, each.idle());
      const response = await within(5_000, `node ${each.name}: GET /api/articles during the outage`, fetch(`${each.url}/api/articles?pagination[pageSize]=1`));
      expect.soft(response.status, `node ${each.name}: GET /api/articles during the outage`).toBe(200);
      expectAlive(each, 'during the outage');
    }
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));

    // Back (empty, same port). Writes on A until one reaches B's socket: the time from Redis
    // answering PING to that arrival is the figure.
    await redis.start();
    const backAt = Date.now();
    console.info(`Redis down for ${backAt - downAt} ms (back as pid ${redis.pid}); during it, ${duringOnA.length} writes on node A, their events reached A's socket in ${Math.min(...localLatency)}-${Math.max(...localLatency)} ms`);
    const probes: string[] = [];
    let crossed: Arrival | undefined;
    while (!crossed && Date.now() - backAt < BACK_WITHIN_MS) {
      const title = unique('After the return, on A');
      probes.push(title);
      await within(5_000, `node ${a.name}: create after Redis's return`, createOn(a, title));
      crossed = await arrives(onB, title, 250);
    }
    // A probe may still be on its way when the loop gives up: one last look.
    crossed ??= (await Promise.all(probes.map((title) => arrives(onB, title, 500)))).find(Boolean);
    const firstAt = Math.min(...probes.map((title) => arrivalOf(onB, title)?.at ?? Infinity));
    console.info(
      crossed
        ? `after Redis's return: the first write on A reached node B's socket ${firstAt - backAt} ms after Redis answered PING (${probes.length} probe writes)`
        : `after Redis's return: none of ${probes.length} writes on A reached node B's socket in ${BACK_WITHIN_MS} ms`,
    );
    expect(crossed, `${onB.label}: no write on node A reached it within ${BACK_WITHIN_MS} ms of Redis's return; it got ${JSON.stringify(titles(onB))}\n--- node ${a.name} ---\n${a.output()}\n--- node ${b.name} ---\n${b.output()}`).toBeDefined();
    expect(firstAt - backAt).toBeLessThanOrEqual(BACK_WITHIN_MS);

    // And the other way round.
    const fromB = unique('After the return, on B');
    await createOn(b, fromB);
    expect(await arrives(onA, fromB, LOCAL_WAIT_MS), `${onA.label}: a write on node B after Redis's return; got ${JSON.stringify(titles(onA))}`).toBeDefined();

    // What the outage cost the other node. The changes of writes made while Redis was down go to
    // the Redis client's offline queue and are published once it is connected again: they reach
    // the other node late when its subscriber was back first, and never otherwise (all or none,
    // from run to run). The one in flight when Redis died is lost.
    await sleep(500);
    const late = duringOnA.filter((title) => arrivalOf(onB, title));
    console.info(
      `writes made during the outage: ${late.length} of ${duringOnA.length} on A reached B's socket late (after the return); ` +
        `the one in flight when Redis died ${arrivalOf(onB, inFlight) ? 'did' : 'did not'}; ` +
        `B's write during the outage ${duringOnB && arrivalOf(onA, duringOnB) ? 'reached' : 'did not reach'} A's socket`,
    );
    // So each node tells its own sockets, once Redis is back, to read again (`io:resync`): the SDK
    // on B, connected throughout, refetches and ends equal to REST, outage writes included.
    for (const watcher of [onA, onB]) {
      expect.soft(watcher.resyncs, `${watcher.label}: io:resync after Redis's return`).toBe(1);
    }
    const sdk = await sdkHolds(LOCAL_WAIT_MS);
    expect.soft(sdk.ok, `the SDK on node ${b.name} equals REST after the outage: REST has ${JSON.stringify(sdk.rest)}; it shows ${JSON.stringify(sdkTitles())}`).toBe(true);
    // Never twice, though.
    for (const watcher of [onA, onB]) {
      const seen = titles(watcher);
      expect.soft(seen.filter((line, index) => seen.indexOf(line) !== index), `${watcher.label}: duplicates`).toEqual([]);
    }

    // No crash, and the outage logged once per Redis client role on each node, its end too.
    for (const each of [a, b]) {
      expectAlive(each, 'after the outage');
      const output = each.output();
      const lost = output.match(/Redis at \S+ \((\w+)\) is unreachable/g) ?? [];
      const back = output.match(/Redis at \S+ \((\w+)\) is reachable again/g) ?? [];
      expect.soft(lost.length, `node ${each.name}: "unreachable" lines:\n${output}`).toBeGreaterThan(0);
      expect.soft(new Set(lost).size, `node ${each.name}: the outage is logged once per client role:\n${lost.join('\n')}`).toBe(lost.length);
      expect.soft(back.length, `node ${each.name}: "reachable again" lines:\n${output}`).toBe(lost.length);
    }
  });

  it('a node shuts down promptly while Redis is down, with changes waiting for it', { timeout: 30_000 }, async () => {
    const b = node(1);
    await redis.kill('SIGKILL');
    try {
      // Its change is queued by the Redis client, for when Redis is back; shutting down must not
      // wait for that.
      await within(5_000, `node ${b.name}: create while Redis is down`, createOn(b, unique('Before stopping, Redis down')));
      // Strapi itself reads the document again after the commit, for its 'entry.create' event,
      // without keeping the promise: a destroy while that read waits for a connection ends the
      // process (tarn's "aborted", unhandled). Not this test's subject: give that read time.
      await sleep(500);
      const stopping = Date.now();
      try {
        await within(15_000, `node ${b.name}: stop (strapi.destroy()) while Redis is down`, b.stop());
      } catch (error) {
        await b.kill('SIGKILL');
        throw new Error(`${(error as Error).message}\n--- node ${b.name} ---\n${b.output()}`);
      }
      console.info(`node ${b.name} stopped in ${Date.now() - stopping} ms with Redis down`);
      expect(b.exited).toBe(true);
      expect(b.output(), `node ${b.name} printed an unhandled error while stopping`).not.toMatch(CRASH);
    } finally {
      await redis.start();
    }
  });
});

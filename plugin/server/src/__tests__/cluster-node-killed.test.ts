import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveClient } from '@strapi-live/client';
import type { LiveClient } from '@strapi-live/client';
import { connect, startBalancer, useCluster } from 'example-strapi-app/testing';
import type { Balancer, ClusterNode } from 'example-strapi-app/testing';
import type { Socket } from 'socket.io-client';

/**
 * Two example apps as separate processes on one PostgreSQL database and one Redis, behind a TCP
 * load balancer. Node A, which every client is connected to, is killed with SIGKILL while writes go
 * on through node B; the balancer sends new connections to B, the clients reconnect by
 * themselves, and end up where a client connected to B from the start would be. Needs Redis at
 * REDIS_URL (default redis://127.0.0.1:6379) and PostgreSQL at 127.0.0.1:5432.
 */

const ARTICLE = 'api::article.article';
/** Quick reconnects, as in the SDK's own tests (socket.io-client's default starts at 1 s). */
const RECONNECT = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 500 } as const;
const CONVERGE_MS = 10_000;

const cluster = useCluster();
let balancer: Balancer;
// After useCluster's beforeAll (registered later): node A is running. Closed before the nodes stop.
beforeAll(async () => {
  balancer = await startBalancer(node(0).url);
});
afterAll(async () => {
  await balancer?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const run = Date.now().toString(36);

function node(index: number): ClusterNode {
  const found = cluster.nodes[index];
  if (!found) throw new Error(`The cluster has no node ${index}`);
  return found;
}

/** Signs of a crash in a node's output (Node prints these when an error reaches the top). */
const CRASH = /unhandled ?(promise ?)?rejection|uncaught ?exception|triggerUncaughtException/i;

describe('a node killed with SIGKILL during writes', () => {
  const clients: LiveClient[] = [];
  const sockets: Socket[] = [];
  afterAll(() => {
    clients.forEach((client) => client.close());
    sockets.forEach((socket) => socket.close());
  });

  it('its clients reconnect to the other node through the balancer and converge to what it serves', { timeout: 45_000 }, async () => {
    const [a, b] = [node(0), node(1)];
    const prefix = `Killed ${run} `;
    const filters = { title: { $startsWith: prefix } };
    /** The truth: what REST on node B returns for the live query (titles sort uniquely: n is in them). */
    const restOnB = async () => {
      const query = new URLSearchParams({ 'filters[title][$startsWith]': prefix, sort: 'title', 'pagination[pageSize]': '100' });
      const response = await fetch(`${b.url}/api/articles?${query}`);
      expect(response.status, `GET /api/articles on node ${b.name}`).toBe(200);
      return ((await response.json()) as { data: { title: string }[] }).data;
    };

    let n = 0;
    const title = () => `${prefix}${String(n++).padStart(3, '0')}`;
    const known: string[] = [];
    for (let i = 0; i < 3; i++) known.push((await b.documents(ARTICLE, 'create', { data: { title: title() }, status: 'published' })).documentId);

    // The SDK, through the balancer (to node A), with a live collection.
    const log: string[] = [];
    const logLine = (level: string) => (message: string) => log.push(`${Date.now() % 100_000} ${level} ${message}`);
    const live = createLiveClient({
      url: balancer.url,
      logger: { debug: logLine('debug'), info: logLine('info'), warn: logLine('warn'), error: logLine('error') },
      socketOptions: { transports: ['websocket'], ...RECONNECT },
    });
    clients.push(live);
    const collection = live.collection(ARTICLE, { filters, sort: 'title' });
    const stop = collection.subscribe(() => {});
    const states: string[] = [];
    live.status.subscribe(({ state, error }) => states.push(`${state}${error ? ` (${error.code})` : ''}`));

    // A raw socket through the balancer, subscribed to the same documents; an app subscribes again
    // on a new session (not on a recovered one: its subscriptions came back with it).
    const raw = await connect(balancer.url, RECONNECT);
    sockets.push(raw);
    const rawEvents: { event: string; title?: string; subscription?: string }[] = [];
    raw.onAny((event: string, data?: { title?: string }, meta?: { subscription?: string }) => {
      if (/^article:/.test(event)) rawEvents.push({ event, title: data?.title, subscription: meta?.subscription });
    });
    const rawSessions: { id: string; recovered: boolean; subscription?: string; error?: string }[] = [];
    const subscribeRaw = async () => {
      const session: (typeof rawSessions)[number] = { id: raw.id!, recovered: raw.recovered };
      rawSessions.push(session);
      if (raw.recovered) return;
      try {
        const ack = (await raw.timeout(5_000).emitWithAck('subscribe', { uid: ARTICLE, filters })) as { success: boolean; id?: string; error?: unknown };
        if (ack.success) session.subscription = ack.id;
        else session.error = JSON.stringify(ack);
      } catch (error) {
        session.error = (error as Error).message;
      }
    };
    await subscribeRaw();
    raw.on('connect', () => void subscribeRaw());
    expect(rawSessions[0], 'the raw socket subscribed on node A').toMatchObject({ subscription: expect.any(String) });

    const describeSdk = () => {
      const result = collection.getCurrentResult();
      const titles = (result.data as { title: string }[] | undefined)?.map(({ title }) => title);
      return `SDK: status ${live.status.get().state} (states: ${states.join(' → ')}), isLive ${result.isLive}, isFetching ${result.isFetching}, error ${result.error?.message ?? null}, titles ${JSON.stringify(titles)}`;
    };
    /** Polls until the SDK's live collection equals REST on node B, live and idle; false after `ms`. */
    const converged = async (ms: number): Promise<{ ok: boolean; expected: unknown }> => {
      const deadline = Date.now() + ms;
      let expected: unknown;
      for (;;) {
        const result = collection.getCurrentResult();
        expected = await restOnB();
        if (live.status.get().state === 'connected' && result.isLive && !result.isFetching && result.error === null && isDeepStrictEqual(result.data, expected)) return { ok: true, expected };
        if (Date.now() > deadline) return { ok: false, expected };
        await sleep(50);
      }
    };
    const failure = (what: string, expected: unknown) =>
      `${what}\n${describeSdk()}\nREST on node ${b.name}: ${JSON.stringify((expected as { title: string }[]).map(({ title }) => title))}\n` +
      `raw socket sessions: ${JSON.stringify(rawSessions)}\nSDK log:\n${log.slice(-40).join('\n')}`;

    const before = await converged(CONVERGE_MS);
    expect(before.ok, failure('The SDK did not go live through the balancer (node A)', before.expected)).toBe(true);
    expect(balancer.open, 'connections through the balancer (SDK socket, raw socket)').toBeGreaterThanOrEqual(2);

    // Writes through node B, one after the other, until told to stop: creates, updates, deletes.
    let writing = true;
    let writes = 0;
    const writeErrors: string[] = [];
    const writer = (async () => {
      while (writing) {
        const op = writes % 4;
        try {
          if (op === 3 && known.length > 2) {
            const documentId = known.splice(writes % known.length, 1)[0]!;
            await b.documents(ARTICLE, 'delete', { documentId });
          } else if (op === 1 || op === 2) {
            const documentId = known[writes % known.length]!;
            await b.documents(ARTICLE, 'update', { documentId, data: { title: title() }, status: 'published' });
          } else {
            known.push((await b.documents(ARTICLE, 'create', { data: { title: title() }, status: 'published' })).documentId);
          }
        } catch (error) {
          writeErrors.push((error as Error).message);
        }
        writes += 1;
        await sleep(60);
      }
    })();

    // Mid-writes: A dies (its connections close with it); the balancer's health check takes a
    // moment to send new connections to B, so the first reconnects fail.
    while (writes < 6) await sleep(20);
    const killedAt = Date.now();
    await a.kill('SIGKILL');
    expect(a.exited, `node ${a.name} is gone`).toBe(true);
    await sleep(300);
    balancer.pointTo(b.url);
    const writesAtKill = writes;

    // The clients come back (through B); writes go on a little longer, then stop.
    const reconnected = async (what: () => boolean) => {
      const deadline = Date.now() + CONVERGE_MS;
      while (!what() && Date.now() < deadline) await sleep(20);
      return what() ? Date.now() - killedAt : undefined;
    };
    const sdkBackMs = await reconnected(() => live.status.get().state === 'connected' && live.socket.connected);
    const rawBackMs = await reconnected(() => raw.connected && rawSessions.length > 1);
    await sleep(1_000);
    writing = false;
    await writer;
    const writesEndedMs = Date.now() - killedAt;
    expect(writeErrors, `writes through node ${b.name} failed`).toEqual([]);
    expect(sdkBackMs, failure(`The SDK did not reconnect within ${CONVERGE_MS} ms of the kill`, await restOnB())).toBeDefined();
    expect(rawBackMs, `The raw socket did not reconnect within ${CONVERGE_MS} ms of the kill; connected ${raw.connected}, sessions ${JSON.stringify(rawSessions)}`).toBeDefined();

    const after = await converged(CONVERGE_MS);
    const convergedMs = Date.now() - killedAt;
    expect(after.ok, failure(`The SDK's live collection did not converge to REST on node ${b.name} within ${CONVERGE_MS} ms`, after.expected)).toBe(true);
    console.info(
      `${writes} writes through node ${b.name} (${writesAtKill} before the kill); after the SIGKILL of node ${a.name}: ` +
        `SDK reconnected in ${sdkBackMs} ms, raw socket in ${rawBackMs} ms (the balancer pointed at node ${b.name} after 300 ms); ` +
        `writes ended ${writesEndedMs} ms after the kill, the SDK equalled REST on node ${b.name} (${(after.expected as unknown[]).length} articles) ${convergedMs} ms after it; ` +
        `SDK states ${states.join(' → ')}; raw sessions ${JSON.stringify(rawSessions)}`,
    );

    // The raw client is subscribed again, on B: a new write there reaches it, under its current subscription.
    await sleep(200); // its subscribe ack may still be on its way
    const current = rawSessions.at(-1)!;
    expect(current.error, `the raw socket's subscribe after reconnecting: ${JSON.stringify(rawSessions)}`).toBeUndefined();
    const finalTitle = `${prefix}zz final`;
    rawEvents.length = 0;
    await b.documents(ARTICLE, 'create', { data: { title: finalTitle }, status: 'published' });
    await b.idle();
    const deadline = Date.now() + 3_000;
    while (!rawEvents.some(({ title: t }) => t === finalTitle) && Date.now() < deadline) await sleep(20);
    const expectedSubscription = current.recovered ? [...rawSessions].reverse().find((session) => session.subscription)?.subscription : current.subscription;
    expect(rawEvents.filter(({ title: t }) => t === finalTitle), `raw socket (${raw.id}, sessions ${JSON.stringify(rawSessions)}): a write on node ${b.name} after the reconnect; got ${JSON.stringify(rawEvents)}`).toEqual([
      { event: 'article:create', title: finalTitle, subscription: expectedSubscription },
    ]);
    const last = await converged(CONVERGE_MS);
    expect(last.ok, failure(`The SDK's live collection missed the last write on node ${b.name}`, last.expected)).toBe(true);
    stop();

    expect(b.exited, `node ${b.name} exited:\n${b.output()}`).toBe(false);
    expect(b.output(), `node ${b.name} printed an unhandled error`).not.toMatch(CRASH);
  });
});

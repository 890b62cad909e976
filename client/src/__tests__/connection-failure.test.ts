import { createServer } from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { bootExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';
import { connectionErrorMessage } from '../connection';
import { createLiveClient } from '../live-client';
import type { LiveClient, LiveClientOptions } from '../live-client';
import { LiveError } from '../live-error';
import type { LiveResult } from '../live-result';
import type { LiveObserver } from '../observers/live-observer';
import { restQueryString } from '../rest';
import { ARTICLE, CATEGORY, quietLogger } from './live-harness';

/** A port nothing listens on (free a moment ago). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const clients: LiveClient[] = [];
const stops: (() => void)[] = [];
let app: ExampleApp | undefined;

afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  clients.splice(0).forEach((client) => client.close());
});
afterAll(async () => {
  await app?.stop();
});

function client(url: string, socketOptions: LiveClientOptions['socketOptions']): LiveClient {
  const live = createLiveClient({ url, logger: quietLogger, socketOptions });
  clients.push(live);
  return live;
}

/** Every snapshot the observer gives, each checked against what the result types promise. */
function watch<T>(observer: LiveObserver<T>): LiveResult<T>[] {
  const seen: LiveResult<T>[] = [];
  const check = (result: LiveResult<T>) => {
    if (result.status === 'error') expect(result.error).toBeInstanceOf(LiveError);
    if (result.status === 'success') {
      expect(result.error).toBeNull();
      expect(result.data).not.toBeUndefined();
    }
    if (result.status === 'pending') expect(result).toMatchObject({ data: undefined, error: null });
    seen.push(result);
  };
  check(observer.getCurrentResult());
  stops.push(observer.subscribe(check));
  return seen;
}

describe('a live client that cannot reach its server', () => {
  it('fails every live query with CONNECTION_ERROR after the first failed attempt, saying what to check', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    // A minute between attempts: whatever the queries show within seconds came from the first one.
    const live = client(url, { reconnectionDelay: 60_000, reconnectionDelayMax: 60_000 });
    let attempts = 0;
    live.socket.on('connect_error', () => (attempts += 1));
    const collection = live.collection(ARTICLE, { sort: 'title' });
    const entity = live.entity(ARTICLE, 'some-document');
    const seenCollection = watch(collection);
    const seenEntity = watch(entity);

    await vi.waitFor(() => expect(collection.getCurrentResult().status).toBe('error'), { timeout: 5000 });
    await vi.waitFor(() => expect(entity.getCurrentResult().status).toBe('error'), { timeout: 1000 });
    expect(attempts).toBe(1);
    for (const observer of [collection, entity]) {
      const result = observer.getCurrentResult();
      expect(result).toMatchObject({ status: 'error', data: undefined, isLive: false, error: { code: 'CONNECTION_ERROR' } });
      const { message } = result.error!;
      expect(message).toContain(`Could not connect to the Strapi server at ${url} (Socket.IO at ${url}/socket.io`);
      expect(message).toMatch(/xhr poll error|websocket error/);
      expect(message).toContain('reachable');
      expect(message).toContain('@strapi-live/plugin-io');
      expect(message).toContain('Still trying in the background');
      // Node: no page origin, no CORS to blame.
      expect(message).not.toContain('cors');
    }
    expect(seenCollection.map((result) => result.status)).toEqual(['pending', 'error']);
    expect(seenEntity.map((result) => result.status)).toEqual(['pending', 'error']);
    // Socket.IO keeps trying; the status says so.
    expect(live.socket.active).toBe(true);
    expect(live.status.get()).toMatchObject({ state: 'connecting', error: { code: 'CONNECTION_ERROR' } });

    // A query observed after the failure reports it at once.
    const later = live.collection(CATEGORY);
    watch(later);
    expect(later.getCurrentResult()).toMatchObject({ status: 'error', error: { code: 'CONNECTION_ERROR' } });
  });

  it('with reconnection off, says it stopped (disconnected), fails the queries, and tries again on live.connect()', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const live = client(url, { reconnection: false });
    let attempts = 0;
    live.socket.on('connect_error', () => (attempts += 1));
    const collection = live.collection(ARTICLE);
    watch(collection);
    await vi.waitFor(() => expect(live.status.get()).toMatchObject({ state: 'disconnected', error: { code: 'CONNECTION_ERROR' } }), { timeout: 5000 });
    expect(live.status.get().error!.message).toContain('Not trying again');
    await vi.waitFor(() => expect(collection.getCurrentResult()).toMatchObject({ status: 'error', error: { code: 'CONNECTION_ERROR' } }));
    expect(attempts).toBe(1);

    live.connect();
    await vi.waitFor(() => expect(attempts).toBe(2), { timeout: 5000 });
  });

  it('shows the data once the server comes up on that URL, then keeps it (not live) when the server goes away again', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const live = client(url, { reconnectionDelay: 100, reconnectionDelayMax: 200 });
    const query = { sort: 'title', populate: ['category'] };
    const collection = live.collection(ARTICLE, query);
    const seenCollection = watch(collection);
    await vi.waitFor(() => expect(collection.getCurrentResult()).toMatchObject({ status: 'error', error: { code: 'CONNECTION_ERROR' } }), { timeout: 5000 });

    // The server starts after the client (on the same port), as when the page loads before Strapi is up.
    app = await bootExampleApp({ env: { PORT: String(port) } });
    expect(app.url).toBe(url);
    const firstArticle = (await app.strapi.documents(ARTICLE).findFirst({ status: 'published' }))!;
    const entity = live.entity(ARTICLE, firstArticle.documentId);
    const seenEntity = watch(entity);
    const fresh = async (path: string, params: Record<string, unknown>) => {
      const response = await fetch(`${url}${path}?${restQueryString(params)}`);
      return ((await response.json()) as { data: unknown }).data;
    };
    const expected = await fresh('/api/articles', query);
    expect(expected).not.toEqual([]);
    await vi.waitFor(
      () => {
        expect(collection.getCurrentResult()).toMatchObject({ status: 'success', error: null, isLive: true, isFetching: false });
        expect(entity.getCurrentResult()).toMatchObject({ status: 'success', error: null, isLive: true });
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(collection.getCurrentResult().data).toEqual(expected);
    expect(entity.getCurrentResult().data).toEqual(await fresh(`/api/articles/${firstArticle.documentId}`, {}));
    expect(live.status.get()).toEqual({ state: 'connected', error: null });
    const statuses = seenCollection.map((result) => result.status).filter((status, index, all) => status !== all[index - 1]);
    expect(statuses).toEqual(['pending', 'error', 'success']);

    // Gone again (every connection cut, nothing listening): a query that has data keeps it, marked
    // not live; a new one says why it has none.
    const data = collection.getCurrentResult().data;
    await (app.strapi.server.httpServer as unknown as { destroy(): Promise<void> }).destroy();
    await vi.waitFor(() => expect(live.status.get()).toMatchObject({ state: 'reconnecting', error: { code: 'CONNECTION_ERROR' } }), { timeout: 5000 });
    expect(collection.getCurrentResult()).toMatchObject({ status: 'success', error: null, isLive: false });
    expect(collection.getCurrentResult().data).toBe(data);
    expect(seenEntity.at(-1)).toMatchObject({ status: 'success', isLive: false });
    const another = live.collection(CATEGORY);
    watch(another);
    expect(another.getCurrentResult()).toMatchObject({ status: 'error', data: undefined, error: { code: 'CONNECTION_ERROR' } });
  });
});

describe('the message of a failed connection', () => {
  const base = { url: 'https://cms.example.com', socketUrl: 'https://cms.example.com/socket.io', reason: 'xhr poll error', retrying: true };

  it('tells a page on another origin to allow that origin in strapi::cors and socket.serverOptions.cors', () => {
    const message = connectionErrorMessage({ ...base, pageOrigin: 'https://app.example.com' });
    expect(message).toContain("This page's origin, https://app.example.com, is not the server's");
    expect(message).toContain('`strapi::cors`');
    expect(message).toContain('`socket.serverOptions.cors`');
    expect(message).toContain('Connecting from another origin');
  });

  it('does not blame CORS for a page on the server’s own origin, and says when it stopped trying', () => {
    const message = connectionErrorMessage({ ...base, pageOrigin: 'https://cms.example.com', retrying: false });
    expect(message).not.toContain('cors');
    expect(message).toContain('Not trying again');
  });
});

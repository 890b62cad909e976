import { afterEach, expect, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { settle, useExampleApp } from 'example-strapi-app/testing';
import type { BootOptions } from 'example-strapi-app/testing';
import { createLiveClient } from '../live-client';
import type { LiveClient, LiveClientOptions } from '../live-client';
import type { LiveResult } from '../live-result';
import type { Logger } from '../logger';
import type { LiveObserver } from '../observers/live-observer';
import { restQueryString } from '../rest';

export const ARTICLE = 'api::article.article';
export const CATEGORY = 'api::category.category';
export const COMMENT = 'api::comment.comment';

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Incoming client messages per event name, counted on the server (what a client really sent). */
export interface ServerTally {
  count(event: string): number;
  payloads(event: string): unknown[];
  reset(): void;
}

/**
 * The example app for this file, live clients closed after each test, and helpers that read the
 * truth over REST.
 */
export function useLiveHarness(options: BootOptions = {}) {
  const example = useExampleApp({ seed: false, ...options });
  const clients: LiveClient[] = [];
  const stops: (() => void)[] = [];
  let tally: { event: string; payload: unknown }[] = [];
  let tallying = false;

  afterEach(() => {
    stops.splice(0).forEach((stop) => stop());
    clients.splice(0).forEach((client) => client.close());
  });

  const harness = {
    get app() {
      return example.app;
    },
    get strapi() {
      return example.app.strapi;
    },

    /** A live client on the app (websocket only, quick reconnects, quiet), closed after the test. */
    client(overrides: Partial<LiveClientOptions> = {}): LiveClient {
      const client = createLiveClient({
        url: example.app.url,
        logger: process.env.LIVE_DEBUG ? { ...console, debug: console.info } : quietLogger,
        ...overrides,
        socketOptions: { transports: ['websocket'], reconnectionDelay: 20, reconnectionDelayMax: 100, ...overrides.socketOptions },
      });
      clients.push(client);
      return client;
    },

    /** Subscribes to an observer until the end of the test; returns every snapshot it was given. */
    watch<T>(observer: LiveObserver<T>): LiveResult<T>[] {
      const seen: LiveResult<T>[] = [];
      stops.push(observer.subscribe((result) => seen.push(result)));
      return seen;
    },

    /** `GET {path}?{query}` as a principal (a bearer token) or Public: the `data` it returns. */
    async rest<T = unknown>(path: string, query: object = {}, token?: string): Promise<{ data: T; meta: { pagination?: unknown } }> {
      const qs = restQueryString(query as Record<string, unknown>);
      const response = await fetch(`${example.app.url}${path}${qs ? `?${qs}` : ''}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      return (await response.json()) as { data: T; meta: { pagination?: unknown } };
    },

    /** Waits until every committed change reached these clients' sockets. */
    async settle(...live: LiveClient[]): Promise<void> {
      await settle(example.app.strapi, ...live.map((client) => client.socket as unknown as Socket));
    },

    /**
     * Ends a client's session as the server does when its token expires or is revoked: an
     * `io:error` UNAUTHORIZED, then a server-side disconnect (a client with an `auth` callback
     * comes back with a fresh token and a new session).
     */
    expireSession(live: LiveClient, message = 'Credentials expired'): void {
      const socket = example.app.strapi.$io.server.of('/').sockets.get(live.socket.id!);
      socket?.emit('io:error', { code: 'UNAUTHORIZED', message });
      socket?.disconnect(true);
    },

    /**
     * Drops the client's transport as a network failure would, runs `whileAway` once the server has
     * seen the socket go, then lets it reconnect (recovering the session if Socket.IO can).
     */
    async dropAndReturn(live: LiveClient, whileAway: () => Promise<void>): Promise<void> {
      const { socket } = live;
      const id = socket.id!;
      socket.io.reconnection(false);
      const gone = new Promise((resolve) => socket.once('disconnect', resolve));
      socket.io.engine.close();
      await gone;
      await vi.waitFor(() => expect(example.app.strapi.$io.server.of('/').sockets.has(id)).toBe(false));
      await whileAway();
      const back = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.io.reconnection(true);
      socket.connect();
      await back;
    },

    /** Counts what clients send the server, from now on. */
    tally(): ServerTally {
      if (!tallying) {
        tallying = true;
        example.app.strapi.$io.server.on('connection', (socket) => {
          socket.onAny((event: string, payload: unknown) => tally.push({ event, payload }));
        });
      }
      tally = [];
      return {
        count: (event) => tally.filter((entry) => entry.event === event).length,
        payloads: (event) => tally.filter((entry) => entry.event === event).map((entry) => entry.payload),
        reset: () => {
          tally = [];
        },
      };
    },
  };
  return harness;
}

/** Waits until the observer is live and idle and its data equals `expected` (a fresh REST read). */
export async function expectLiveData<T>(observer: LiveObserver<T>, expected: () => Promise<unknown>, timeout = 10_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const result = observer.getCurrentResult();
      expect(result.data).toEqual(await expected());
      expect(result).toMatchObject({ isLive: true, isFetching: false, error: null, status: 'success' });
    },
    { timeout, interval: 20 },
  );
}

/** Waits until a paginated observer shows exactly what a fresh read of its page returns, data and pagination. */
export async function expectLivePage<T>(observer: LiveObserver<T>, expected: () => Promise<{ data: unknown; meta: { pagination?: unknown } }>, timeout = 10_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const result = observer.getCurrentResult();
      const fresh = await expected();
      expect({ data: result.data, pagination: result.pagination }).toEqual({ data: fresh.data, pagination: fresh.meta.pagination });
      expect(result).toMatchObject({ isLive: true, isFetching: false, error: null, status: 'success' });
    },
    { timeout, interval: 20 },
  );
}

let prefixes = 0;
/** A title prefix no other test uses, to filter a test's own documents. */
export const uniquePrefix = (name: string) => `${name}-${(prefixes++).toString(36)}-`;

/**
 * Waits until a live query of a convergence test equals a fresh REST read, live and idle; else
 * fails with `context`, what it holds and what REST returns (`onFailure` first, e.g. to print a trace).
 */
export async function expectConverged(
  observer: { getCurrentResult(): LiveResult<unknown> },
  expected: () => Promise<unknown>,
  context: string,
  onFailure: () => void = () => {},
): Promise<void> {
  try {
    await vi.waitFor(
      async () => {
        const result = observer.getCurrentResult();
        expect(result.data).toEqual(await expected());
        expect(result).toMatchObject({ isLive: true, isFetching: false, error: null });
      },
      { timeout: 10_000, interval: 25 },
    );
  } catch (error) {
    const result = observer.getCurrentResult();
    onFailure();
    throw new Error(
      `${context}: ${(error as Error).message}\nlive: ${JSON.stringify(result.data)} (isLive ${result.isLive}, isFetching ${result.isFetching}, error ${result.error?.message})\nREST: ${JSON.stringify(await expected())}`,
    );
  }
}

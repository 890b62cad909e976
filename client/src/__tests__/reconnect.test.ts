import { describe, expect, it, vi } from 'vitest';
import { createUser } from 'example-strapi-app/testing';
import type { HandshakeAuth, StrapiDocument } from '../protocol';
import { ARTICLE, COMMENT, expectLiveData, uniquePrefix, useLiveHarness } from './live-harness';

type Article = StrapiDocument & { title: string };

const h = useLiveHarness();
const articles = () => h.strapi.documents(ARTICLE);
const publish = (title: string) => articles().create({ data: { title }, status: 'published' });
const byPrefix = (prefix: string) => ({ filters: { title: { $startsWith: prefix } }, sort: 'title' });

/** Counts the REST list reads a client makes, and records the bearer tokens it sends. */
function restSpy() {
  const spy = {
    lists: 0,
    tokens: [] as (string | null)[],
    fetch: ((input, init) => {
      const url = String(input);
      if (/\/api\/\w+\?/.test(url)) spy.lists += 1;
      spy.tokens.push(new Headers(init?.headers).get('authorization'));
      return fetch(input, init);
    }) as typeof fetch,
  };
  return spy;
}

describe('after a reconnect', () => {
  it('does nothing more when the session was recovered: the server replayed what was missed', async () => {
    const prefix = uniquePrefix('recovered');
    const first = await publish(`${prefix}a`);
    const rest = restSpy();
    const live = h.client({ fetch: rest.fetch });
    const observer = live.collection<Article>(ARTICLE, byPrefix(prefix));
    h.watch(observer);
    const fresh = async () => (await h.rest('/api/articles', byPrefix(prefix))).data;
    await expectLiveData(observer, fresh);
    // Socket.IO resumes from the last event received: receive one first.
    await publish(`${prefix}b`);
    await expectLiveData(observer, fresh);

    const tally = h.tally();
    const lists = rest.lists;
    await h.dropAndReturn(live, async () => {
      expect(observer.getCurrentResult().isLive).toBe(false);
      await publish(`${prefix}c`);
      await articles().update({ documentId: first.documentId, data: { title: `${prefix}d` }, status: 'published' });
      await h.strapi.$io.idle();
    });
    await expectLiveData(observer, fresh);

    expect(live.socket.recovered).toBe(true);
    expect(tally.count('subscribe')).toBe(0);
    expect(rest.lists).toBe(lists);
    expect((observer.getCurrentResult().data as Article[]).map((doc) => doc.title)).toEqual([`${prefix}b`, `${prefix}c`, `${prefix}d`]);
  });

  it('subscribes again and reads again when the session was not recovered, and shows what changed meanwhile', async () => {
    const prefix = uniquePrefix('lost');
    const first = await publish(`${prefix}a`);
    const rest = restSpy();
    const live = h.client({ fetch: rest.fetch });
    const observer = live.collection<Article>(ARTICLE, byPrefix(prefix));
    const seen = h.watch(observer);
    const fresh = async () => (await h.rest('/api/articles', byPrefix(prefix))).data;
    await expectLiveData(observer, fresh);

    // No event received yet, so Socket.IO has no offset to resume from: a new session.
    const tally = h.tally();
    const lists = rest.lists;
    await h.dropAndReturn(live, async () => {
      await publish(`${prefix}b`);
      await articles().unpublish({ documentId: first.documentId });
    });
    await expectLiveData(observer, fresh);

    expect(live.socket.recovered).toBe(false);
    expect(tally.count('subscribe')).toBe(1);
    expect(rest.lists).toBe(lists + 1);
    expect((observer.getCurrentResult().data as Article[]).map((doc) => doc.title)).toEqual([`${prefix}b`]);
    // It kept showing the old data meanwhile, marked not live.
    expect(seen.some((result) => result.status === 'success' && !result.isLive && result.data !== undefined)).toBe(true);
  });

  it('starts a new session after the server ended one, even if it recovered an earlier one (no stale recovery)', async () => {
    const prefix = uniquePrefix('ended');
    await publish(`${prefix}a`);
    let gate: Promise<void> | undefined;
    const live = h.client({ auth: async () => (await gate, null) });
    const observer = live.collection<Article>(ARTICLE, byPrefix(prefix));
    h.watch(observer);
    const fresh = async () => (await h.rest('/api/articles', byPrefix(prefix))).data;
    await expectLiveData(observer, fresh);
    await publish(`${prefix}b`); // an event, so that the next drop can recover
    await expectLiveData(observer, fresh);
    await h.dropAndReturn(live, async () => {});
    expect(live.socket.recovered).toBe(true); // the server now holds a restored session for it

    const tally = h.tally();
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    h.expireSession(live, 'Ended by the server');
    await vi.waitFor(() => expect(live.status.get().state).toBe('reconnecting'));
    await publish(`${prefix}c`); // while it is away, as nobody's
    await h.strapi.$io.idle();
    open();
    await expectLiveData(observer, fresh);
    expect(live.socket.recovered).toBe(false);
    expect(tally.count('subscribe')).toBe(1);
    expect((observer.getCurrentResult().data as Article[]).map((doc) => doc.title)).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
  });

  it('calls auth before every connect, so a refreshed token is used for the socket and for REST', async () => {
    const users = [await createUser(h.strapi), await createUser(h.strapi)];
    let calls = 0;
    const auth = async (): Promise<HandshakeAuth> => ({ strategy: 'jwt', token: users[Math.min(calls++, 1)]!.jwt });
    const rest = restSpy();
    const live = h.client({ auth, fetch: rest.fetch });
    const observer = live.collection(COMMENT);
    h.watch(observer);
    await expectLiveData(observer, async () => (await h.rest('/api/comments', {}, users[0]!.jwt)).data);
    expect(rest.tokens.every((token) => token === `Bearer ${users[0]!.jwt}`)).toBe(true);

    const tally = h.tally();
    const reads = rest.tokens.length;
    // The server ends the session because the token expired; the client connects again.
    h.expireSession(live);
    await vi.waitFor(() => expect(tally.count('subscribe')).toBe(1));
    await expectLiveData(observer, async () => (await h.rest('/api/comments', {}, users[1]!.jwt)).data);

    expect(calls).toBe(2);
    const [info] = await h.strapi.$io.getSocketsInRoom(live.socket.id!);
    expect(info?.principal).toMatchObject({ kind: 'user', userId: users[1]!.id });
    expect(rest.tokens.slice(reads)).toEqual(rest.tokens.slice(reads).map(() => `Bearer ${users[1]!.jwt}`));
    expect(rest.tokens.length).toBeGreaterThan(reads);
  });

  it('connects again as the new principal after setAuth: a query Public may not read starts working', async () => {
    const user = await createUser(h.strapi);
    const live = h.client();
    const observer = live.collection(COMMENT);
    h.watch(observer);
    await vi.waitFor(() => expect(observer.getCurrentResult().error?.code).toBe('FORBIDDEN'));
    live.setAuth({ strategy: 'jwt', token: user.jwt });
    await expectLiveData(observer, async () => (await h.rest('/api/comments', {}, user.jwt)).data);
    expect(live.status.get()).toEqual({ state: 'connected', error: null });
  });

  it('drops the data of a query the new principal may not read, in the snapshot and in the cache', async () => {
    const user = await createUser(h.strapi);
    const live = h.client({ auth: { strategy: 'jwt', token: user.jwt } });
    const observer = live.collection(COMMENT);
    h.watch(observer);
    await expectLiveData(observer, async () => (await h.rest('/api/comments', {}, user.jwt)).data);
    live.setAuth(null); // Public may not read comments
    await vi.waitFor(() => expect(observer.getCurrentResult()).toMatchObject({ status: 'error', error: { code: 'FORBIDDEN' }, data: undefined }));
    expect(live.queryClient.getQueryData(observer.queryKey)).toBeUndefined();
  });
});

describe('connection status', () => {
  it('reports refused credentials as disconnected with UNAUTHORIZED, and fails the queries waiting on them', async () => {
    const live = h.client({ auth: { strategy: 'jwt', token: 'not.a.jwt' } });
    const observer = live.collection(ARTICLE);
    h.watch(observer);
    await vi.waitFor(() => expect(live.status.get().state).toBe('disconnected'));
    expect(live.status.get().error?.code).toBe('UNAUTHORIZED');
    await vi.waitFor(() => expect(observer.getCurrentResult()).toMatchObject({ status: 'error', error: { code: 'UNAUTHORIZED' } }));

    live.setAuth(null);
    await vi.waitFor(() => expect(observer.getCurrentResult()).toMatchObject({ status: 'success', isLive: true, error: null }));
  });

  it('never falls back to Public when the auth callback fails', async () => {
    let connections = 0;
    const count = () => (connections += 1);
    h.strapi.$io.server.on('connection', count);
    const live = h.client({
      auth: () => {
        throw new Error('token store unavailable');
      },
    });
    live.connect();
    await vi.waitFor(() => expect(live.status.get().state).toBe('disconnected'));
    expect(live.status.get().error).toMatchObject({ code: 'AUTH_CALLBACK_FAILED' });
    expect(live.socket.connected).toBe(false);
    h.strapi.$io.server.off('connection', count);
    expect(connections).toBe(0);
  });

  it('stays disconnected with DISCONNECTED after strapi.$io.disconnectSocket, even with an auth callback, until connect()', async () => {
    const live = h.client({ auth: () => null });
    const observer = live.collection(ARTICLE);
    h.watch(observer);
    await vi.waitFor(() => expect(observer.getCurrentResult()).toMatchObject({ status: 'success', isLive: true }));
    await h.strapi.$io.disconnectSocket(live.socket.id!, 'Kicked by admin');
    await vi.waitFor(() => expect(live.status.get().state).toBe('disconnected'));
    expect(live.status.get().error).toMatchObject({ code: 'DISCONNECTED', message: 'Kicked by admin' });
    // An auth callback is no reason to come back after a deliberate kick (it is after an expiry).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(live.socket.connected).toBe(false);
    // The data stays, no longer live, and says why.
    expect(observer.getCurrentResult()).toMatchObject({ status: 'error', isLive: false, error: { code: 'DISCONNECTED' } });
    expect(observer.getCurrentResult().data).toBeDefined();

    live.connect();
    await vi.waitFor(() => expect(observer.getCurrentResult()).toMatchObject({ status: 'success', isLive: true, error: null }));
    expect(live.status.get()).toEqual({ state: 'connected', error: null });
  });

  it('goes idle → connecting → connected → reconnecting → connected → closed, with the server error that ended a session', async () => {
    const user = await createUser(h.strapi);
    const live = h.client({ auth: { strategy: 'jwt', token: user.jwt } });
    const states: string[] = [live.status.get().state];
    live.status.subscribe(({ state }) => states.push(state));
    live.connect();
    await vi.waitFor(() => expect(live.status.get().state).toBe('connected'));
    live.socket.io.engine.close();
    await vi.waitFor(() => expect(states.filter((state) => state === 'connected')).toHaveLength(2));

    await h.strapi.plugin('users-permissions').service('user').edit(user.id, { blocked: true });
    await vi.waitFor(() => expect(live.status.get().state).toBe('disconnected'));
    expect(live.status.get().error).toMatchObject({ code: 'UNAUTHORIZED' });
    live.close();
    expect(states).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected', 'disconnected', 'closed']);
  });
});

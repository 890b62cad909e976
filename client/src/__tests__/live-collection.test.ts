import { QueryClient } from '@tanstack/query-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LiveError } from '../live-error';
import type { LiveClient } from '../live-client';
import type { EventMeta, StrapiDocument } from '../protocol';
import { liveQueryKey } from '../query-options';
import { createRole, createUser, setRolePermissions } from 'example-strapi-app/testing';
import { ARTICLE, CATEGORY, COMMENT, expectLiveData, expectLivePage, uniquePrefix, useLiveHarness } from './live-harness';

type Article = StrapiDocument & { title: string; category?: { documentId: string; name: string } | null };

const h = useLiveHarness();
const articles = () => h.strapi.documents(ARTICLE);
const publish = (title: string, data: Record<string, unknown> = {}) => articles().create({ data: { title, ...data }, status: 'published' });
const retitle = (documentId: string, title: string) => articles().update({ documentId, data: { title }, status: 'published' });
const byPrefix = (prefix: string) => ({ title: { $startsWith: prefix } });
const titles = (data: unknown) => (data as Article[]).map((doc) => doc.title);
/** A macrotask later: after the SDK's deferred unsubscribe (setTimeout 0) has run. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

let news: string;
let tutorials: string;
beforeAll(async () => {
  news = (await h.strapi.documents(CATEGORY).create({ data: { name: 'News', slug: 'news' } })).documentId;
  tutorials = (await h.strapi.documents(CATEGORY).create({ data: { name: 'Tutorials', slug: 'tutorials' } })).documentId;
});

describe('a live collection', () => {
  it('stays equal to a fresh REST read, in its sort order, through create, update, unpublish, re-publish and delete', async () => {
    const prefix = uniquePrefix('life');
    const b = await publish(`${prefix}b`);
    const d = await publish(`${prefix}d`);
    const query = { filters: byPrefix(prefix), sort: 'title:desc' };
    const observer = h.client().collection<Article>(ARTICLE, query);
    const seen = h.watch(observer);
    const fresh = async () => (await h.rest('/api/articles', query)).data;

    await expectLiveData(observer, fresh);
    expect(seen[0]).toMatchObject({ status: 'pending', data: undefined, isLive: false });
    expect(titles(observer.getCurrentResult().data)).toEqual([`${prefix}d`, `${prefix}b`]);

    const c = await publish(`${prefix}c`);
    await retitle(b.documentId, `${prefix}e`);
    await articles().unpublish({ documentId: d.documentId });
    await articles().create({ data: { title: `${prefix}a` } }); // a draft: not in the published view
    await expectLiveData(observer, fresh);
    expect(titles(observer.getCurrentResult().data)).toEqual([`${prefix}e`, `${prefix}c`]);

    await articles().publish({ documentId: d.documentId });
    await articles().delete({ documentId: c.documentId });
    await expectLiveData(observer, fresh);
    expect(titles(observer.getCurrentResult().data)).toEqual([`${prefix}e`, `${prefix}d`]);
  });

  it('shows a re-published document again although its updatedAt is older than its unpublish', async () => {
    const prefix = uniquePrefix('republish');
    const doc = await publish(`${prefix}x`);
    const live = h.client();
    const deletes: EventMeta[] = [];
    live.on('article:delete', (_document, meta) => deletes.push(meta));
    const observer = live.collection<Article>(ARTICLE, { filters: byPrefix(prefix) });
    h.watch(observer);
    const fresh = async () => (await h.rest('/api/articles', { filters: byPrefix(prefix) })).data;
    await expectLiveData(observer, fresh);

    await articles().unpublish({ documentId: doc.documentId });
    await expectLiveData(observer, fresh);
    expect(observer.getCurrentResult().data).toEqual([]);
    await articles().publish({ documentId: doc.documentId });
    await expectLiveData(observer, fresh);

    const [republished] = observer.getCurrentResult().data as Article[];
    expect(republished?.documentId).toBe(doc.documentId);
    // The situation under test: Strapi copied the draft's older updatedAt into the published row.
    expect(Date.parse(republished!.updatedAt!)).toBeLessThan(deletes[0]!.ts);
  });

  it('applies a write that lands between its subscribe and its REST read (events are queued during the read)', async () => {
    const prefix = uniquePrefix('race');
    const doc = await publish(`${prefix}before`);
    const tally = h.tally();
    let live: LiveClient | undefined;
    const race = { happened: false, subscribedFirst: false, readTitles: [] as string[] };
    const racingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!race.happened && String(input).includes('/api/articles?')) {
        race.happened = true;
        race.subscribedFirst = tally.count('subscribe') === 1;
        race.readTitles = titles(((await response.clone().json()) as { data: unknown }).data);
        // The read is done on the server; now a write lands and its event reaches the socket
        // before the client sees the read's response.
        await retitle(doc.documentId, `${prefix}after`);
        await h.settle(live!);
      }
      return response;
    };
    live = h.client({ fetch: racingFetch });
    const query = { filters: byPrefix(prefix) };
    const observer = live.collection<Article>(ARTICLE, query);
    h.watch(observer);
    await expectLiveData(observer, async () => (await h.rest('/api/articles', query)).data);

    expect(race).toEqual({ happened: true, subscribedFirst: true, readTitles: [`${prefix}before`] });
    expect(titles(observer.getCurrentResult().data)).toEqual([`${prefix}after`]);
  });

  it('shares one server subscription between identical queries and a StrictMode unmount/remount, and unsubscribes with the last observer', async () => {
    const prefix = uniquePrefix('shared');
    await publish(`${prefix}one`);
    const tally = h.tally();
    const live = h.client();
    const query = { filters: byPrefix(prefix), status: 'published' as const };
    const first = live.collection(ARTICLE, query);
    const twin = live.collection(ARTICLE, { status: 'published', filters: { title: { $startsWith: prefix } } });
    const sorted = live.collection(ARTICLE, { ...query, sort: 'title' }); // another REST read, the same subscription

    const mounted = first.subscribe(() => {});
    mounted(); // StrictMode: mount, unmount, mount again in one go
    const stopFirst = first.subscribe(() => {});
    const stopTwin = twin.subscribe(() => {});
    const stopSorted = sorted.subscribe(() => {});
    const fresh = async () => (await h.rest('/api/articles', query)).data;
    await expectLiveData(first, fresh);
    await expectLiveData(sorted, fresh);
    expect(twin.getCurrentResult()).toBe(first.getCurrentResult());
    expect(tally.count('subscribe')).toBe(1);

    stopFirst();
    stopTwin();
    await nextTask();
    await h.settle(live);
    expect(tally.count('unsubscribe')).toBe(0); // `sorted` still uses it
    stopSorted();
    await vi.waitFor(() => expect(tally.count('unsubscribe')).toBe(1));
    expect(tally.payloads('unsubscribe')).toEqual([{ id: expect.any(String) }]);
    expect(tally.count('subscribe')).toBe(1);
  });

  it('keeps a query acquired again while its released subscribe was still unanswered', async () => {
    const prefix = uniquePrefix('inflight');
    const live = h.client();
    live.connect();
    await vi.waitFor(() => expect(live.status.get().state).toBe('connected'));
    const query = { filters: byPrefix(prefix) };
    // Released a task later, before the server answered its subscribe...
    const first = live.collection<Article>(ARTICLE, query).subscribe(() => {});
    first();
    await nextTask();
    // ...and wanted again: the late answer to the first subscribe must not end the second.
    const observer = live.collection<Article>(ARTICLE, query);
    h.watch(observer);
    await vi.waitFor(() => expect(observer.getCurrentResult().isLive).toBe(true));
    await publish(`${prefix}late`);
    await vi.waitFor(() => expect(titles(observer.getCurrentResult().data)).toEqual([`${prefix}late`]));
  });

  it('reads REST at the path the subscribe acknowledgement gives, never a guessed plural', async () => {
    const urls: string[] = [];
    const live = h.client({ fetch: (input, init) => (urls.push(String(input)), fetch(input, init)) });
    const observer = live.collection(CATEGORY, { sort: 'name' });
    h.watch(observer);
    const fresh = async () => (await h.rest('/api/categories', { sort: 'name' })).data;
    await expectLiveData(observer, fresh);
    await h.strapi.documents(CATEGORY).create({ data: { name: 'Releases', slug: 'releases' } });
    await expectLiveData(observer, fresh);
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.every((url) => url.startsWith(`${h.app.url}/api/categories`))).toBe(true);
  });

  it('gives event documents the shape of its own REST read: without populate, with populate, with fields', async () => {
    const prefix = uniquePrefix('shape');
    await publish(`${prefix}1`, { category: news });
    const live = h.client();
    const queries = [
      { filters: byPrefix(prefix), sort: 'title' },
      { filters: byPrefix(prefix), sort: 'title', populate: ['category'] },
      { filters: byPrefix(prefix), sort: 'title', fields: ['title'] },
      { filters: byPrefix(prefix), sort: 'title', populate: { category: { fields: ['name'] } } },
    ];
    const observers = queries.map((query) => live.collection<Article>(ARTICLE, query));
    observers.forEach((observer) => h.watch(observer));
    const check = () =>
      Promise.all(observers.map((observer, i) => expectLiveData(observer, async () => (await h.rest('/api/articles', queries[i]!)).data)));
    await check();

    const second = await publish(`${prefix}2`, { category: tutorials });
    await articles().update({ documentId: second.documentId, data: { category: news, body: 'moved' }, status: 'published' });
    await publish(`${prefix}3`);
    await check();
    const [plain, populated, fields] = observers.map((observer) => observer.getCurrentResult().data as Article[]);
    expect(plain![0]).not.toHaveProperty('category');
    expect(populated![1]!.category).toMatchObject({ documentId: news, name: 'News' });
    expect(Object.keys(fields![0]!).sort()).toEqual(['documentId', 'id', 'title']);
  });

  it('keeps each page equal to a fresh read of that page, data and pagination, as documents enter, move and leave', async () => {
    const prefix = uniquePrefix('pages');
    const docs = new Map<string, string>();
    for (const name of ['03', '05', '07', '09', '11']) docs.set(name, (await publish(`${prefix}${name}`)).documentId);
    const live = h.client();
    const queries = [1, 2, 3].map((page) => ({ filters: byPrefix(prefix), sort: 'title', pagination: { page, pageSize: 2 } }));
    const observers = queries.map((query) => live.collection<Article>(ARTICLE, query));
    observers.forEach((observer) => h.watch(observer));
    const check = () => Promise.all(observers.map((observer, i) => expectLivePage(observer, () => h.rest('/api/articles', queries[i]!))));
    await check();

    await publish(`${prefix}01`); // enters at the very start: every page shifts
    await check();
    await retitle(docs.get('05')!, `${prefix}13`); // moves from page 2 to the end
    await check();
    await articles().unpublish({ documentId: docs.get('03')! }); // leaves page 1
    await articles().delete({ documentId: docs.get('11')! });
    await check();
    await publish(`${prefix}08`);
    await retitle(docs.get('07')!, `${prefix}06`); // stays inside its page
    await check();
    expect(observers.map((observer) => titles(observer.getCurrentResult().data))).toEqual([
      [`${prefix}01`, `${prefix}06`],
      [`${prefix}08`, `${prefix}09`],
      [`${prefix}13`],
    ]);
    expect(observers[0]!.getCurrentResult().pagination).toEqual({ page: 1, pageSize: 2, pageCount: 3, total: 5 });
  });

  it("stores its data in the app's QueryClient under liveQueryKey, unchanged documents keeping their identity", async () => {
    const prefix = uniquePrefix('cache');
    const first = await publish(`${prefix}a`);
    await publish(`${prefix}b`);
    const queryClient = new QueryClient();
    const query = { filters: byPrefix(prefix), sort: 'title' };
    const observer = h.client({ queryClient }).collection<Article>(ARTICLE, query);
    h.watch(observer);
    const fresh = async () => (await h.rest('/api/articles', query)).data;
    await expectLiveData(observer, fresh);
    const before = observer.getCurrentResult().data!;
    expect(queryClient.getQueryData(liveQueryKey(ARTICLE, query))).toBe(before);

    await retitle(first.documentId, `${prefix}c`);
    await expectLiveData(observer, fresh);
    const after = observer.getCurrentResult().data!;
    expect(queryClient.getQueryData(liveQueryKey(ARTICLE, query))).toBe(after);
    expect(after[0]).toBe(before[1]); // `b` did not change: same object
    expect(Object.isFrozen(observer.getCurrentResult())).toBe(true);
  });

  it('shows a populated relation renamed (a category), reading again only the queries that show it', async () => {
    const prefix = uniquePrefix('related');
    const category = await h.strapi.documents(CATEGORY).create({ data: { name: `${prefix} cat`, slug: `${prefix}-cat`.toLowerCase() } });
    await publish(`${prefix}a`, { category: category.documentId });
    const populated = { filters: byPrefix(prefix), populate: ['category'] };
    const live = h.client();
    const shows = live.collection<Article>(ARTICLE, populated);
    const plain = live.collection<Article>(ARTICLE, { filters: byPrefix(prefix) });
    h.watch(shows);
    h.watch(plain);
    await expectLiveData(shows, async () => (await h.rest('/api/articles', populated)).data);
    await vi.waitFor(() => expect(plain.getCurrentResult().isLive).toBe(true));
    const plainFetching: boolean[] = [];
    plain.subscribe((result) => plainFetching.push(result.isFetching));
    await h.strapi.documents(CATEGORY).update({ documentId: category.documentId, data: { name: `${prefix} renamed` } });
    await vi.waitFor(() => expect(shows.getCurrentResult().data?.[0]?.category?.name).toBe(`${prefix} renamed`));
    await expectLiveData(shows, async () => (await h.rest('/api/articles', populated)).data);
    // The query that does not show the category had nothing to read again.
    expect(plainFetching.filter(Boolean)).toEqual([]);
  });

  it('reports a subscription the server refuses as a LiveError carrying its code', async () => {
    const live = h.client();
    const forbidden = live.collection(COMMENT); // Public may not read comments
    const unknown = live.collection('api::nope.nope');
    const invalid = live.collection(ARTICLE, { filters: { internalNotes: { $eq: 'x' } } }); // a private field
    [forbidden, unknown, invalid].forEach((observer) => h.watch(observer));
    await vi.waitFor(() => {
      expect([forbidden, unknown, invalid].map((observer) => observer.getCurrentResult().error?.code)).toEqual([
        'FORBIDDEN',
        'UNKNOWN_CONTENT_TYPE',
        'INVALID_QUERY',
      ]);
    });
    const { error, status, data } = forbidden.getCurrentResult();
    expect(error).toBeInstanceOf(LiveError);
    expect({ status, data }).toEqual({ status: 'error', data: undefined });
  });
});

describe('a subscription the server ends', () => {
  it('is an error on its queries (INVALID_QUERY) when a filter reads what the role may no longer read; the others stay live', async () => {
    const role = await createRole(h.strapi, [`${ARTICLE}.find`, `${ARTICLE}.findOne`, `${CATEGORY}.find`, `${CATEGORY}.findOne`]);
    const { jwt } = await createUser(h.strapi, { roleId: role.id });
    const prefix = uniquePrefix('ended');
    await publish(`${prefix}a`, { category: news });
    const live = h.client({ auth: () => ({ strategy: 'jwt', token: jwt }) });
    const byCategory = live.collection<Article>(ARTICLE, { filters: { ...byPrefix(prefix), category: { name: { $eq: 'News' } } } });
    const plain = live.collection<Article>(ARTICLE, { filters: byPrefix(prefix) });
    h.watch(byCategory);
    h.watch(plain);
    await vi.waitFor(() => expect([byCategory, plain].map((observer) => observer.getCurrentResult().isLive)).toEqual([true, true]));
    await setRolePermissions(h.strapi, role.id, [`${ARTICLE}.find`, `${ARTICLE}.findOne`]);
    await vi.waitFor(() => expect(byCategory.getCurrentResult().error?.code).toBe('INVALID_QUERY'));
    expect(byCategory.getCurrentResult().isLive).toBe(false);
    await publish(`${prefix}b`);
    await vi.waitFor(() => expect(titles(plain.getCurrentResult().data)).toEqual([`${prefix}a`, `${prefix}b`]));
    expect(plain.getCurrentResult().error).toBeNull();
  });
});

describe('an observer', () => {
  it('returns the same snapshot object until something changes, before and after subscribing', async () => {
    const prefix = uniquePrefix('snapshot');
    await publish(`${prefix}a`);
    const live = h.client();
    const observer = live.collection<Article>(ARTICLE, { filters: byPrefix(prefix) });
    expect(observer.getCurrentResult()).toBe(observer.getCurrentResult());
    expect(observer.getCurrentResult()).toMatchObject({ status: 'pending', isLive: false });
    const stop = observer.subscribe(() => {});
    await expectLiveData(observer, async () => (await h.rest('/api/articles', { filters: byPrefix(prefix) })).data);
    const live1 = observer.getCurrentResult();
    await h.settle(live);
    expect(observer.getCurrentResult()).toBe(live1);
    stop();
    await nextTask();
    // Not observed any more: the cached data, no longer live, and stable.
    const idle = observer.getCurrentResult();
    expect(idle).toMatchObject({ status: 'success', isLive: false, data: live1.data });
    expect(observer.getCurrentResult()).toBe(idle);
  });

  it('reads again on refetch() and resolves when done', async () => {
    const prefix = uniquePrefix('refetch');
    await publish(`${prefix}a`);
    let reads = 0;
    const live = h.client({ fetch: (input, init) => ((reads += String(input).includes('/api/articles?') ? 1 : 0), fetch(input, init)) });
    const observer = live.collection<Article>(ARTICLE, { filters: byPrefix(prefix) });
    h.watch(observer);
    await expectLiveData(observer, async () => (await h.rest('/api/articles', { filters: byPrefix(prefix) })).data);
    const before = reads;
    await observer.refetch();
    expect(reads).toBe(before + 1);
    expect(observer.getCurrentResult()).toMatchObject({ status: 'success', isLive: true, isFetching: false });
  });

  describe('longer than one REST page (pages of 100)', () => {
    /** A fetch that notes each list read (its page) and how many requests were in flight at most. */
    function watchReads(beforeLaterPage?: () => Promise<void>) {
      const watched = { pages: [] as number[], inFlight: 0, maxInFlight: 0 };
      let held: Promise<void> | undefined;
      const watchedFetch: typeof fetch = async (input, init) => {
        const url = new URL(String(input));
        const page = url.pathname === '/api/articles' ? Number(url.searchParams.get('pagination[page]')) : 0;
        if (page) watched.pages.push(page);
        watched.inFlight += 1;
        watched.maxInFlight = Math.max(watched.maxInFlight, watched.inFlight);
        try {
          // Once, before the first later page goes out: what happens between two pages of one read.
          if (page > 1 && beforeLaterPage) await (held ??= beforeLaterPage());
          return await fetch(input, init);
        } finally {
          watched.inFlight -= 1;
        }
      };
      return { watched, fetch: watchedFetch };
    }
    const everyPage = async (query: object) => {
      const all: unknown[] = [];
      for (let page = 1; ; page += 1) {
        const { data, meta } = await h.rest<unknown[]>('/api/articles', { ...query, pagination: { page, pageSize: 100 } });
        all.push(...data);
        if (page >= (meta.pagination as { pageCount: number }).pageCount) return all;
      }
    };
    const publishMany = async (prefix: string, from: number, count: number) => {
      for (let i = from; i < from + count; i += 1) await publish(`${prefix}${String(i).padStart(4, '0')}`);
    };

    it('reads every page, the ones after the first at once, and shows them in order', async () => {
      const prefix = uniquePrefix('pages');
      await publishMany(prefix, 0, 250);
      const query = { filters: byPrefix(prefix), sort: 'title:asc' };
      const { watched, fetch: watchedFetch } = watchReads();
      const observer = h.client({ fetch: watchedFetch }).collection<Article>(ARTICLE, query);
      h.watch(observer);
      await expectLiveData(observer, () => everyPage(query));
      expect(titles(observer.getCurrentResult().data)).toHaveLength(250);
      // Page 1 says there are 3; pages 2 and 3 then go out together.
      expect(watched.pages).toEqual([1, 2, 3]);
      expect(watched.maxInFlight).toBe(2);
    });

    it('reads the pages a list grew by while it was being read, and reads it again as documents entered meanwhile', async () => {
      const prefix = uniquePrefix('grows');
      await publishMany(prefix, 0, 150);
      const query = { filters: byPrefix(prefix), sort: 'title:asc' };
      // After page 1 (2 pages then), 100 more are published, their events reach the client while
      // it reads, and the later pages count 3.
      let live: LiveClient | undefined;
      const { watched, fetch: watchedFetch } = watchReads(async () => {
        await publishMany(prefix, 150, 100);
        await h.settle(live!);
      });
      live = h.client({ fetch: watchedFetch });
      const observer = live.collection<Article>(ARTICLE, query);
      h.watch(observer);
      await expectLiveData(observer, () => everyPage(query), 30_000);
      expect(titles(observer.getCurrentResult().data)).toHaveLength(250);
      // The first read went on to page 3; the creates it saw meanwhile made it read all 3 again.
      expect(watched.pages.slice(0, 3)).toEqual([1, 2, 3]);
      expect(watched.pages.slice(3)).toEqual([1, 2, 3]);
    });
  });

  it('fails with CLOSED once the client is closed', async () => {
    const live = h.client();
    live.close();
    const observer = live.collection(ARTICLE);
    h.watch(observer);
    expect(observer.getCurrentResult().error?.code).toBe('CLOSED');
    expect(live.status.get().state).toBe('closed');
  });
});

describe('a live entity', () => {
  it('follows one document: null when unpublished or deleted, back when published again', async () => {
    const doc = await publish(uniquePrefix('entity'), { category: news });
    const observer = h.client().entity<Article>(ARTICLE, doc.documentId, { populate: ['category'] });
    h.watch(observer);
    const fresh = async () => (await h.rest(`/api/articles/${doc.documentId}`, { populate: ['category'] })).data ?? null;
    await expectLiveData(observer, fresh);
    expect(observer.getCurrentResult().data).toMatchObject({ documentId: doc.documentId, category: { name: 'News' } });

    await articles().update({ documentId: doc.documentId, data: { title: 'Renamed', category: tutorials }, status: 'published' });
    await expectLiveData(observer, fresh);
    expect(observer.getCurrentResult().data).toMatchObject({ title: 'Renamed', category: { name: 'Tutorials' } });
    await articles().unpublish({ documentId: doc.documentId });
    await expectLiveData(observer, fresh);
    expect(observer.getCurrentResult().data).toBeNull();
    await articles().publish({ documentId: doc.documentId });
    await expectLiveData(observer, fresh);
    expect(observer.getCurrentResult().data).toMatchObject({ title: 'Renamed' });
    await articles().delete({ documentId: doc.documentId });
    await expectLiveData(observer, fresh);
    expect(observer.getCurrentResult().data).toBeNull();
  });

  it('is null (not an error) for a document that does not exist, and appears when it is published', async () => {
    const draft = await articles().create({ data: { title: uniquePrefix('later') } });
    const observer = h.client().entity<Article>(ARTICLE, draft.documentId);
    h.watch(observer);
    await vi.waitFor(() => expect(observer.getCurrentResult()).toMatchObject({ status: 'success', data: null, isLive: true }));
    await articles().publish({ documentId: draft.documentId });
    await expectLiveData(observer, async () => (await h.rest(`/api/articles/${draft.documentId}`)).data);
  });
});

describe('live.on', () => {
  it('hands raw content events to a handler until it is removed', async () => {
    const live = h.client();
    const received: [string, string][] = [];
    const off = live.on('article:create', (document, meta) => received.push([document.documentId, meta.action]));
    await vi.waitFor(() => expect(live.status.get().state).toBe('connected'));
    const doc = await publish(uniquePrefix('raw'));
    await h.settle(live);
    expect(received).toContainEqual([doc.documentId, 'create']);
    off();
    const count = received.length;
    await publish(uniquePrefix('raw'));
    await h.settle(live);
    expect(received).toHaveLength(count);
  });

  it("passes handlers what the server sent, without Socket.IO's trailing recovery offset", async () => {
    const live = h.client();
    const content: unknown[][] = [];
    const custom: unknown[][] = [];
    const raw: unknown[][] = [];
    live.on('article:create', (...args: unknown[]) => content.push(args));
    live.on('app:notice', (...args: unknown[]) => custom.push(args));
    live.socket.on('article:create' as never, ((...args: unknown[]) => raw.push(args)) as never);
    await vi.waitFor(() => expect(live.status.get().state).toBe('connected'));
    const doc = await publish(uniquePrefix('offset'));
    await h.settle(live);
    // A broadcast and a private socket.emit both carry an offset.
    h.strapi.$io.server.emit('app:notice', 'hello', 42);
    h.strapi.$io.server.of('/').sockets.get(live.socket.id!)!.emit('app:notice', 'a string last');
    await vi.waitFor(() => expect(custom).toHaveLength(2));

    // What a raw socket.on handler gets with recovery on: one more argument, the offset.
    expect(raw).toHaveLength(1);
    expect(raw[0]).toHaveLength(3);
    expect(typeof raw[0]![2]).toBe('string');
    expect(content).toEqual([[expect.objectContaining({ documentId: doc.documentId }), expect.objectContaining({ action: 'create', documentId: doc.documentId })]]);
    expect(custom).toEqual([['hello', 42], ['a string last']]);
  });
});

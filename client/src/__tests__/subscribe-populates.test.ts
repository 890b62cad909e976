import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Ack, CollectionSubscriptionAck, StrapiDocument, SubscribeRequest } from '../protocol';
import type { LiveClient } from '../live-client';
import { ARTICLE, CATEGORY, expectLiveData, uniquePrefix, useLiveHarness } from './live-harness';

/**
 * A collection subscription tells the server what its REST reads populate (`populates`), so that
 * `io:related` reaches only the sockets that show the changed document populated. Checked on the
 * `subscribe` messages the example app's server really receives.
 */
const h = useLiveHarness();
const AUTHOR = 'api::author.author';

type Article = StrapiDocument & { title: string; author?: { name: string } | null };

interface Received {
  socket: string;
  payload: SubscribeRequest;
  /** The acknowledgement, once the server sent it. */
  ack?: Ack<CollectionSubscriptionAck>;
  /** Subscribes of the same socket in flight (received, not yet acknowledged) when this one arrived. */
  inFlight: number;
}

let received: Received[] = [];

// A Socket.IO middleware on every server socket, as bench/live-queries.mjs times subscribes: it sees
// each `subscribe` as it arrives, and its acknowledgement as it leaves.
beforeAll(() => {
  const pending = new Map<string, number>();
  h.strapi.$io.server.on('connection', (socket) => {
    socket.use((packet, next) => {
      const last = packet.length - 1;
      if (packet[0] === 'subscribe' && typeof packet[last] === 'function') {
        const ack = packet[last] as (response: Ack<CollectionSubscriptionAck>) => void;
        const entry: Received = { socket: socket.id, payload: packet[1] as SubscribeRequest, inFlight: pending.get(socket.id) ?? 0 };
        received.push(entry);
        pending.set(socket.id, entry.inFlight + 1);
        packet[last] = (response: Ack<CollectionSubscriptionAck>) => {
          entry.ack = response;
          pending.set(socket.id, (pending.get(socket.id) ?? 1) - 1);
          ack(response);
        };
      }
      next();
    });
  });
});

/** What one client's socket sent, with the acknowledgements. */
const sentBy = (live: LiveClient) => received.filter((entry) => entry.socket === live.socket.id);
const ackId = (entry: Received | undefined) => (entry?.ack?.success ? entry.ack.id : undefined);

/** A fetch that records the article list reads it makes (their decoded query strings). */
function countingFetch() {
  const reads: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    if (url.pathname === '/api/articles') reads.push(decodeURIComponent(url.search));
    return fetch(input, init);
  };
  return { reads, fetch: fetchImpl, count: (part: string) => reads.filter((search) => search.includes(part)).length };
}

async function articleBy(prefix: string): Promise<{ category: string; author: string }> {
  const category = (await h.strapi.documents(CATEGORY).create({ data: { name: `${prefix}cat`, slug: `${prefix}cat`.toLowerCase() } })).documentId;
  const author = (await h.strapi.documents(AUTHOR).create({ data: { name: `${prefix}author` }, status: 'published' })).documentId;
  await h.strapi.documents(ARTICLE).create({ data: { title: `${prefix}a`, category, author }, status: 'published' });
  return { category, author };
}

describe('populates in the subscribe payload', () => {
  it('is left out for a query without populate, and carries the populate of one that has one', async () => {
    const prefix = uniquePrefix('populates');
    await articleBy(prefix);
    const filters = { title: { $startsWith: prefix } };
    received = [];
    const plainClient = h.client();
    const populatedClient = h.client();
    const plain = plainClient.collection(ARTICLE, { filters });
    const populated = populatedClient.collection(ARTICLE, { filters, populate: { category: true } });
    h.watch(plain);
    h.watch(populated);
    await expectLiveData(plain, async () => (await h.rest('/api/articles', { filters })).data);
    await expectLiveData(populated, async () => (await h.rest('/api/articles', { filters, populate: { category: true } })).data);

    const [plainSent] = sentBy(plainClient);
    expect(sentBy(plainClient)).toHaveLength(1);
    expect(plainSent!.payload).toEqual({ uid: ARTICLE, filters });
    expect('populates' in plainSent!.payload).toBe(false);
    expect(sentBy(populatedClient).map((entry) => entry.payload)).toEqual([{ uid: ARTICLE, filters, populates: [{ category: true }] }]);
    expect(ackId(plainSent)).toBeDefined();
  });

  it('widens an active subscription with one more subscribe for an observer bringing another populate: same id, no read for the others, and its relation stays fresh', async () => {
    const prefix = uniquePrefix('widen');
    const { author } = await articleBy(prefix);
    const filters = { title: { $startsWith: prefix } };
    const byCategory = { filters, populate: { category: true } };
    const byAuthor = { filters, sort: 'title', populate: ['author'] };
    received = [];
    const rest = countingFetch();
    const live = h.client({ fetch: rest.fetch });
    const first = live.collection<Article>(ARTICLE, byCategory);
    h.watch(first);
    await expectLiveData(first, async () => (await h.rest('/api/articles', byCategory)).data);
    expect(sentBy(live)).toHaveLength(1);
    const id = ackId(sentBy(live)[0]);
    expect(id).toBeDefined();
    const categoryReads = rest.count('populate[category]');

    const second = live.collection<Article>(ARTICLE, byAuthor);
    h.watch(second);
    await expectLiveData(second, async () => (await h.rest('/api/articles', byAuthor)).data);
    // The same populate written another way (an equal object): nothing more to tell the server.
    const third = live.collection<Article>(ARTICLE, { filters, sort: 'title:desc', populate: { category: true } });
    h.watch(third);
    await vi.waitFor(() => expect(third.getCurrentResult()).toMatchObject({ isLive: true, isFetching: false }));
    await h.settle(live);

    const sent = sentBy(live);
    expect(sent.map((entry) => entry.payload)).toEqual([
      { uid: ARTICLE, filters, populates: [{ category: true }] },
      { uid: ARTICLE, filters, populates: [{ category: true }, ['author']] },
    ]);
    expect(sent.map(ackId)).toEqual([id, id]);
    expect(sent.map((entry) => entry.inFlight)).toEqual([0, 0]);
    // The widening read nothing again: the first query kept its reads, the second read once.
    expect(rest.count('populate[category]')).toBe(categoryReads + 1); // the third query's own read
    expect(rest.count('populate[0]=author')).toBe(1);

    // The server now tells this socket of the author it did not know this subscription shows.
    await h.strapi.documents(AUTHOR).update({ documentId: author, data: { name: `${prefix}renamed` }, status: 'published' });
    await vi.waitFor(() => expect(second.getCurrentResult().data?.[0]?.author?.name).toBe(`${prefix}renamed`));
    await expectLiveData(second, async () => (await h.rest('/api/articles', byAuthor)).data);
  });

  it('sends the populate of an observer that joined while subscribing after the acknowledgement, never two subscribes at once', async () => {
    const prefix = uniquePrefix('joined');
    await articleBy(prefix);
    const filters = { title: { $startsWith: prefix } };
    const live = h.client();
    // Connected first: else both would join before the first subscribe, and it would carry both.
    live.connect();
    await vi.waitFor(() => expect(live.status.get().state).toBe('connected'));
    received = [];
    const byCategory = live.collection<Article>(ARTICLE, { filters, populate: ['category'] });
    const byAuthor = live.collection<Article>(ARTICLE, { filters, populate: ['author'] });
    h.watch(byCategory); // the subscribe leaves here...
    h.watch(byAuthor); // ...and this joins it before its acknowledgement
    await expectLiveData(byCategory, async () => (await h.rest('/api/articles', { filters, populate: ['category'] })).data);
    await expectLiveData(byAuthor, async () => (await h.rest('/api/articles', { filters, populate: ['author'] })).data);
    await vi.waitFor(() => expect(sentBy(live).every((entry) => entry.ack)).toBe(true));

    const sent = sentBy(live);
    expect(sent.map((entry) => entry.payload)).toEqual([
      { uid: ARTICLE, filters, populates: [['category']] },
      { uid: ARTICLE, filters, populates: [['category'], ['author']] },
    ]);
    expect(sent.map((entry) => entry.inFlight)).toEqual([0, 0]);
    expect(new Set(sent.map(ackId)).size).toBe(1);
  });

  it('subscribes with every populate after a reconnect that starts a new session', async () => {
    const prefix = uniquePrefix('session');
    await articleBy(prefix);
    const filters = { title: { $startsWith: prefix } };
    const live = h.client();
    const byCategory = live.collection<Article>(ARTICLE, { filters, populate: { category: true } });
    h.watch(byCategory);
    await expectLiveData(byCategory, async () => (await h.rest('/api/articles', { filters, populate: { category: true } })).data);
    const byAuthor = live.collection<Article>(ARTICLE, { filters, populate: { author: true } });
    h.watch(byAuthor);
    await expectLiveData(byAuthor, async () => (await h.rest('/api/articles', { filters, populate: { author: true } })).data);
    await h.settle(live);
    expect(sentBy(live).map((entry) => entry.payload.populates)).toEqual([[{ category: true }], [{ category: true }, { author: true }]]);

    received = [];
    // No event received yet, so Socket.IO has no offset to resume from: a new session.
    await h.dropAndReturn(live, async () => {});
    expect(live.socket.recovered).toBe(false);
    await expectLiveData(byAuthor, async () => (await h.rest('/api/articles', { filters, populate: { author: true } })).data);
    await h.settle(live);
    expect(sentBy(live).map((entry) => entry.payload)).toEqual([{ uid: ARTICLE, filters, populates: [{ category: true }, { author: true }] }]);
  });
  it('keeps within the server’s limits: past 16 populates on one query the rest are left out with a warning, and the subscription stays', async () => {
    const prefix = uniquePrefix('limits');
    await articleBy(prefix);
    const filters = { title: { $startsWith: prefix } };
    const warnings: string[] = [];
    const live = h.client({ logger: { debug() {}, info() {}, warn: (message: string) => warnings.push(message), error() {} } });
    received = [];
    // 17 distinct populates of one query (each filters the populated category its own way).
    const queries = Array.from({ length: 17 }, (_, i) => live.collection<Article>(ARTICLE, { filters, populate: { category: { filters: { name: { $ne: `never-${i}` } } } } }));
    for (const query of queries) h.watch(query);
    for (const query of queries) await vi.waitFor(() => expect(query.getCurrentResult()).toMatchObject({ isLive: true, isFetching: false }));
    await h.settle(live);
    await vi.waitFor(() => expect(sentBy(live).every((entry) => entry.ack)).toBe(true));
    const sent = sentBy(live);
    expect(sent.every((entry) => entry.ack?.success)).toBe(true);
    expect(Math.max(...sent.map((entry) => entry.payload.populates?.length ?? 0))).toBe(16);
    expect(warnings.filter((message) => message.includes('more than 16 populates'))).toHaveLength(1);
  });
});

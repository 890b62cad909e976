import { QueryClient } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveQuery } from '../live-query';
import type { DatabaseOrder, EventMeta, RestInfo, StrapiDocument } from '../protocol';
import { normalizeCollection } from '../query-options';
import type { CollectionOptions } from '../query-options';
import type { RestClient } from '../rest';
import type { Logger } from '../logger';
import type { SubscriptionConsumer, SubscriptionRegistry } from '../subscription-registry';

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const REST: RestInfo = { path: '/api/articles', singularName: 'article', pluralName: 'articles', kind: 'collectionType', draftAndPublish: true, localized: false };

const linguistic = new Intl.Collator('en');

/**
 * A live query on a fake server: REST answers what `put` stored, ordered by `sortBy` as a database
 * with a linguistic collation orders it (then by id), and the test hands the query events as the
 * subscription would.
 */
function setup(options: CollectionOptions, order: DatabaseOrder | undefined, sortBy: 'title' | 'binary title' | 'rank' = 'title') {
  const server = new Map<string, StrapiDocument>();
  let consumer: SubscriptionConsumer | undefined;
  const reads = { list: 0 };
  const read = () => {
    reads.list += 1;
    const byValue = (a: StrapiDocument, b: StrapiDocument): number => {
      if (sortBy === 'rank') return Number(a.rank) - Number(b.rank);
      const [x, y] = [String(a.title), String(b.title)];
      return sortBy === 'title' ? linguistic.compare(x, y) : x < y ? -1 : x > y ? 1 : 0;
    };
    const compare = (a: StrapiDocument, b: StrapiDocument) => byValue(a, b) || Number(a.id) - Number(b.id);
    return [...server.values()].sort(compare);
  };
  const rest = {
    listAll: async () => ({ data: read(), pages: 1 }),
    list: async () => ({ data: read(), pagination: undefined }),
    one: async () => null,
  } as unknown as RestClient;
  const registry = {
    acquire: (_query: unknown, _hash: string, each: SubscriptionConsumer) => {
      consumer = each;
      return () => {};
    },
  } as unknown as SubscriptionRegistry;
  const live = new LiveQuery({ query: normalizeCollection('api::article.article', options), rest, registry, queryClient: new QueryClient(), logger: quietLogger });
  live.start();
  let sequence = 0;
  return {
    live,
    reads,
    /** Writes documents on the server, without events. */
    put(...documents: StrapiDocument[]) {
      for (const document of documents) server.set(document.documentId, document);
    },
    activate: () => consumer!.onActive(REST, order),
    /** Writes a document on the server, and sends its event. */
    emit(document: StrapiDocument) {
      server.set(document.documentId, document);
      sequence += 1;
      const meta: EventMeta = {
        uid: 'api::article.article',
        action: 'update',
        cause: 'update',
        documentId: document.documentId,
        locale: null,
        status: 'published',
        eventId: `n-${String(sequence).padStart(6, '0')}`,
        ts: 1000 + sequence,
      };
      consumer!.onEvent(document, meta);
    },
    titles: () => (live.snapshot.get().data as StrapiDocument[] | undefined)?.map((document) => document.title),
  };
}

const article = (id: number, title: string, rank = 0): StrapiDocument => ({ id, documentId: `d${id}`, title, rank });

describe('a live query under a linguistic collation', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads a list sorted by text again once for a burst of events, not once per event', async () => {
    const q = setup({ sort: 'title' }, { text: 'collation', nulls: 'last' });
    q.put(...Array.from({ length: 20 }, (_, i) => article(i + 1, `t${i % 2 ? 'a' : 'B'}${i}`)));
    q.activate();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.reads.list).toBe(1);

    // 20 retitles, 2 ms apart: one read once they stop, which has them in the database's order.
    for (let i = 0; i < 20; i++) {
      q.emit(article(i + 1, i % 3 ? `é${i}` : `E${i}`));
      await vi.advanceTimersByTimeAsync(2);
    }
    await vi.advanceTimersByTimeAsync(50);
    expect(q.reads.list).toBe(2);
    expect(q.titles()?.slice(0, 4)).toEqual(['E0', 'é1', 'é10', 'é11']);

    // Two more bursts, apart: a read each.
    for (const burst of [0, 1]) {
      q.emit(article(1, `u${burst}`));
      q.emit(article(2, `v${burst}`));
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(q.reads.list).toBe(4);
    q.live.stop();
  });

  it('applies events locally where no collation decides: a numeric sort, an edit that keeps the title', async () => {
    const q = setup({ sort: 'rank' }, { text: 'collation', nulls: 'last' }, 'rank');
    q.put(article(1, 'a', 1), article(2, 'b', 3));
    q.activate();
    await vi.advanceTimersByTimeAsync(0);
    q.emit(article(3, 'c', 2));
    q.emit(article(1, 'a', 5));
    await vi.advanceTimersByTimeAsync(50);
    expect(q.reads.list).toBe(1);
    expect(q.titles()).toEqual(['c', 'b', 'a']);
    q.live.stop();

    const byTitle = setup({ sort: 'title' }, { text: 'collation', nulls: 'last' });
    byTitle.put(article(1, 'a', 1), article(2, 'B', 1));
    byTitle.activate();
    await vi.advanceTimersByTimeAsync(0);
    byTitle.emit(article(1, 'a', 9));
    await vi.advanceTimersByTimeAsync(50);
    expect(byTitle.reads.list).toBe(1);
    byTitle.live.stop();
  });

  it('orders text itself for a server that says binary, or nothing (an older server)', async () => {
    for (const order of [{ text: 'binary', nulls: 'first' } as const, undefined]) {
      const q = setup({ sort: 'title' }, order, 'binary title');
      q.put(article(1, 'B'), article(2, 'a'));
      q.activate();
      await vi.advanceTimersByTimeAsync(0);
      q.emit(article(3, 'C'));
      await vi.advanceTimersByTimeAsync(50);
      expect(q.reads.list).toBe(1);
      expect(q.titles()).toEqual(['B', 'C', 'a']);
      q.live.stop();
    }
  });
});

import { QueryClient } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveQuery } from '../live-query';
import type { RestInfo, StrapiDocument } from '../protocol';
import { normalizeCollection } from '../query-options';
import type { RestClient } from '../rest';
import type { Logger } from '../logger';
import type { SubscriptionConsumer, SubscriptionRegistry } from '../subscription-registry';

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const REST: RestInfo = { path: '/api/articles', singularName: 'article', pluralName: 'articles', kind: 'collectionType', draftAndPublish: true, localized: false };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('a live query whose read fails while the connection is down', () => {
  it('does not retry against the dead server, and reads once the connection recovers', async () => {
    let serverUp = true;
    let reads = 0;
    const documents: StrapiDocument[] = [{ id: 1, documentId: 'a', title: 'A' }];
    const rest = {
      listAll: async () => {
        reads += 1;
        if (!serverUp) throw new TypeError('fetch failed');
        return { data: documents, pages: 1 };
      },
    } as unknown as RestClient;
    let consumer: SubscriptionConsumer | undefined;
    const registry = { acquire: (_q: unknown, _h: string, each: SubscriptionConsumer) => ((consumer = each), () => {}) } as unknown as SubscriptionRegistry;
    const live = new LiveQuery({ query: normalizeCollection('api::article.article', {}), rest, registry, queryClient: new QueryClient(), logger: quietLogger });
    live.start();
    consumer!.onActive(REST);
    await vi.runAllTimersAsync();
    expect(reads).toBe(1);

    // The server goes down: the connection drops, and a read asked meanwhile fails.
    serverUp = false;
    consumer!.onOffline();
    void live.refetch();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(reads, 'reads while offline: the one asked, no retries').toBe(2);

    serverUp = true;
    documents.push({ id: 2, documentId: 'b', title: 'B' });
    consumer!.onRecovered();
    await vi.runAllTimersAsync();
    expect(reads).toBe(3);
    expect((live.snapshot.get().data as StrapiDocument[]).map(({ title }) => title)).toEqual(['A', 'B']);
    expect(live.snapshot.get().error).toBeNull();
    live.stop();
  });
});

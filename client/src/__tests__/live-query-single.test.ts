import { QueryClient } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveQuery } from '../live-query';
import type { EventMeta, RestInfo, StrapiDocument } from '../protocol';
import { normalizeSingle } from '../query-options';
import type { RestClient } from '../rest';
import type { Logger } from '../logger';
import type { SubscriptionConsumer, SubscriptionRegistry } from '../subscription-registry';

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const REST: RestInfo = { path: '/api/homepage', singularName: 'homepage', pluralName: 'homepages', kind: 'singleType', draftAndPublish: true, localized: true };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/**
 * Event orders the real server does not send (it deletes a single type's old entry before it
 * creates the new one), so the live-single integration tests cannot reach them: a fake REST
 * holding the entry, and events handed to the query as its subscription would.
 */
function setup() {
  let entry: StrapiDocument | null = { id: 1, documentId: 'a', headline: 'A' };
  let reads = 0;
  const rest = {
    single: async () => {
      reads += 1;
      return entry;
    },
  } as unknown as RestClient;
  let consumer: SubscriptionConsumer | undefined;
  const registry = { acquire: (_q: unknown, _h: string, each: SubscriptionConsumer) => ((consumer = each), () => {}) } as unknown as SubscriptionRegistry;
  const live = new LiveQuery({ query: normalizeSingle('api::homepage.homepage', { locale: 'en' }), rest, registry, queryClient: new QueryClient(), logger: quietLogger });
  live.start();
  let sequence = 0;
  return {
    live,
    reads: () => reads,
    activate: () => consumer!.onActive(REST),
    /** Makes `document` the server's entry and sends its event. */
    emit(action: EventMeta['action'], document: StrapiDocument) {
      entry = document;
      sequence += 1;
      consumer!.onEvent(document, {
        uid: 'api::homepage.homepage',
        action,
        cause: action,
        documentId: document.documentId,
        locale: 'en',
        status: 'published',
        eventId: `n-${sequence}`,
        ts: 1000 + sequence,
      });
    },
    data: () => live.snapshot.get().data,
  };
}

describe('a live single type', () => {
  it('reads again, rather than guessing, when an event names another entry than the one it holds', async () => {
    const q = setup();
    q.activate();
    await vi.runAllTimersAsync();
    expect(q.data()).toMatchObject({ documentId: 'a' });

    q.emit('create', { id: 2, documentId: 'b', headline: 'B' });
    await vi.runAllTimersAsync();
    expect(q.reads()).toBe(2);
    expect(q.data()).toEqual({ id: 2, documentId: 'b', headline: 'B' });

    // Its own entry's events apply as they come: no read.
    q.emit('update', { id: 2, documentId: 'b', headline: 'B2' });
    await vi.runAllTimersAsync();
    expect(q.reads()).toBe(2);
    expect(q.data()).toEqual({ id: 2, documentId: 'b', headline: 'B2' });
    q.live.stop();
  });
});

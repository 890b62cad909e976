import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it } from 'vitest';
import { LiveQuery } from '../live-query';
import type { LiveResult } from '../live-result';
import type { Logger } from '../logger';
import type { EventMeta, RestInfo, StrapiDocument } from '../protocol';
import { normalizeCollection } from '../query-options';
import type { RestClient } from '../rest';
import type { SubscriptionConsumer, SubscriptionRegistry } from '../subscription-registry';

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const REST: RestInfo = { path: '/api/articles', singularName: 'article', pluralName: 'articles', kind: 'collectionType', draftAndPublish: true, localized: false };
const article = (id: number, title: string): StrapiDocument => ({ id, documentId: `d${id}`, title, updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString() });

/** A live query sorted by title over a fake REST, counting its cache writes and snapshots; events are handed to it as its subscription would. */
async function setup() {
  const initial = Array.from({ length: 20 }, (_, i) => article(i + 1, `t${String(i + 1).padStart(2, '0')}`));
  const rest = { listAll: async () => ({ data: initial.map((doc) => ({ ...doc })), pages: 1 }) } as unknown as RestClient;
  let consumer: SubscriptionConsumer | undefined;
  const registry = { acquire: (_q: unknown, _h: string, each: SubscriptionConsumer) => ((consumer = each), () => {}) } as unknown as SubscriptionRegistry;
  const queryClient = new QueryClient();
  const query = normalizeCollection('api::article.article', { sort: 'title' });
  const live = new LiveQuery({ query, rest, registry, queryClient, logger: quietLogger });
  live.start();
  consumer!.onActive(REST);
  await new Promise((resolve) => setTimeout(resolve, 0));
  const snapshots: LiveResult<unknown>[] = [];
  live.snapshot.subscribe((result) => snapshots.push(result));
  let writes = 0;
  queryClient.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'success') writes += 1;
  });
  let sequence = 0;
  return {
    live,
    snapshots,
    writes: () => writes,
    titles: () => (live.snapshot.get().data as StrapiDocument[]).map((doc) => doc.title),
    cached: () => queryClient.getQueryData(query.queryKey),
    emit(action: EventMeta['action'], document: StrapiDocument) {
      sequence += 1;
      const meta: EventMeta = { uid: 'api::article.article', action, cause: action, documentId: document.documentId, locale: null, status: 'published', eventId: `n-${sequence}`, ts: 10_000 + sequence };
      consumer!.onEvent(action === 'delete' ? { documentId: document.documentId, locale: null } : document, meta);
    },
  };
}

/** The same burst for both runs: creates, moves, edits in place, deletes, a duplicate. */
function burst(emit: (action: EventMeta['action'], document: StrapiDocument) => void): void {
  emit('create', article(30, 't055'));
  emit('update', article(3, 't99'));
  emit('update', { ...article(5, 't05'), body: 'edited' });
  emit('delete', article(7, ''));
  emit('create', article(31, 't00'));
  emit('update', article(30, 't01'));
  emit('delete', article(31, ''));
}

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('a live query applies the events of one tick together', () => {
  it('one cache write, one snapshot, one notification, and the same list as applying them one tick at a time', async () => {
    const together = await setup();
    const before = together.live.snapshot.get();
    burst(together.emit);
    expect(together.live.snapshot.get()).toBe(before); // nothing yet: they wait for the microtask
    await tick();
    expect(together.snapshots).toHaveLength(1);
    expect(together.writes()).toBe(1);

    const apart = await setup();
    let step = 0;
    const events: [EventMeta['action'], StrapiDocument][] = [];
    burst((action, document) => events.push([action, document]));
    for (const [action, document] of events) {
      apart.emit(action, document);
      await tick();
      step += 1;
    }
    expect(step).toBe(7);
    expect(apart.snapshots.length).toBeGreaterThan(1);
    expect(together.titles()).toEqual(apart.titles());
    expect(together.cached()).toEqual(apart.cached());
    expect(together.titles().slice(0, 3)).toEqual(['t01', 't01', 't02']);
  });

  it('applies what arrived this tick before anything else the query is told in the same tick', async () => {
    const q = await setup();
    q.emit('create', article(40, 't000'));
    q.live.stop(); // in the same tick: the event is applied first, and the cache keeps it
    expect((q.cached() as StrapiDocument[])[0]!.documentId).toBe('d40');
    expect(q.snapshots).toHaveLength(2); // the event, then stopped (not live)
  });
});

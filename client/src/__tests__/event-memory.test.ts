import { describe, expect, it } from 'vitest';
import { applyEvent, emptyState, fromFetch, heldCounts } from '../collection-state';
import type { CollectionState } from '../collection-state';
import { EventMemory, MEMORY_LIMITS } from '../event-memory';
import type { EventMeta, StrapiDocument } from '../protocol';
import { parseSort } from '../sort';

describe('EventMemory: bounded', () => {
  it('remembers the latest event ids, forgetting the oldest past the window', () => {
    const memory = new EventMemory({ eventIds: 3, absentClocks: 3 });
    for (const id of ['e1', 'e2', 'e3', 'e4']) memory.see(id);
    expect(['e1', 'e2', 'e3', 'e4'].map((id) => memory.hasSeen(id))).toEqual([false, true, true, true]);
    expect(memory.size.eventIds).toBe(3);
  });

  it('keeps a clock while its document is in the list, and for the latest departures only', () => {
    const memory = new EventMemory({ eventIds: 10, absentClocks: 2 });
    memory.record('held', 5, true);
    memory.record('gone1', 10, false);
    memory.record('gone2', 20, false);
    expect([memory.clock('held'), memory.clock('gone1'), memory.clock('gone2')]).toEqual([5, 10, 20]);
    memory.record('gone3', 30, false); // a third departure: the oldest clock goes
    expect([memory.clock('held'), memory.clock('gone1'), memory.clock('gone2'), memory.clock('gone3')]).toEqual([5, undefined, 20, 30]);
    expect(memory.size.clocks).toBe(3);
  });

  it('never moves a clock back, and counts a document that left again as a new departure', () => {
    const memory = new EventMemory({ eventIds: 10, absentClocks: 2 });
    memory.record('a', 50, false);
    memory.record('a', 40, true);
    expect(memory.clock('a')).toBe(50);
    memory.record('b', 60, false);
    memory.left('a'); // pushed off a page: now the latest departure
    memory.record('c', 70, false);
    expect([memory.clock('a'), memory.clock('b'), memory.clock('c')]).toEqual([50, undefined, 70]);
  });

  it('sorts clocks again after a read by whether their document is in it', () => {
    const memory = new EventMemory({ eventIds: 10, absentClocks: 1 });
    memory.record('a', 1, true);
    memory.record('b', 2, false);
    memory.reconcile((documentId) => documentId === 'b');
    // a left with the read, then c's departure takes the one slot: a's clock goes; b, now in the list, keeps its.
    memory.record('c', 3, false);
    expect([memory.clock('a'), memory.clock('b'), memory.clock('c')]).toEqual([undefined, 2, 3]);
  });

  it('brings an earlier version back, and the later one after it', () => {
    const memory = new EventMemory({ eventIds: 2, absentClocks: 2 });
    memory.see('e1');
    memory.record('a', 1, true);
    const first = memory.commit();
    memory.see('e2');
    memory.see('e3');
    memory.record('a', 9, false);
    memory.record('b', 4, false);
    const second = memory.commit();
    memory.checkout(first);
    expect([memory.hasSeen('e1'), memory.hasSeen('e2'), memory.hasSeen('e3'), memory.clock('a'), memory.clock('b')]).toEqual([true, false, false, 1, undefined]);
    memory.checkout(second);
    expect([memory.hasSeen('e1'), memory.hasSeen('e2'), memory.hasSeen('e3'), memory.clock('a'), memory.clock('b')]).toEqual([false, true, true, 9, 4]);
  });
});

describe('a collection state holds its list plus a fixed window, whatever the number of events', () => {
  type Doc = StrapiDocument & { title: string };
  const meta = (action: EventMeta['action'], documentId: string, n: number): EventMeta => ({
    uid: 'api::article.article',
    action,
    cause: action === 'delete' ? 'delete' : 'publish',
    documentId,
    locale: null,
    status: 'published',
    eventId: `node-${n}`,
    ts: 1000 + n,
  });

  it('after 100,000 creates, updates and deletes of ever new documents', () => {
    const options = { sort: parseSort('title') };
    const initial: Doc[] = Array.from({ length: 100 }, (_, i) => ({ id: i, documentId: `d${i}`, title: `t${String(i).padStart(6, '0')}` }));
    let state: CollectionState<Doc> = fromFetch(emptyState<Doc>(), initial, undefined);
    let n = 0;
    let lastDeleted = '';
    for (let round = 0; round < 33_334; round++) {
      const id = 1000 + round;
      const documentId = `d${id}`;
      const doc = { id, documentId, title: `t${String(id).padStart(6, '0')}` };
      state = applyEvent(state, { action: 'create', document: doc, meta: meta('create', documentId, ++n) }, options).state;
      state = applyEvent(state, { action: 'update', document: { ...doc, body: n }, meta: meta('update', documentId, ++n) }, options).state;
      lastDeleted = state.items[round % state.items.length]!.documentId;
      state = applyEvent(state, { action: 'delete', document: null, meta: meta('delete', lastDeleted, ++n) }, options).state;
    }
    expect(n).toBeGreaterThanOrEqual(100_000);
    expect(state.items).toHaveLength(100);
    const held = heldCounts(state);
    expect(held.eventIds).toBe(MEMORY_LIMITS.eventIds);
    expect(held.clocks).toBeLessThanOrEqual(state.items.length + MEMORY_LIMITS.absentClocks);
    // The latest departure is still known: a create of it that lags its delete is stale.
    const late = { ...meta('create', lastDeleted, n - 1), eventId: 'late' };
    expect(applyEvent(state, { action: 'create', document: { id: 1, documentId: lastDeleted, title: 'x' }, meta: late }, options).outcome).toBe('stale');
  });
});

import { describe, expect, it } from 'vitest';
import { applyEvent, emptyState, fromFetch, recordEvent } from '../collection-state';
import type { CollectionState, QueryEvent, StateOptions } from '../collection-state';
import type { ContentAction, EventMeta, StrapiDocument } from '../protocol';
import type { Pagination } from '../rest';
import { parseSort } from '../sort';

type Doc = StrapiDocument & { title: string };

let sequence = 0;
function event(action: ContentAction, doc: Partial<Doc> & { documentId: string }, meta: Partial<EventMeta> = {}): QueryEvent<Doc> {
  sequence += 1;
  return {
    action,
    document: action === 'delete' ? null : ({ id: sequence, title: 'x', ...doc } as Doc),
    meta: {
      uid: 'api::article.article',
      action,
      cause: action === 'delete' ? 'delete' : 'publish',
      documentId: doc.documentId,
      locale: null,
      status: 'published',
      eventId: `node-${String(sequence).padStart(10, '0')}`,
      ts: 1000 + sequence,
      ...meta,
    },
  };
}

function run(state: CollectionState<Doc>, events: QueryEvent<Doc>[], options: StateOptions = { sort: [] }) {
  const outcomes: string[] = [];
  for (const each of events) {
    const result = applyEvent(state, each, options);
    state = result.state;
    outcomes.push(result.outcome);
  }
  return { state, outcomes, titles: state.items.map((doc) => doc.title) };
}

const doc = (documentId: string, title: string, extra: Partial<Doc> = {}): Doc => ({ id: ++sequence, documentId, title, ...extra });

describe('applyEvent: order and staleness', () => {
  it('applies an event id seen twice once', () => {
    const first = event('update', { documentId: 'a', title: 'first', updatedAt: '2026-01-01T00:00:00.000Z' }, { ts: 5 });
    const second = event('update', { documentId: 'a', title: 'second', updatedAt: '2026-01-01T00:00:00.000Z' }, { ts: 5 });
    // Same ts and same updatedAt: only the event id tells that the replay of `first` is old.
    const { titles, outcomes } = run(emptyState(), [first, second, first]);
    expect(outcomes).toEqual(['applied', 'applied', 'duplicate']);
    expect(titles).toEqual(['second']);
  });

  it('drops an event older (by meta.ts) than the last one applied to that document', () => {
    const { titles, outcomes } = run(emptyState(), [
      event('create', { documentId: 'a', title: 'new' }, { ts: 20 }),
      event('update', { documentId: 'a', title: 'old' }, { ts: 10 }),
    ]);
    expect(outcomes).toEqual(['applied', 'stale']);
    expect(titles).toEqual(['new']);
  });

  it('drops an update older (by updatedAt) than the document it holds from a REST read', () => {
    const fetched = fromFetch(emptyState<Doc>(), [doc('a', 'fresh', { updatedAt: '2026-01-01T00:00:02.000Z' })], undefined);
    const { titles, outcomes } = run(fetched, [event('update', { documentId: 'a', title: 'buffered', updatedAt: '2026-01-01T00:00:01.000Z' })]);
    expect(outcomes).toEqual(['stale']);
    expect(titles).toEqual(['fresh']);
  });

  it('applies a discarded draft although it carries the published version’s older updatedAt', () => {
    const edited = fromFetch(emptyState<Doc>(), [doc('a', 'edited draft', { updatedAt: '2026-01-01T00:00:02.000Z' })], undefined);
    const discard = event('update', { documentId: 'a', title: 'published', updatedAt: '2026-01-01T00:00:01.000Z' }, { cause: 'discardDraft', status: 'draft' });
    const { titles, outcomes } = run(edited, [discard]);
    expect(outcomes).toEqual(['applied']);
    expect(titles).toEqual(['published']);
  });

  it('applies a buffered update newer than the REST read', () => {
    const fetched = fromFetch(emptyState<Doc>(), [doc('a', 'read', { updatedAt: '2026-01-01T00:00:01.000Z' })], undefined);
    const { titles } = run(fetched, [event('update', { documentId: 'a', title: 'later', updatedAt: '2026-01-01T00:00:02.000Z' })]);
    expect(titles).toEqual(['later']);
  });

  it('orders create and delete across absence by meta.ts, not updatedAt (a re-publish carries the older draft updatedAt)', () => {
    const start = fromFetch(emptyState<Doc>(), [doc('a', 'published', { updatedAt: '2026-01-01T00:00:05.000Z' })], undefined);
    const { titles, outcomes } = run(start, [
      event('delete', { documentId: 'a' }, { ts: Date.parse('2026-01-01T00:00:10.000Z') }),
      // Re-published later, with the draft's updatedAt: older than the unpublish.
      event('create', { documentId: 'a', title: 'republished', updatedAt: '2026-01-01T00:00:05.000Z' }, { ts: Date.parse('2026-01-01T00:00:20.000Z') }),
    ]);
    expect(outcomes).toEqual(['applied', 'applied']);
    expect(titles).toEqual(['republished']);
  });

  it('drops a create older than the delete that removed the document', () => {
    const { titles, outcomes } = run(emptyState(), [
      event('delete', { documentId: 'a' }, { ts: 30 }),
      event('create', { documentId: 'a', title: 'late replay' }, { ts: 25 }),
    ]);
    expect(outcomes).toEqual(['unchanged', 'stale']);
    expect(titles).toEqual([]);
  });

  it('remembers events a REST read already includes, so a replay of one is not applied again', () => {
    const included = event('delete', { documentId: 'a' }, { ts: 50 });
    let state = recordEvent(emptyState<Doc>(), included.meta);
    state = fromFetch(state, [], undefined);
    const { outcomes } = run(state, [included, event('create', { documentId: 'a', title: 'older' }, { ts: 40 })]);
    expect(outcomes).toEqual(['duplicate', 'stale']);
  });

  it('treats an update of a document it does not hold as an insert, and a delete of one it does not hold as nothing', () => {
    const { titles, outcomes } = run(emptyState(), [event('update', { documentId: 'a', title: 'A' }), event('delete', { documentId: 'zz' })]);
    expect(outcomes).toEqual(['applied', 'unchanged']);
    expect(titles).toEqual(['A']);
  });
});

describe('applyEvent: a whole list keeps its sort', () => {
  const options = { sort: parseSort('title') };

  it('inserts a created document at its sorted place and moves an updated one', () => {
    const start = fromFetch(emptyState<Doc>(), [doc('a', 'a'), doc('c', 'c'), doc('e', 'e')], undefined);
    const { titles } = run(
      start,
      [event('create', { documentId: 'd', title: 'd' }), event('update', { documentId: 'a', title: 'f' }), event('delete', { documentId: 'c' })],
      options,
    );
    expect(titles).toEqual(['d', 'e', 'f']);
  });

  it('breaks ties by id, so a re-published document (a new, higher id) goes after its equals', () => {
    const start = fromFetch(emptyState<Doc>(), [{ id: 1, documentId: 'a', title: 'same' }, { id: 2, documentId: 'b', title: 'same' }], undefined);
    const { state } = run(start, [event('update', { documentId: 'a', title: 'same', id: 9 })], options);
    expect(state.items.map((item) => item.documentId)).toEqual(['b', 'a']);
  });

  it('asks for a read when a document lacks a value the sort needs', () => {
    const start = fromFetch(emptyState<Doc>(), [doc('a', 'a')], undefined);
    const { outcomes } = run(start, [event('create', { documentId: 'b', category: undefined } as never)], { sort: parseSort('category.name') });
    expect(outcomes).toEqual(['refetch']);
  });
});

describe('applyEvent: a page stays what a fresh read of it returns', () => {
  const sort = parseSort('title');
  const pagination = (page: number, total: number, pageSize = 3): Pagination => ({ page, pageSize, pageCount: Math.ceil(total / pageSize), total });
  const page1 = () => fromFetch(emptyState<Doc>(), [doc('b', 'b'), doc('d', 'd'), doc('f', 'f')], pagination(1, 5));
  const page2 = () => fromFetch(emptyState<Doc>(), [doc('h', 'h'), doc('j', 'j'), doc('l', 'l')], pagination(2, 9));
  const onPage = (page: number) => ({ sort, page: { page, pageSize: 3 } });

  it('keeps an update that stays inside the page locally', () => {
    const { titles, outcomes, state } = run(page2(), [event('update', { documentId: 'j', title: 'k' })], onPage(2));
    expect(outcomes).toEqual(['applied']);
    expect(titles).toEqual(['h', 'k', 'l']);
    expect(state.pagination).toEqual(pagination(2, 9));
  });

  it('reads the page again when an update moves a document across its edge', () => {
    expect(run(page2(), [event('update', { documentId: 'j', title: 'z' })], onPage(2)).outcomes).toEqual(['refetch']);
    expect(run(page2(), [event('update', { documentId: 'j', title: 'a' })], onPage(2)).outcomes).toEqual(['refetch']);
  });

  it('on page 1, inserts an entering document and pushes the last one out, counting it', () => {
    const { titles, state } = run(page1(), [event('create', { documentId: 'c', title: 'c' })], onPage(1));
    expect(titles).toEqual(['b', 'c', 'd']);
    expect(state.pagination).toEqual(pagination(1, 6));
  });

  it('on page 1, reads again for a document entering after the page (a read may already count an event that lags it)', () => {
    expect(run(page1(), [event('create', { documentId: 'z', title: 'z' })], onPage(1)).outcomes).toEqual(['refetch']);
  });

  it('on page 1, leaves the page alone when a document from a later page changes but stays after it', () => {
    const { titles, outcomes } = run(page1(), [event('update', { documentId: 'x', title: 'z' })], onPage(1));
    expect(outcomes).toEqual(['unchanged']);
    expect(titles).toEqual(['b', 'd', 'f']);
  });

  it('on page 1, an update of a document from a later page that moves onto it pushes the last one out', () => {
    const { titles, state } = run(page1(), [event('update', { documentId: 'x', title: 'a' })], onPage(1));
    expect(titles).toEqual(['a', 'b', 'd']);
    expect(state.pagination).toEqual(pagination(1, 5));
  });

  it('on page 1, reads again when a document on it leaves and later ones move up', () => {
    expect(run(page1(), [event('delete', { documentId: 'd' })], onPage(1)).outcomes).toEqual(['refetch']);
  });

  it('on page 1, reads again for a document leaving from a later page (the read may already count it)', () => {
    expect(run(page1(), [event('delete', { documentId: 'x' })], onPage(1)).outcomes).toEqual(['refetch']);
  });

  it('on page 1 holding the whole query, removes a leaving document without a read', () => {
    const whole = fromFetch(emptyState<Doc>(), [doc('b', 'b'), doc('d', 'd')], pagination(1, 2));
    const { titles, state, outcomes } = run(whole, [event('delete', { documentId: 'b' })], onPage(1));
    expect(outcomes).toEqual(['applied']);
    expect(titles).toEqual(['d']);
    expect(state.pagination).toEqual(pagination(1, 1));
  });

  it('reads a later page again on any enter or leave (it cannot know where the document was)', () => {
    expect(run(page2(), [event('create', { documentId: 'x', title: 'i' })], onPage(2)).outcomes).toEqual(['refetch']);
    expect(run(page2(), [event('delete', { documentId: 'x' })], onPage(2)).outcomes).toEqual(['refetch']);
    expect(run(page2(), [event('update', { documentId: 'x', title: 'z' })], onPage(2)).outcomes).toEqual(['refetch']);
  });

  it('reads again for an enter or leave that arrived during the read (the read may already count it)', () => {
    const enter = { ...event('create', { documentId: 'z', title: 'z' }), ambiguous: true };
    const leave = { ...event('delete', { documentId: 'x' }), ambiguous: true };
    expect(run(page1(), [enter], onPage(1)).outcomes).toEqual(['refetch']);
    expect(run(page1(), [leave], onPage(1)).outcomes).toEqual(['refetch']);
  });
});

describe('applyEvent: under a linguistic collation, where the SDK cannot order text', () => {
  const order = { text: 'collation', nulls: 'last' } as const;
  const byTitle = { sort: parseSort('title'), order };
  const list = () => fromFetch(emptyState<Doc>(), [{ id: 1, documentId: 'a', title: 'a' }, { id: 2, documentId: 'B', title: 'B' }, { id: 3, documentId: 'c', title: 'c' }], undefined);

  it('reads again instead of placing a document by its title (REST orders a < B < c, code points B < a < c)', () => {
    expect(run(list(), [event('create', { documentId: 'b', title: 'b' })], byTitle).outcomes).toEqual(['refetch']);
    expect(run(list(), [event('update', { documentId: 'a', id: 1, title: 'C' })], byTitle).outcomes).toEqual(['refetch']);
  });

  it('keeps an edit that leaves the sort values as they were in place, with no read', () => {
    const { outcomes, state } = run(list(), [event('update', { documentId: 'B', id: 2, title: 'B', body: 'new' })], byTitle);
    expect(outcomes).toEqual(['applied']);
    expect(state.items.map((item) => [item.title, item.body])).toEqual([['a', undefined], ['B', 'new'], ['c', undefined]]);
    // A page too, even at its edge.
    const page2 = fromFetch(emptyState<Doc>(), [{ id: 4, documentId: 'h', title: 'h' }, { id: 5, documentId: 'j', title: 'j' }], { page: 2, pageSize: 2, pageCount: 3, total: 6 });
    expect(run(page2, [event('update', { documentId: 'h', id: 4, title: 'h', body: 'x' })], { ...byTitle, page: { page: 2, pageSize: 2 } }).outcomes).toEqual(['applied']);
  });

  it('keeps placing locally what no collation decides: numbers, and dates as REST writes them', () => {
    const ranked = fromFetch(emptyState<Doc>(), [{ id: 1, documentId: 'a', title: 'z', rank: 1 }, { id: 2, documentId: 'b', title: 'y', rank: 3 }], undefined);
    const { outcomes, state } = run(ranked, [event('create', { documentId: 'c', title: 'x', rank: 2 })], { sort: parseSort('rank'), order });
    expect(outcomes).toEqual(['applied']);
    expect(state.items.map((item) => item.documentId)).toEqual(['a', 'c', 'b']);
    const dated = fromFetch(emptyState<Doc>(), [{ id: 1, documentId: 'a', title: 'a', publishedAt: '2026-01-02T00:00:00.000Z' }], undefined);
    const later = event('create', { documentId: 'b', title: 'b', publishedAt: '2026-01-10T00:00:00.000Z' });
    expect(run(dated, [later], { sort: parseSort('publishedAt:desc'), order }).titles).toEqual(['b', 'a']);
  });

  it('puts NULL last ascending, as PostgreSQL does', () => {
    const start = fromFetch(emptyState<Doc>(), [{ id: 1, documentId: 'a', title: 'a', rank: 1 }], undefined);
    const { titles } = run(start, [event('create', { documentId: 'b', title: 'b', rank: null })], { sort: parseSort('rank'), order });
    expect(titles).toEqual(['a', 'b']);
  });

  it('on page 1, reads again for a document whose place among the titles it cannot tell', () => {
    const page1 = fromFetch(emptyState<Doc>(), [{ id: 1, documentId: 'a', title: 'a' }, { id: 2, documentId: 'B', title: 'B' }], { page: 1, pageSize: 2, pageCount: 2, total: 3 });
    const options = { ...byTitle, page: { page: 1, pageSize: 2 } };
    expect(run(page1, [event('create', { documentId: 'A', title: 'A' })], options).outcomes).toEqual(['refetch']);
    expect(run(page1, [event('update', { documentId: 'z', title: 'Z' })], options).outcomes).toEqual(['refetch']);
  });

  it('orders text itself when the server says binary, or says nothing (an older server: SQLite)', () => {
    for (const options of [{ sort: parseSort('title'), order: { text: 'binary', nulls: 'first' } as const }, { sort: parseSort('title') }]) {
      const { outcomes, titles } = run(list(), [event('create', { documentId: 'b', title: 'b' })], options);
      expect(outcomes).toEqual(['applied']);
      expect(titles).toEqual(['a', 'B', 'b', 'c']); // placed by code point among what REST returned
    }
  });
});

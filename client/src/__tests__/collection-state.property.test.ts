/**
 * The reducer against a naive model of its rules: the same random streams of events (duplicates,
 * replays, stale and reordered events, re-reads, paginated queries, collations), the same results.
 * The model is the reducer written the plain way: arrays copied at every step, lists searched from
 * the start, no index and no bounds (the streams stay within the reducer's windows).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyState, fromFetch, heldDocument, isDuplicate, isStale, recordEvent } from '../collection-state';
import type { CollectionState, Outcome, QueryEvent, StateOptions } from '../collection-state';
import type { ContentAction, DatabaseOrder, EventMeta, StrapiDocument } from '../protocol';
import type { Pagination } from '../rest';
import { canSort, createDatabaseComparator, parseSort, sameSortKey } from '../sort';

type Doc = StrapiDocument & { title?: string | null; rank?: number | null };

// ---------------------------------------------------------------------------------------------
// The model

interface Model {
  items: readonly Doc[];
  pagination: Pagination | undefined;
  /** Every event id seen, oldest first. */
  seen: readonly string[];
  /** The latest `meta.ts` per document. */
  clocks: ReadonlyMap<string, number>;
}

const emptyModel = (): Model => ({ items: [], pagination: undefined, seen: [], clocks: new Map() });

type Result = { items: readonly Doc[]; pagination: Pagination | undefined; outcome: Outcome };

function isOlder(next: Doc, held: Doc, meta: EventMeta): boolean {
  if (meta.cause === 'discardDraft') return false;
  const a = typeof next.updatedAt === 'string' ? Date.parse(next.updatedAt) : Number.NaN;
  const b = typeof held.updatedAt === 'string' ? Date.parse(held.updatedAt) : Number.NaN;
  return !Number.isNaN(a) && !Number.isNaN(b) && a < b;
}

/** `document` put before the first of `list` that sorts after it; undefined if a comparison on the way is the database's to decide. */
function place(list: readonly Doc[], document: Doc, options: StateOptions): Doc[] | undefined {
  const compare = createDatabaseComparator(options.sort, options.order);
  for (let i = 0; i < list.length; i++) {
    const order = compare(document, list[i]);
    if (order === undefined) return undefined;
    if (order < 0) return [...list.slice(0, i), document, ...list.slice(i)];
  }
  return [...list, document];
}

function remember(model: Model, meta: EventMeta): Model {
  const clocks = new Map(model.clocks);
  const clock = clocks.get(meta.documentId);
  if (clock === undefined || clock < meta.ts) clocks.set(meta.documentId, meta.ts);
  return { ...model, seen: [...model.seen, meta.eventId], clocks };
}

function modelApply(model: Model, event: QueryEvent<Doc>, options: StateOptions): { model: Model; outcome: Outcome } {
  const { meta } = event;
  if (model.seen.includes(meta.eventId)) return { model, outcome: 'duplicate' };
  const clock = model.clocks.get(meta.documentId);
  if (clock !== undefined && meta.ts < clock) return { model: { ...model, seen: [...model.seen, meta.eventId] }, outcome: 'stale' };
  const recorded = remember(model, meta);
  const { items, pagination, outcome } = options.page ? modelPage(recorded, event, options, options.page) : modelList(recorded, event, options);
  return { model: { ...recorded, items, pagination }, outcome };
}

function modelRecord(model: Model, meta: EventMeta): Model {
  return model.seen.includes(meta.eventId) ? model : remember(model, meta);
}

function modelList({ items, pagination }: Model, { action, document, meta }: QueryEvent<Doc>, options: StateOptions): Result {
  const keep = (outcome: Outcome): Result => ({ items, pagination, outcome });
  const index = items.findIndex((item) => item.documentId === meta.documentId);
  if (action === 'delete') return index === -1 ? keep('unchanged') : { items: items.filter((_, i) => i !== index), pagination, outcome: 'applied' };
  if (!document) return keep('unchanged');
  if (index !== -1 && isOlder(document, items[index]!, meta)) return keep('stale');
  if (!canSort(document, options.sort)) return keep('refetch');
  if (index !== -1 && sameSortKey(document, items[index], options.sort)) return { items: items.map((item, i) => (i === index ? document : item)), pagination, outcome: 'applied' };
  const placed = place(
    items.filter((_, i) => i !== index),
    document,
    options,
  );
  return placed ? { items: placed, pagination, outcome: 'applied' } : keep('refetch');
}

const counted = (pagination: Pagination, total: number): Pagination => ({ ...pagination, total, pageCount: Math.ceil(total / pagination.pageSize) });

function modelPage({ items, pagination }: Model, { action, document, meta, ambiguous }: QueryEvent<Doc>, options: StateOptions, page: { page: number; pageSize: number }): Result {
  const keep = (outcome: Outcome): Result => ({ items, pagination, outcome });
  const index = items.findIndex((item) => item.documentId === meta.documentId);
  const held = items[index];
  const pageSize = pagination?.pageSize ?? page.pageSize;
  const isFirst = page.page === 1;
  const isLast = pagination ? page.page >= pagination.pageCount : items.length < pageSize;
  const whole = isFirst && pagination !== undefined && pagination.total <= items.length;
  if (action === 'delete') {
    if (!held) return keep(whole ? 'unchanged' : 'refetch');
    if (ambiguous || !whole) return keep('refetch');
    return { items: items.filter((_, i) => i !== index), pagination: counted(pagination!, Math.max(0, pagination!.total - 1)), outcome: 'applied' };
  }
  if (!document) return keep(held ? 'refetch' : 'unchanged');
  if (!canSort(document, options.sort)) return keep('refetch');
  if (held) {
    if (isOlder(document, held, meta)) return keep('stale');
    if (sameSortKey(document, held, options.sort)) return { items: items.map((item, i) => (i === index ? document : item)), pagination, outcome: 'applied' };
    const rest = items.filter((_, i) => i !== index);
    const placed = place(rest, document, options);
    if (!placed) return keep('refetch');
    const at = placed.indexOf(document);
    if (!((at > 0 || isFirst) && (at < rest.length || isLast))) return keep('refetch');
    return { items: placed, pagination, outcome: 'applied' };
  }
  if (!isFirst || !pagination || ambiguous) return keep('refetch');
  const placed = place(items, document, options);
  if (!placed) return keep('refetch');
  const at = placed.indexOf(document);
  if (action === 'update') {
    if (items.length < pageSize) return keep('refetch');
    if (at >= pageSize) return keep('unchanged');
    return { items: placed.slice(0, pageSize), pagination, outcome: 'applied' };
  }
  if (at >= pageSize) return keep('refetch');
  return { items: placed.slice(0, pageSize), pagination: counted(pagination, pagination.total + 1), outcome: 'applied' };
}

// ---------------------------------------------------------------------------------------------
// Streams

const DOCUMENT_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const TITLES = ['a', 'b', 'B', 'c', 'é', 'a b', '2026-01-02', '2026-01-10'];
const SORTS = ['title', 'title:desc', 'rank,title', 'rank:desc,title:desc', ''];
const BASE = Date.UTC(2026, 0, 1);

/** What a document looks like in an event or a read; `missing` leaves out a field some sorts need. */
const fields = fc.record({
  id: fc.integer({ min: 1, max: 12 }),
  title: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TITLES) }, { weight: 1, arbitrary: fc.constant(null) }),
  rank: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.constant(null) }),
  missing: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const eventOn = (documentIds: readonly string[]) =>
  fc.record({
    kind: fc.constant('event' as const),
    action: fc.constantFrom<ContentAction>('create', 'update', 'update', 'delete'),
    documentId: fc.constantFrom(...documentIds),
    fields,
    /** How far behind the stream's clock the event is (0: in order; more: it lags, maybe stale). */
    lag: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 6 }) }),
    /** How far `updatedAt` lags `meta.ts` (a re-published draft carries an older one). */
    updatedLag: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }) }),
    discard: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    unreadable: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    ambiguous: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
const eventOp = eventOn(DOCUMENT_IDS);

type Op =
  | (typeof eventOp extends fc.Arbitrary<infer E> ? E : never)
  /** An event delivered again (`back` events ago). */
  | { kind: 'replay'; back: number }
  /** An event recorded as included in a read, not applied. */
  | { kind: 'record'; documentId: string; lag: number }
  /** A REST read: these documents (and how many there are in all, for a page). */
  | { kind: 'fetch'; documents: { documentId: string; fields: { id: number; title: string | null; rank: number | null; missing: boolean } }[]; extra: number }
  /** Carry on from an earlier state (`back` steps ago): states are values. */
  | { kind: 'branch'; back: number };

const ops = (withBranches: boolean): fc.Arbitrary<Op[]> =>
  fc.array(
    fc.oneof(
      { weight: 14, arbitrary: eventOp },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), back: fc.nat({ max: 8 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('record' as const), documentId: fc.constantFrom(...DOCUMENT_IDS), lag: fc.nat({ max: 3 }) }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('fetch' as const),
          documents: fc.uniqueArray(fc.record({ documentId: fc.constantFrom(...DOCUMENT_IDS), fields }), { selector: (doc) => doc.documentId, maxLength: 6 }),
          extra: fc.nat({ max: 3 }),
        }),
      },
      { weight: withBranches ? 2 : 0, arbitrary: fc.record({ kind: fc.constant('branch' as const), back: fc.nat({ max: 6 }) }) },
    ),
    // Up to 60 steps, 30 on average (fast-check's default size would stop at 10).
    { maxLength: 60, size: 'max' },
  );

const scenario = fc.record({
  sort: fc.constantFrom(...SORTS),
  order: fc.constantFrom<DatabaseOrder | undefined>(undefined, { text: 'binary', nulls: 'first' }, { text: 'binary', nulls: 'last' }, { text: 'collation', nulls: 'last' }),
  /** Reads come in the comparator's order (as from a database that orders as the SDK does), or in any order. */
  sortedReads: fc.boolean(),
  page: fc.option(fc.record({ page: fc.constantFrom(1, 1, 2), pageSize: fc.constantFrom(2, 3, 4) }), { nil: undefined }),
});

function makeDocument(documentId: string, { id, title, rank, missing }: { id: number; title: string | null; rank: number | null; missing: boolean }, updatedAt: number): Doc {
  const doc: Doc = { id, documentId, title, rank, updatedAt: new Date(updatedAt).toISOString() };
  if (missing) delete doc.rank;
  return doc;
}

/**
 * Runs one stream through the reducer and the model side by side, comparing after every step:
 * the outcome, the list (the very same document objects), the pagination, and what the state
 * answers about event ids, clocks and held documents.
 */
function check(
  setup: { sort: string; order: DatabaseOrder | undefined; sortedReads: boolean; page: { page: number; pageSize: number } | undefined },
  stream: Op[],
  documentIds: readonly string[] = DOCUMENT_IDS,
): void {
  const options: StateOptions = { sort: parseSort(setup.sort), ...(setup.order ? { order: setup.order } : {}), ...(setup.page ? { page: setup.page } : {}) };
  const compare = createDatabaseComparator(options.sort, options.order);
  let state: CollectionState<Doc> = emptyState();
  let model = emptyModel();
  const history: [CollectionState<Doc>, Model][] = [[state, model]];
  const sent: QueryEvent<Doc>[] = [];
  let clock = BASE + 1_000_000;
  let sequence = 0;

  const meta = (action: ContentAction, documentId: string, ts: number, cause: EventMeta['cause']): EventMeta => ({
    uid: 'api::article.article',
    action,
    cause,
    documentId,
    locale: null,
    status: 'published',
    eventId: `node-${++sequence}`,
    ts,
  });

  for (const op of stream) {
    clock += 10;
    let outcome: Outcome | undefined;
    if (op.kind === 'event' || op.kind === 'replay') {
      let event: QueryEvent<Doc>;
      if (op.kind === 'replay') {
        if (sent.length === 0) continue;
        event = sent[Math.max(0, sent.length - 1 - op.back)]!;
      } else {
        const ts = clock - op.lag * 15;
        const document = op.action === 'delete' || op.unreadable ? null : makeDocument(op.documentId, op.fields, ts - op.updatedLag);
        const cause = op.discard ? 'discardDraft' : op.action === 'delete' ? 'delete' : 'publish';
        event = { action: op.action, document, meta: meta(op.action, op.documentId, ts, cause), ...(op.ambiguous ? { ambiguous: true } : {}) };
        sent.push(event);
      }
      const applied = applyEvent(state, event, options);
      const expected = modelApply(model, event, options);
      expect(applied.outcome).toBe(expected.outcome);
      outcome = applied.outcome;
      state = applied.state;
      model = expected.model;
      expect(isDuplicate(state, event.meta)).toBe(true);
    } else if (op.kind === 'record') {
      const recorded = meta('update', op.documentId, clock - op.lag * 15, 'update');
      state = recordEvent(state, recorded);
      model = modelRecord(model, recorded);
    } else if (op.kind === 'fetch') {
      const documents = op.documents.map(({ documentId, fields: values }) => makeDocument(documentId, { ...values, missing: false }, clock - 5));
      if (setup.sortedReads) documents.sort((a, b) => compare(a, b) ?? 0);
      const items = setup.page ? documents.slice(0, setup.page.pageSize) : documents;
      const total = (setup.page?.page === 2 ? setup.page.pageSize : 0) + items.length + op.extra;
      const pagination = setup.page ? { page: setup.page.page, pageSize: setup.page.pageSize, pageCount: Math.max(1, Math.ceil(total / setup.page.pageSize)), total } : undefined;
      state = fromFetch(state, items, pagination);
      model = { ...model, items, pagination };
    } else {
      [state, model] = history[Math.max(0, history.length - 1 - op.back)]!;
    }
    history.push([state, model]);

    // One expect per step, with what differs: expect() itself costs more than the reducer.
    const step = `after ${op.kind}${outcome ? ` (${outcome})` : ''}`;
    const sameItems = state.items.length === model.items.length && state.items.every((item, i) => item === model.items[i]);
    if (!sameItems) expect(state.items, step).toEqual(model.items);
    expect(state.pagination, step).toEqual(model.pagination);
    for (const documentId of documentIds) {
      const held = model.items.find((item) => item.documentId === documentId);
      if (heldDocument(state, documentId) !== held) expect(heldDocument(state, documentId), `${step}: held ${documentId}`).toBe(held);
      const known = model.clocks.get(documentId);
      const probe: EventMeta = { uid: 'api::article.article', action: 'update', cause: 'update', documentId, locale: null, status: 'published', eventId: 'probe', ts: 0 };
      if (known !== undefined && (!isStale(state, { ...probe, ts: known - 1 }) || isStale(state, { ...probe, ts: known }))) {
        expect.fail(`${step}: the clock of ${documentId} is not ${known}`);
      }
    }
    for (const event of sent.slice(-3)) {
      if (isDuplicate(state, event.meta) !== model.seen.includes(event.meta.eventId)) expect.fail(`${step}: ${event.meta.eventId} seen?`);
    }
    // A list read in the comparator's order and placed by it stays in it: the same as a full sort.
    if (setup.sortedReads && setup.order?.text !== 'collation' && !setup.page) {
      const sorted = [...state.items].sort((a, b) => compare(a, b)!);
      if (!sorted.every((item, i) => item === state.items[i])) expect(state.items, `${step}: sorted`).toEqual(sorted);
    }
  }
}

describe('applyEvent against a naive model of its rules', () => {
  it('agrees on random streams over a whole list and over pages', () => {
    fc.assert(
      fc.property(scenario, ops(false), (setup, stream) => check(setup, stream)),
      { numRuns: 5000 },
    );
  });

  it('agrees when earlier states are used again (states are values)', () => {
    fc.assert(
      fc.property(scenario, ops(true), (setup, stream) => check(setup, stream)),
      { numRuns: 2000 },
    );
  });

  it('agrees over long streams on a larger list, placed by bisection (and a full sort agrees)', () => {
    const documentIds = Array.from({ length: 120 }, (_, i) => `doc${i}`);
    const initial: Op = {
      kind: 'fetch',
      documents: documentIds.slice(0, 80).map((documentId, i) => ({ documentId, fields: { id: i + 1, title: TITLES[i % TITLES.length]!, rank: i % 5, missing: false } })),
      extra: 0,
    };
    fc.assert(
      fc.property(
        scenario.map((setup) => ({ ...setup, page: undefined, sortedReads: true })),
        fc.array(eventOn(documentIds), { minLength: 100, maxLength: 300, size: 'max' }),
        (setup, stream) => check(setup, [initial, ...stream], documentIds),
      ),
      { numRuns: 100 },
    );
  });
});

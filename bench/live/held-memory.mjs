/**
 * What the client holds after many events: `events` interleaved updates, creates and deletes (so a
 * third of them bring a document never seen before) applied to a sorted collection of `docs`
 * articles, whose size stays the same. Through the reducer alone (its per-document clocks and
 * remembered event ids, counted) and through the live path (a real client); for both, how much the
 * heap grew once garbage is collected, over all the events and over their second half. A client
 * whose bookkeeping is bounded stops growing once its windows are full: the second half adds
 * nothing (the first one fills the windows and replaces the documents read by ones from events).
 */
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { eventStream } from './event-script.mjs';
import { startFakeStrapi } from './fake-strapi.mjs';
import { QUERY, initialArticles } from './fixtures.mjs';
import { heldCounts } from './reducer-source.mjs';

const SEED = 20_260_303;
const gc = globalThis.gc ?? (() => {});
const MB = 1024 * 1024;
const round1 = (value) => Math.round(value * 10) / 10;

/** Heap in use once garbage is collected (twice: weak references and finalizers let go on the second pass). */
function heapUsed() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function throughReducer(reducer, initial, events) {
  const { applyEvent, emptyState, fromFetch, parseSort } = reducer;
  const options = { sort: parseSort(QUERY.sort) };
  const stream = eventStream(initial, { seed: SEED, prefix: 'held' });
  let state = fromFetch(emptyState(), structuredClone(initial), undefined);
  const before = heapUsed();
  const start = performance.now();
  let half = 0;
  let halfTime = 0;
  for (let i = 0; i < events; i += 1) {
    if (i === events / 2) {
      const paused = performance.now();
      half = heapUsed();
      halfTime += performance.now() - paused;
    }
    const [, document, meta] = stream.next();
    state = applyEvent(state, { action: meta.action, document: meta.action === 'delete' ? null : document, meta }, options).state;
  }
  const seconds = (performance.now() - start - halfTime) / 1000;
  const after = heapUsed();
  return {
    items: state.items.length,
    ...heldCounts(reducer, state),
    heapGrowthMB: round1((after - before) / MB),
    heapGrowthSecondHalfMB: round1((after - half) / MB),
    seconds: round1(seconds),
    finalEqualsExpected: isDeepStrictEqual(state.items, stream.model.list),
  };
}

async function throughLivePath(client, initial, events, openLive) {
  const server = await startFakeStrapi({ seed: 20_260_101, count: initial.length });
  try {
    const session = await openLive(client, server, initial.length);
    try {
      const stream = eventStream(initial, { seed: SEED, prefix: 'held' });
      const snapshotsBefore = session.counts.snapshots;
      const before = heapUsed();
      const start = performance.now();
      let half = 0;
      let halfTime = 0;
      for (let i = 0; i < events; i += 1) {
        if (i === events / 2) {
          const paused = performance.now();
          half = heapUsed();
          halfTime += performance.now() - paused;
        }
        session.deliver(stream.next());
        await session.settle();
      }
      const seconds = (performance.now() - start - halfTime) / 1000;
      const after = heapUsed();
      return {
        items: session.observer.getCurrentResult().data.length,
        snapshots: session.counts.snapshots - snapshotsBefore,
        heapGrowthMB: round1((after - before) / MB),
        heapGrowthSecondHalfMB: round1((after - half) / MB),
        seconds: round1(seconds),
        finalEqualsExpected: isDeepStrictEqual(session.observer.getCurrentResult().data, stream.model.list),
        restRequestsDuringEvents: await session.restRequestsSinceLoad(),
      };
    } finally {
      session.close();
    }
  } finally {
    await server.stop();
  }
}

/** `initialArticles(20_260_101, docs)` is what the fake Strapi serves for that seed. */
export async function measureHeld({ client, reducer, docs, events, live, openLive }) {
  const initial = initialArticles(20_260_101, docs);
  return {
    docs,
    events,
    reducer: await throughReducer(reducer, initial, events),
    ...(live ? { livePath: await throughLivePath(client, initial, events, openLive) } : {}),
  };
}

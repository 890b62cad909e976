/**
 * The page side of browser-apply-event.mjs, bundled by esbuild with the built client
 * (`@strapi-live/client`, as an app bundles it) and served cross-origin isolated by the fake
 * Strapi. `window.applyEventBench(input)` does in Chromium what apply-event.mjs's live-path and
 * floor rows do in Node: a live collection read over REST from the page's origin, then each event
 * of the script handed to the socket's catch-all listeners and timed until the SDK's microtask
 * batch and TanStack's deferred notifications have run; then `slice()` of the list per event.
 */
import { createLiveClient } from '@strapi-live/client';
import { notifyManager } from '@tanstack/query-core';
import { waitFor } from './stats.mjs';

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };
/** Chromium runs with `--js-flags=--expose-gc`: collect before the timed events, as timeEach does in Node. */
const gc = globalThis.gc ?? (() => {});

/** µs per event, by row (warm-up events, row null, are applied but not kept). */
async function timeEach(events, apply) {
  const samples = {};
  gc();
  let warm = true;
  for (const { row, args } of events) {
    if (warm && row !== null) {
      warm = false;
      gc();
    }
    const start = performance.now();
    const pending = apply(args);
    if (pending) await pending;
    const end = performance.now();
    if (row !== null) (samples[row] ??= []).push((end - start) * 1000);
  }
  return samples;
}

async function openLive({ article, query, docs }) {
  const live = createLiveClient({ url: location.origin, logger: quietLogger, socketOptions: { transports: ['websocket'] } });
  const counts = { snapshots: 0 };
  const observer = live.collection(article, query);
  const stop = observer.subscribe(() => {
    counts.snapshots += 1;
  });
  const loadStart = performance.now();
  await waitFor(() => {
    const { data, isLive, isFetching } = observer.getCurrentResult();
    return isLive && !isFetching && data?.length === docs;
  }, 120_000, `the initial read of ${docs} articles`);
  const initialLoadMs = Math.round(performance.now() - loadStart);
  const onArrival = live.socket.listenersAny();
  if (onArrival.length === 0) throw new Error('the live client has no catch-all socket listener: the SDK changed how it receives events');
  const deferred = [];
  notifyManager.setScheduler((callback) => deferred.push(callback));
  return {
    observer,
    counts,
    initialLoadMs,
    deliver([name, document, meta]) {
      for (const listener of onArrival) listener(name, document, meta);
    },
    async settle() {
      await null;
      while (deferred.length > 0) deferred.shift()();
    },
    close() {
      notifyManager.setScheduler((callback) => setTimeout(callback, 0));
      stop();
      live.close();
    },
  };
}

/**
 * Three steps, so that the runner can read the renderer's page faults around each: `open` reads
 * the list and goes live, `live` applies the script event by event, `floor` copies the list per
 * event (after the same set-up: the documents and the parsed events held through the run).
 */
let bench;
window.applyEventBench = {
  async open({ article, query, docs, events, final }) {
    const session = await openLive({ article, query, docs });
    // Parsed up front, as the socket would have parsed each packet before the SDK sees it.
    const parsed = () => events.map(({ row, wire }) => ({ row, args: JSON.parse(wire) }));
    bench = { session, parsed, final, events: events.length, initial: structuredClone(session.observer.getCurrentResult().data) };
    return { initialLoadMs: session.initialLoadMs, crossOriginIsolated: globalThis.crossOriginIsolated === true, gcExposed: typeof globalThis.gc === 'function' };
  },
  async live() {
    const { session, parsed, final } = bench;
    try {
      const snapshotsBefore = session.counts.snapshots;
      const samples = await timeEach(parsed(), (args) => {
        session.deliver(args);
        return session.settle();
      });
      const result = session.observer.getCurrentResult();
      return {
        samples,
        events: bench.events,
        snapshotsPublished: session.counts.snapshots - snapshotsBefore,
        finalEqualsExpected: JSON.stringify(result.data) === JSON.stringify(final),
        isLiveAtEnd: result.isLive,
      };
    } finally {
      session.close();
    }
  },
  async floor() {
    let list = bench.initial;
    const held = bench.parsed();
    const samples = await timeEach(
      held.map(({ row }) => ({ row: row === null ? null : 'copy', args: null })),
      () => {
        list = list.slice();
      },
    );
    bench = undefined;
    return { samples: samples.copy, held: held.length + list.length };
  },
};

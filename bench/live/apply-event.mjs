/**
 * Client cost of applying content events to a live collection of articles sorted by title, at
 * 1,000, 10,000 and 100,000 documents, per event kind: an update of a document in the middle (one
 * of the 100 around it, title kept, so it stays there), a create whose random title must be sorted
 * in, and a delete at a random position. The three kinds are interleaved, each once in every
 * round of three in a random order (event-script.mjs), so the collection keeps its size.
 *
 * Rows, fed the same deterministic event script at each size:
 * - `live path`: a real `createLiveClient` connected to the fake Strapi (Socket.IO + REST, see
 *   fake-strapi.mjs), one `live.collection()` observer with a listener. Each event is handed to
 *   the client socket's catch-all listeners (`socket.listenersAny()`, what socket.io-client calls
 *   when a packet arrives), and the sample ends once the microtasks queued meanwhile have run (the
 *   SDK applies the events of one tick together, in a microtask). So a sample covers what the app
 *   pays on arrival: routing by `meta.subscription`, projection, the reducer, the TanStack Query
 *   cache write with its structural sharing, the new snapshot and the observer listener.
 *   TanStack's deferred notifications (its `notifyManager`) are run inside the sample too.
 * - `live path after refetch()` (10,000 documents): the same kinds, on a fresh client whose list
 *   was read again once (`observer.refetch()`), as after any re-read (reconnect without recovery,
 *   manual refetch): the cached documents are no longer the reducer's objects, and the list is
 *   the one the cache's structural sharing made.
 * - `burst`: the same kinds of events, `BURST` of them handed over in one tick: µs per burst and
 *   snapshots per burst (one, when the SDK batches).
 * - `reducer`: `applyEvent` from client/src/collection-state.ts alone, bundled from source.
 * - `shallow copy`: `list.slice()` of the same list, the floor the issue sets for one event, timed
 *   through the same timeEach with the same warm-up, set-up and as many samples as the rows
 *   together, so that it meets the same garbage collections and fresh pages as they do.
 * - `held after N events` (held-memory.mjs): 100,000 events through the reducer and through the
 *   live path; what is held at the end.
 * Each row also says in how many of its samples V8 collected garbage, and in how many the process
 * took minor page faults (see timeEach); `pageFault` is what one costs on this machine.
 *
 * Run in its own process by bench/live.mjs (`--expose-gc`, NODE_ENV=production); prints JSON when
 * run directly. Tunables: BENCH_APPLY_SIZES (1000,10000,100000), BENCH_APPLY_WARMUP (2,000 events),
 * BENCH_APPLY_ITERATIONS (3,000 per kind; a third of it at 100,000 documents),
 * BENCH_APPLY_REFETCH_ITERATIONS (3,000), BENCH_APPLY_BURST (100 events), BENCH_APPLY_BURSTS (20),
 * BENCH_HELD_EVENTS (100000), BENCH_HELD_DOCS (10000), BENCH_HELD_LIVE (1: also the live path).
 * BENCH_CLIENT (a built client's index.js) and BENCH_CLIENT_SRC (its sources) bench another copy
 * of the SDK, e.g. an older one to compare with (see apply-event.before.json).
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { notifyManager } from '@tanstack/query-core';
import { runWhenMain } from './child.mjs';
import { MIDDLE_SPREAD, eventScript, parseAll } from './event-script.mjs';
import { startFakeStrapi } from './fake-strapi.mjs';
import { ARTICLE, QUERY, initialArticles } from './fixtures.mjs';
import { measureHeld } from './held-memory.mjs';
import { loadClient, loadReducer } from './reducer-source.mjs';
import { percentile, summarize, waitFor } from './stats.mjs';

const list = (value, fallback) => (value ?? fallback).split(',').filter(Boolean).map(Number);
const SIZES = list(process.env.BENCH_APPLY_SIZES, '1000,10000,100000');
/**
 * Events applied before the timed ones, in every row: enough for V8's heap to reach the size it
 * keeps while events stream in. Measured at 10,000 documents on the 2-core VM: after 300 events
 * (13 MB allocated) Chromium's renderer still takes ~6 fresh-page faults per event and the p99 of
 * the live path is 370-1,170 µs; after 1,000, 240-300 µs; after 2,000 (about 90 MB, 20 s of a
 * 100 events/s stream) the faults are over and it is 115-165 µs. Node's floor (`slice()`) goes
 * from a p99 of 250 µs to 46 µs the same way. BENCH_APPLY_WARMUP=300 shows the cold tail.
 */
export const WARMUP = Number(process.env.BENCH_APPLY_WARMUP ?? 2000);
/**
 * Timed events per kind. A p99 is a kind's 1%-slowest sample, and at 10,000 documents about 0.6%
 * of events meet a young-generation collection (one every ~180 events, 0.2-0.6 ms each here): with
 * 1,000 samples the p99 is the 11th-slowest, and whether 8-11 of the ~17 collections of a run fell
 * among one kind's samples swung its p99 between 97 and 600 µs from one identical run to the next.
 * With 3,000 the p99 measures the rate of those collections, not how they were dealt.
 */
export const ITERATIONS = Number(process.env.BENCH_APPLY_ITERATIONS ?? 3000);
const REFETCH_ITERATIONS = Number(process.env.BENCH_APPLY_REFETCH_ITERATIONS ?? 3000);
const BURST = Number(process.env.BENCH_APPLY_BURST ?? 100);
const BURSTS = Number(process.env.BENCH_APPLY_BURSTS ?? 20);
const HELD_EVENTS = Number(process.env.BENCH_HELD_EVENTS ?? 100_000);
const HELD_DOCS = Number(process.env.BENCH_HELD_DOCS ?? 10_000);
const HELD_LIVE = process.env.BENCH_HELD_LIVE !== '0';
/** The size the targets are set at: the refetch row is measured there. */
const TARGET_DOCS = 10_000;
/** The documents (SEED) and the event script (SEED + 1) of every size; browser-apply-event.mjs replays the same. */
export const SEED = 20_260_101;
export const KINDS = ['update', 'create', 'delete'];
const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };
const gc = globalThis.gc ?? (() => {});
/** The process's minor page faults so far (each allocates a small object: outside timed windows only). */
const minorFaults = () => process.resourceUsage().minorPageFault;

/** Fewer samples where each costs more: the run stays within a few minutes on a slow SDK. */
const iterationsAt = (docs) => (docs > TARGET_DOCS ? Math.max(50, Math.round(ITERATIONS / 3)) : ITERATIONS);

/**
 * Times `apply(args)` for each event, in µs per row: wall-clock time, and the process's CPU time
 * (`row cpu`), which a machine shared with other work does not inflate by descheduling this
 * process mid-sample (but which counts every thread: V8's parallel GC threads add to its tail).
 * Warm-up events (row null) are applied but not recorded.
 *
 * Also says which samples a garbage collection ran in (V8's `gc` performance entries), and which
 * took minor page faults (the process's count, read outside the timed window). Each event copies
 * the list (80 KB at 10,000 documents) into the young generation. When a collection finds a young
 * page mostly live (the documents and events a row sets up just before, or a REST read), V8 moves
 * the page to the old generation whole and maps a fresh one in its place: the first copy to land
 * there touches its 20 4 KB pages for the first time, 20 faults. Where a page fault is slow (a
 * VM), those samples are the tail while the heap is still growing into its steady size, which is
 * why the warm-up is long (see WARMUP). `tail` holds, per row, how many samples had a collection, how
 * many had page faults (and how many faults in all), the p99 of those without a collection and
 * the p99 of those with neither.
 */
async function timeEach(events, apply) {
  const samples = {};
  const windows = {};
  const faulted = {};
  const collections = [];
  const observer = new PerformanceObserver((list) => collections.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  gc();
  let warm = true;
  for (const { row, args } of events) {
    if (warm && row !== null) {
      warm = false;
      gc();
    }
    const faults = minorFaults();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const pending = apply(args);
    if (pending) await pending;
    const end = performance.now();
    const { user, system } = process.cpuUsage(cpu);
    const faultsIn = minorFaults() - faults;
    if (row !== null) {
      (samples[row] ??= []).push((end - start) * 1000);
      (samples[`${row} cpu`] ??= []).push(user + system);
      (windows[row] ??= []).push([start, end]);
      (faulted[row] ??= []).push(faultsIn);
    }
  }
  await new Promise((resolve) => setImmediate(resolve));
  collections.push(...observer.takeRecords());
  observer.disconnect();
  const overlaps = ([start, end]) => collections.some((entry) => entry.startTime < end && entry.startTime + entry.duration > start);
  const p99Of = (values) => (values.length > 0 ? Math.round(percentile(values, 0.99) * 10) / 10 : null);
  const tail = {};
  for (const [row, list] of Object.entries(windows)) {
    const withGc = list.map(overlaps);
    const faults = faulted[row];
    tail[row] = {
      samplesWithGc: withGc.filter(Boolean).length,
      samplesWithFault: faults.filter((count) => count > 0).length,
      minorFaults: faults.reduce((sum, count) => sum + count, 0),
      p99UsWithoutGc: p99Of(samples[row].filter((_, i) => !withGc[i])),
      p99UsWithNeither: p99Of(samples[row].filter((_, i) => !withGc[i] && faults[i] === 0)),
    };
  }
  return { samples, tail };
}

/**
 * What one minor page fault costs here: `pages` fresh 4 KB pages of a WebAssembly memory, each
 * touched once (a fault each), timed, less the same loop over them again (no faults). The first
 * round warms the loop up and is not kept; the median of the others, per fault counted.
 */
function pageFaultCost(pages = 64, rounds = 5) {
  const wasmPages = Math.ceil((pages * 4096) / 65536);
  const perFault = [];
  const faultsPerRound = [];
  for (let round = 0; round <= rounds; round += 1) {
    const memory = new WebAssembly.Memory({ initial: 0, maximum: wasmPages });
    memory.grow(wasmPages);
    const bytes = new Uint8Array(memory.buffer);
    const touch = (value) => {
      for (let offset = 0; offset < pages * 4096; offset += 4096) bytes[offset] = value;
    };
    const before = minorFaults();
    const first = performance.now();
    touch(1);
    const firstUs = (performance.now() - first) * 1000;
    const faults = minorFaults() - before;
    const again = performance.now();
    touch(2);
    const againUs = (performance.now() - again) * 1000;
    if (round === 0 || faults === 0) continue;
    perFault.push((firstUs - againUs) / faults);
    faultsPerRound.push(faults);
  }
  if (perFault.length === 0) return { pagesTouched: pages, usPerFault: null };
  return { pagesTouched: pages, rounds: perFault.length, faultsPerRound: Math.max(...faultsPerRound), usPerFault: Math.round(percentile(perFault, 0.5) * 10) / 10 };
}

/**
 * The floor the issue sets: one shallow copy of the list (`slice()`) per event of the script, timed
 * by timeEach as the rows are (same warm-up, as many samples as the rows together), after the same
 * set-up as the reducer row: a fresh clone of the documents and the parsed events, held through
 * the run. That set-up matters: timeEach's gc() moves young pages full of such live objects to the
 * old generation whole, V8 maps fresh young pages in their place, and the first copies to land on
 * them fault. Without it (timed alone right after a collection) a copy stays on pages already
 * mapped and shows a p99 no row can have.
 */
async function benchCopy(initial, script) {
  let list = structuredClone(initial);
  const events = parseAll(script.events).map(({ row, args }) => ({ row: row === null ? null : 'copy', args }));
  const { samples, tail } = await timeEach(events, () => {
    list = list.slice();
  });
  return { ...summarize(samples.copy), cpu: summarize(samples['copy cpu']), tail: tail.copy };
}

async function benchReducer(reducer, initial, script) {
  const { applyEvent, emptyState, fromFetch, parseSort } = reducer;
  const options = { sort: parseSort(QUERY.sort) };
  let state = fromFetch(emptyState(), structuredClone(initial), undefined);
  const outcomes = {};
  const { samples, tail } = await timeEach(parseAll(script.events), ([, document, meta]) => {
    const result = applyEvent(state, { action: meta.action, document: meta.action === 'delete' ? null : document, meta }, options);
    state = result.state;
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
  });
  return { samples, tail, outcomes, finalEqualsExpected: isDeepStrictEqual(state.items, script.final) };
}

/**
 * A fresh live client on `server` with one observer, its list of `docs` loaded (and read again once
 * if `refetch`). `deliver(args)` hands one event to the socket's listeners; `settle()` resolves once
 * the microtasks that queued have run, and runs TanStack's deferred notifications.
 */
export async function openLive(client, server, docs, { refetch = false } = {}) {
  const live = client.createLiveClient({ url: server.url, logger: quietLogger, socketOptions: { transports: ['websocket'] } });
  const counts = { snapshots: 0 };
  const observer = live.collection(ARTICLE, QUERY);
  const stop = observer.subscribe(() => {
    counts.snapshots += 1;
  });
  const { restRequests: requestsBefore } = await server.stats();
  const loadStart = performance.now();
  const loaded = () => {
    const { data, isLive, isFetching } = observer.getCurrentResult();
    return isLive && !isFetching && data?.length === docs;
  };
  await waitFor(loaded, 120_000, `the initial read of ${docs} articles`);
  const loadMs = performance.now() - loadStart;
  if (refetch) {
    await observer.refetch();
    await waitFor(loaded, 120_000, `reading ${docs} articles again`);
  }
  const { restRequests: requestsLoaded } = await server.stats();

  // What socket.io-client calls for every incoming event (the SDK listens with `onAny`).
  const onArrival = live.socket.listenersAny();
  if (onArrival.length === 0) throw new Error('the live client has no catch-all socket listener: the SDK changed how it receives events');
  // TanStack Query defers some notifications with setTimeout(0): run them inside the sample.
  const deferred = [];
  let deferredRun = 0;
  notifyManager.setScheduler((callback) => deferred.push(callback));
  return {
    observer,
    counts,
    load: { initialLoadMs: Math.round(loadMs), restRequestsToLoad: requestsLoaded - requestsBefore },
    deliver([name, document, meta]) {
      for (const listener of onArrival) listener(name, document, meta);
    },
    async settle() {
      // Queued after whatever the delivery queued: the SDK's batch has run when this resolves.
      await null;
      while (deferred.length > 0) {
        deferredRun += 1;
        deferred.shift()();
      }
    },
    get deferredRun() {
      return deferredRun;
    },
    async restRequestsSinceLoad() {
      const { restRequests } = await server.stats();
      return restRequests - requestsLoaded;
    },
    close() {
      notifyManager.setScheduler((callback) => setTimeout(callback, 0));
      stop();
      live.close();
    },
  };
}

/** The script applied event by event through a live client, then `bursts` of `BURST` events each handed over in one tick. */
async function benchLivePath(client, server, docs, script, { refetch = false, bursts } = {}) {
  const session = await openLive(client, server, docs, { refetch });
  try {
    const events = parseAll(script.events);
    const snapshotsBefore = session.counts.snapshots;
    const { samples, tail } = await timeEach(events, (args) => {
      session.deliver(args);
      return session.settle();
    });
    const snapshotsPublished = session.counts.snapshots - snapshotsBefore;
    const result = session.observer.getCurrentResult();
    const stats = {
      tail,
      ...session.load,
      events: events.length,
      snapshotsPublished,
      deferredNotificationsRun: session.deferredRun,
      finalEqualsExpected: isDeepStrictEqual(result.data, script.final),
      isLiveAtEnd: result.isLive,
    };
    if (bursts) {
      const groups = parseAll(bursts.events);
      const burstUs = [];
      const snapshotsPerBurst = [];
      gc();
      for (let i = 0; i < groups.length; i += BURST) {
        const before = session.counts.snapshots;
        const start = performance.now();
        for (const { args } of groups.slice(i, i + BURST)) session.deliver(args);
        await session.settle();
        burstUs.push((performance.now() - start) * 1000);
        snapshotsPerBurst.push(session.counts.snapshots - before);
      }
      stats.burst = {
        eventsPerBurst: BURST,
        ...summarize(burstUs),
        snapshotsPerBurst: Math.max(...snapshotsPerBurst),
        finalEqualsExpected: isDeepStrictEqual(session.observer.getCurrentResult().data, bursts.final),
      };
    }
    stats.restRequestsDuringEvents = await session.restRequestsSinceLoad();
    return { samples, stats };
  } finally {
    session.close();
  }
}

const rows = (samples) => Object.fromEntries(Object.entries(samples).map(([row, values]) => [row, summarize(values)]));

async function benchSize(client, reducer, docs) {
  const initial = initialArticles(SEED, docs);
  const iterations = iterationsAt(docs);
  const script = eventScript(initial, { seed: SEED + 1, warmup: WARMUP, iterations, kinds: KINDS });
  const bursts = eventScript(script.final, {
    seed: SEED + 3,
    warmup: 0,
    iterations: Math.ceil((BURST * BURSTS) / KINDS.length),
    limit: BURST * BURSTS,
    kinds: KINDS,
    nextId: script.nextId,
    clock: script.clock,
    prefix: 'burst',
  });
  const reducerRun = await benchReducer(reducer, initial, script);
  const server = await startFakeStrapi({ seed: SEED, count: docs });
  try {
    const livePath = await benchLivePath(client, server, docs, script, { bursts });
    let afterRefetch;
    if (docs === TARGET_DOCS) {
      // Events go straight to the client: the server's list is still the initial one.
      const refetchScript = eventScript(initial, { seed: SEED + 2, warmup: WARMUP, iterations: REFETCH_ITERATIONS, kinds: KINDS });
      const run = await benchLivePath(client, server, docs, refetchScript, { refetch: true });
      afterRefetch = { ...rows(run.samples), ...run.stats };
    }
    return {
      docs,
      iterationsPerKind: iterations,
      livePath: { ...rows(livePath.samples), ...livePath.stats },
      ...(afterRefetch ? { livePathAfterRefetch: afterRefetch } : {}),
      reducer: { ...rows(reducerRun.samples), tail: reducerRun.tail, outcomes: reducerRun.outcomes, finalEqualsExpected: reducerRun.finalEqualsExpected },
      shallowCopy: await benchCopy(initial, script),
    };
  } finally {
    await server.stop();
  }
}

export async function main() {
  const startedAt = performance.now();
  // First, on a small heap: what the tail of every row below is made of.
  const pageFault = pageFaultCost();
  const client = await loadClient();
  const reducer = await loadReducer();
  const sizes = [];
  for (const docs of SIZES) sizes.push(await benchSize(client, reducer, docs));
  const held = HELD_EVENTS > 0 ? await measureHeld({ client, reducer, docs: HELD_DOCS, events: HELD_EVENTS, live: HELD_LIVE, openLive }) : undefined;
  return {
    sort: QUERY.sort,
    populate: QUERY.populate,
    client: process.env.BENCH_CLIENT ?? '@strapi-live/client',
    script: {
      warmupEvents: WARMUP,
      interleaved: KINDS,
      order: 'each kind once per round of three, in a seeded random order',
      updateTargets: `one of the ${2 * MIDDLE_SPREAD} documents around the middle`,
      burst: BURST,
      bursts: BURSTS,
    },
    pageFault,
    sizes,
    held,
    seconds: Math.round((performance.now() - startedAt) / 100) / 10,
  };
}

runWhenMain(import.meta.url, main);

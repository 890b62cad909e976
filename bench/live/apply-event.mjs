/**
 * Client cost of applying one content event to a live collection of 10,000 articles sorted by
 * title, per event kind: an update of a document in the middle (one of the 100 around it, title
 * kept, so it stays there), a create whose random title must be sorted in, and a delete at a
 * random position. The three kinds are interleaved (update, create, delete, ...), so they are
 * measured on the same collection, which stays at 10,000 documents.
 *
 * Rows, fed the same deterministic event script:
 * - `live path`: a real `createLiveClient` connected to the fake Strapi (Socket.IO + REST, see
 *   fake-strapi.mjs), one `live.collection()` observer with a listener. Each event is handed to
 *   the client socket's catch-all listeners (`socket.listenersAny()`, what socket.io-client calls
 *   when a packet arrives), so a sample covers what the app pays on arrival: routing by
 *   `meta.subscription`, projection, the reducer, the TanStack Query cache write with its
 *   structural sharing, the new snapshot and the observer listener. TanStack's deferred
 *   notifications (its `notifyManager`) are run inside the sample too.
 * - `live path, update after refetch()`: the same update, on a fresh client whose list was read
 *   again once (`observer.refetch()`), as after any re-read (reconnect without recovery, manual
 *   refetch). Shows what the structural sharing costs once the cached documents are no longer the
 *   reducer's objects.
 * - `reducer`: `applyEvent` from client/src/collection-state.ts alone, bundled from source.
 *
 * Run in its own process by bench/live.mjs (`--expose-gc`, NODE_ENV=production); prints JSON when
 * run directly. Tunables: BENCH_APPLY_DOCS (10000), BENCH_APPLY_WARMUP (600 events),
 * BENCH_APPLY_ITERATIONS (1500 per kind), BENCH_APPLY_REFETCH_ITERATIONS (200).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { notifyManager } from '@tanstack/query-core';
import { createLiveClient } from '@strapi-live/client';
import { runWhenMain } from './child.mjs';
import { startFakeStrapi } from './fake-strapi.mjs';
import { ARTICLE, QUERY, createModel, createRandom, initialArticles } from './fixtures.mjs';
import { summarize, waitFor } from './stats.mjs';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCS = Number(process.env.BENCH_APPLY_DOCS ?? 10_000);
const WARMUP = Number(process.env.BENCH_APPLY_WARMUP ?? 600);
const ITERATIONS = Number(process.env.BENCH_APPLY_ITERATIONS ?? 1500);
const REFETCH_ITERATIONS = Number(process.env.BENCH_APPLY_REFETCH_ITERATIONS ?? 200);
/** Updates go to one of the documents this close to the middle of the list. */
const MIDDLE_SPREAD = 50;
const SEED = 20_260_101;
const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };
const gc = globalThis.gc ?? (() => {});

/** `applyEvent` & co. straight from client/src (they are not exported by the package), bundled by esbuild. */
async function loadReducer() {
  // esbuild comes with tsup (a root devDependency): resolve it from there.
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild');
  const result = await esbuild.build({
    stdin: {
      contents: "export { applyEvent, emptyState, fromFetch } from './collection-state.ts'; export { parseSort } from './sort.ts';",
      resolveDir: path.join(rootDir, 'client', 'src'),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
}

/**
 * An event script on the initial list: `warmup` events then `iterations` rounds of `kinds` (each
 * `update` goes to a document near the middle, each `create` gets a random title, each `delete`
 * removes a random position). Events are kept as JSON: each run parses its own fresh copy, as the
 * socket would. Returns them with the expected final list.
 */
function eventScript(initial, { seed, warmup, iterations, kinds }) {
  const random = createRandom(seed);
  const model = createModel(initial, { random, nextId: DOCS });
  const events = [];
  const next = (kind) => {
    const { list } = model;
    if (kind === 'update') return model.update(Math.floor(list.length / 2) - MIDDLE_SPREAD + random.int(2 * MIDDLE_SPREAD));
    if (kind === 'create') return model.create();
    return model.remove(random.int(list.length));
  };
  const push = (row, event) => events.push({ row, wire: JSON.stringify([event.name, event.document, event.meta]) });
  for (let i = 0; i < warmup; i += 1) push(null, next(kinds[i % kinds.length]));
  for (let i = 0; i < iterations; i += 1) for (const kind of kinds) push(kind, next(kind));
  return { events, final: model.list };
}

const parseAll = (events) => events.map(({ row, wire }) => ({ row, args: JSON.parse(wire) }));

/** Times `apply(args)` for each event, in µs per row; warm-up events (row null) are applied but not recorded. */
function timeEach(events, apply) {
  const samples = {};
  gc();
  let warm = true;
  for (const { row, args } of events) {
    if (warm && row !== null) {
      warm = false;
      gc();
    }
    const start = performance.now();
    apply(args);
    const elapsed = performance.now() - start;
    if (row !== null) (samples[row] ??= []).push(elapsed * 1000);
  }
  return samples;
}

async function benchReducer(initial, script) {
  const { applyEvent, emptyState, fromFetch, parseSort } = await loadReducer();
  const options = { sort: parseSort(QUERY.sort) };
  let state = fromFetch(emptyState(), structuredClone(initial), undefined);
  const outcomes = {};
  const samples = timeEach(parseAll(script.events), ([, document, meta]) => {
    const result = applyEvent(state, { action: meta.action, document: meta.action === 'delete' ? null : document, meta }, options);
    state = result.state;
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
  });
  return {
    samples,
    outcomes,
    finalEqualsExpected: isDeepStrictEqual(state.items, script.final),
    clocks: state.clocks.size,
    seen: state.seen.length,
  };
}

/** A fresh live client on `server`, its list loaded (and read again once if `refetch`), then the script applied. */
async function benchLivePath(server, script, { refetch = false } = {}) {
  const live = createLiveClient({ url: server.url, logger: quietLogger, socketOptions: { transports: ['websocket'] } });
  let snapshots = 0;
  const observer = live.collection(ARTICLE, QUERY);
  const stop = observer.subscribe(() => {
    snapshots += 1;
  });
  try {
    const { restRequests: requestsBefore } = await server.stats();
    const loadStart = performance.now();
    const loaded = () => {
      const { data, isLive, isFetching } = observer.getCurrentResult();
      return isLive && !isFetching && data?.length === DOCS;
    };
    await waitFor(loaded, 30_000, `the initial read of ${DOCS} articles`);
    const loadMs = performance.now() - loadStart;
    if (refetch) {
      await observer.refetch();
      await waitFor(loaded, 30_000, `reading ${DOCS} articles again`);
    }
    const { restRequests: requestsLoaded } = await server.stats();

    // What socket.io-client calls for every incoming event (the SDK listens with `onAny`).
    const onArrival = live.socket.listenersAny();
    if (onArrival.length === 0) throw new Error('the live client has no catch-all socket listener: the SDK changed how it receives events');
    // TanStack Query defers some notifications with setTimeout(0): run them inside the sample.
    const deferred = [];
    let deferredRun = 0;
    notifyManager.setScheduler((callback) => deferred.push(callback));
    const events = parseAll(script.events);
    const snapshotsBefore = snapshots;
    let samples;
    try {
      samples = timeEach(events, ([name, document, meta]) => {
        for (const listener of onArrival) listener(name, document, meta);
        while (deferred.length > 0) {
          deferredRun += 1;
          deferred.shift()();
        }
      });
    } finally {
      notifyManager.setScheduler((callback) => setTimeout(callback, 0));
    }
    const result = observer.getCurrentResult();
    const { restRequests: requestsAfter } = await server.stats();
    return {
      samples,
      stats: {
        initialLoadMs: Math.round(loadMs),
        restRequestsToLoad: requestsLoaded - requestsBefore,
        restRequestsDuringEvents: requestsAfter - requestsLoaded,
        events: events.length,
        snapshotsPublished: snapshots - snapshotsBefore,
        deferredNotificationsRun: deferredRun,
        finalEqualsExpected: isDeepStrictEqual(result.data, script.final),
        isLiveAtEnd: result.isLive,
      },
    };
  } finally {
    stop();
    live.close();
  }
}

export async function main() {
  const startedAt = performance.now();
  const initial = initialArticles(SEED, DOCS);
  const kinds = ['update', 'create', 'delete'];
  const script = eventScript(initial, { seed: SEED + 1, warmup: WARMUP, iterations: ITERATIONS, kinds });
  const refetchScript = eventScript(initial, { seed: SEED + 2, warmup: 50, iterations: REFETCH_ITERATIONS, kinds: ['update'] });

  const reducer = await benchReducer(initial, script);
  const server = await startFakeStrapi({ seed: SEED, count: DOCS });
  let livePath;
  let afterRefetch;
  try {
    livePath = await benchLivePath(server, script);
    afterRefetch = await benchLivePath(server, refetchScript, { refetch: true });
  } finally {
    await server.stop();
  }
  const rows = (samples) => Object.fromEntries(Object.entries(samples).map(([row, values]) => [row, summarize(values)]));
  return {
    docs: DOCS,
    sort: QUERY.sort,
    populate: QUERY.populate,
    script: { warmupEvents: WARMUP, iterationsPerKind: ITERATIONS, interleaved: kinds, updateTargets: `one of the ${2 * MIDDLE_SPREAD} documents around the middle` },
    livePath: { ...rows(livePath.samples), ...livePath.stats },
    livePathAfterRefetch: { ...rows(afterRefetch.samples), ...afterRefetch.stats },
    reducer: {
      ...rows(reducer.samples),
      outcomes: reducer.outcomes,
      finalEqualsExpected: reducer.finalEqualsExpected,
      clocksHeldAtEnd: reducer.clocks,
      seenHeldAtEnd: reducer.seen,
    },
    seconds: Math.round((performance.now() - startedAt) / 100) / 10,
  };
}

runWhenMain(import.meta.url, main);

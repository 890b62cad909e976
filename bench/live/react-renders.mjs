/**
 * React under a stream of content events: a component using `useLiveCollection` over 1,000
 * articles (sorted by title, category populated), rendered by react-dom into jsdom, while the fake
 * Strapi (a real Socket.IO server in another process, fake-strapi.mjs) emits 1,000 events a second
 * for 5 seconds to the client's socket: 60% updates (half of them retitle, so move), 20% creates,
 * 20% deletes, each with `meta.subscription` set to the id the server acknowledged.
 *
 * Everything a browser app runs is real here except the browser: socket.io-client over a loopback
 * WebSocket, the SDK, TanStack Query, React 19 (production build when NODE_ENV=production, as
 * bench/live.mjs runs it) and react-dom committing to a jsdom document. Rows are `React.memo`
 * components, as a list of this size would be written, so the row renders show what the SDK's
 * structural sharing saves.
 *
 * Counts renders (of the list component and of rows), commits (a layout effect), events received
 * by the socket and events applied (the SDK's debug log of each outcome), and checks that the
 * rendered list equals the server's final state once the stream is over.
 *
 * With BENCH_REACT_RENDER=0 the same stream goes to a bare `live.collection()` observer (same jsdom
 * globals, no React): what the SDK alone sustains, for comparison.
 *
 * Tunables: BENCH_REACT_DOCS (1000), BENCH_REACT_RATE (1000 events/s), BENCH_REACT_SECONDS (5).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { JSDOM } from 'jsdom';
import { runWhenMain } from './child.mjs';
import { startFakeStrapi } from './fake-strapi.mjs';
import { ARTICLE, QUERY, outline } from './fixtures.mjs';
import { outcomeLogger } from './outcome-logger.mjs';
import { percentile, waitFor } from './stats.mjs';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCS = Number(process.env.BENCH_REACT_DOCS ?? 1000);
const RATE = Number(process.env.BENCH_REACT_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_REACT_SECONDS ?? 5);
const RENDER = process.env.BENCH_REACT_RENDER !== '0';
const SEED = 20_260_202;
const CONTENT_EVENT = /^[\w-]+:(create|update|delete)$/;

/** A browser-like global scope: jsdom's window and document (Node's own fetch, timers and WebSocket stay). */
function installDom() {
  const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>', { url: 'http://localhost/', pretendToBeVisual: true });
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  for (const key of ['navigator', 'HTMLElement', 'HTMLIFrameElement', 'Node', 'MutationObserver', 'requestAnimationFrame', 'cancelAnimationFrame']) {
    if (!(key in globalThis)) globalThis[key] = dom.window[key];
  }
  return dom;
}

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function main() {
  const startedAt = performance.now();
  const dom = installDom();
  // After the DOM globals: TanStack Query decides at import whether it runs on a server.
  const { createLiveClient } = await import('@strapi-live/client');
  const { LiveProvider, useLiveCollection } = await import('@strapi-live/react');
  // The React the bindings resolve (react/node_modules), not the root's (Strapi's admin brings another).
  const reactRequire = createRequire(path.join(rootDir, 'react', 'package.json'));
  const React = reactRequire('react');
  const { createRoot } = reactRequire('react-dom/client');
  const h = React.createElement;

  const counts = { renders: 0, rowRenders: 0, commits: 0, snapshots: 0, received: 0, outcomes: {} };
  const times = { firstReceived: 0, lastReceived: 0, lastApplied: 0 };
  /** Per commit: from the list component's render to its layout effect (React's render and commit, jsdom's DOM work). */
  const commitMs = [];
  let renderStart;
  let latest;

  const Row = React.memo(function Row({ article }) {
    counts.rowRenders += 1;
    return h('li', { 'data-id': article.documentId }, article.title, ' · ', article.category?.name ?? '');
  });
  function Articles() {
    const result = useLiveCollection(ARTICLE, QUERY);
    latest = result;
    counts.renders += 1;
    renderStart ??= performance.now();
    React.useLayoutEffect(() => {
      counts.commits += 1;
      commitMs.push(performance.now() - renderStart);
      renderStart = undefined;
    });
    if (!result.data) return h('p', null, result.status);
    return h('ul', null, result.data.map((article) => h(Row, { key: article.documentId, article })));
  }

  const logger = outcomeLogger((outcome) => {
    counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + 1;
    if (outcome === 'applied') times.lastApplied = performance.now();
  });

  const server = await startFakeStrapi({ seed: SEED, count: DOCS });
  const live = createLiveClient({ url: server.url, logger, socketOptions: { transports: ['websocket'] } });
  live.socket.onAny((event) => {
    if (!CONTENT_EVENT.test(event)) return;
    const now = performance.now();
    counts.received += 1;
    if (counts.received === 1) times.firstReceived = now;
    times.lastReceived = now;
  });
  const container = document.getElementById('root');
  const root = RENDER ? createRoot(container) : undefined;
  let stopObserver = () => {};
  // What is shown: the rendered list items, or the observer's data when nothing renders.
  const rendered = RENDER
    ? () => [...container.querySelectorAll('li')].map((li) => [li.dataset.id, li.firstChild.textContent])
    : () => outline(latest?.data ?? []);

  try {
    if (RENDER) root.render(h(LiveProvider, { client: live }, h(Articles)));
    else {
      stopObserver = live.collection(ARTICLE, QUERY).subscribe((result) => {
        latest = result;
        counts.snapshots += 1;
      });
    }
    await waitFor(() => latest?.isLive && !latest.isFetching && rendered().length === DOCS, 30_000, `${DOCS} articles shown`);
    const { restRequests: requestsLoaded } = await server.stats();
    Object.assign(counts, { renders: 0, rowRenders: 0, commits: 0, snapshots: 0, outcomes: {} });
    commitMs.length = 0;
    const cpuBefore = process.cpuUsage();

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const streamStart = performance.now();
    const streamed = await server.stream({ seed: SEED + 1, rate: RATE, durationMs: SECONDS * 1000 });
    const emitEnd = performance.now();
    let settled = true;
    try {
      await waitFor(() => counts.received === streamed.emitted && isDeepStrictEqual(rendered(), streamed.final), 20_000, 'the rendered list to match the final state', 2);
    } catch {
      settled = false;
    }
    const settledAt = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    delay.disable();
    const { restRequests: requestsAfter } = await server.stats();

    const applied = counts.outcomes.applied ?? 0;
    // From the first event received to the last one applied: the time the client was busy with the stream.
    const windowMs = times.lastApplied - times.firstReceived;
    const finalRendered = rendered();
    return {
      docs: DOCS,
      rendering: RENDER ? 'react-dom into jsdom' : 'none (observer only)',
      reactVersion: React.version,
      nodeEnv: process.env.NODE_ENV ?? '(unset)',
      targetRatePerSecond: RATE,
      streamSeconds: round((emitEnd - streamStart) / 1000, 2),
      serverEmitted: streamed.emitted,
      serverEmittedByKind: streamed.byKind,
      serverEmitSeconds: round(streamed.elapsedMs / 1000, 2),
      eventsReceived: counts.received,
      outcomes: counts.outcomes,
      windowSeconds: round(windowMs / 1000, 2),
      eventsAppliedPerSecond: Math.round(applied / (windowMs / 1000)),
      snapshots: RENDER ? null : counts.snapshots,
      commits: counts.commits,
      commitsPerSecond: Math.round(counts.commits / (windowMs / 1000)),
      listRenders: counts.renders,
      listRendersPerSecond: Math.round(counts.renders / (windowMs / 1000)),
      rowRenders: counts.rowRenders,
      rowRendersPerCommit: round(counts.rowRenders / Math.max(1, counts.commits), 2),
      renderAndCommitMs: commitMs.length > 0 ? { median: round(percentile(commitMs, 0.5)), p95: round(percentile(commitMs, 0.95)), max: round(Math.max(...commitMs)) } : null,
      // CPU time of this process (all its threads, GC included) over the time from the first event to the check.
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (settledAt - times.firstReceived)) * 100),
      eventsPerCommit: RENDER ? round(applied / Math.max(1, counts.commits), 2) : null,
      lastEventAppliedAfterServerFinishedMs: Math.round(times.lastApplied - emitEnd),
      renderedMatchedFinalStateAfterMs: settled ? Math.round(settledAt - emitEnd) : null,
      eventLoopDelayMs: { p50: round(delay.percentile(50) / 1e6), p99: round(delay.percentile(99) / 1e6), max: round(delay.max / 1e6) },
      restRequestsDuringStream: requestsAfter - requestsLoaded,
      finalLength: { rendered: finalRendered.length, expected: streamed.final.length },
      finalRenderedEqualsExpected: isDeepStrictEqual(finalRendered, streamed.final),
      finalDataEqualsExpected: isDeepStrictEqual(outline(latest?.data ?? []), streamed.final),
      seconds: round((performance.now() - startedAt) / 1000),
    };
  } finally {
    root?.unmount();
    stopObserver();
    live.close();
    await server.stop();
    dom.window.close();
  }
}

runWhenMain(import.meta.url, main);

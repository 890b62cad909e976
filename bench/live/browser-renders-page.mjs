/**
 * The page side of browser-renders.mjs, bundled by esbuild with the built client, React and Vue
 * bindings (as an app bundles them) and served by the fake Strapi. `window.rendersBench.mount()`
 * renders one live list with `useLiveCollection` — React (memoized rows) or Vue (row components) —
 * and the runner then streams events to it; the page counts what happened while it records:
 *
 * - events its socket received (content events only) and events the SDK applied (its debug log of
 *   each event's outcome);
 * - commits of the list component (React: a layout effect, Vue: `onUpdated`), and per animation
 *   frame (a requestAnimationFrame loop): frames, frames with a commit, most commits in one frame;
 * - long tasks (`PerformanceObserver({ type: 'longtask' })`, buffered, kept when they start after
 *   recording began).
 *
 * The list renders what the example pages render of a long list: a count line and the first
 * {@link CARDS_PER_PAGE} documents (examples/shared/card-window.ts); the SDK keeps all of them.
 */
import { createLiveClient } from '@strapi-live/client';
import { LiveProvider, useLiveCollection as useReactCollection } from '@strapi-live/react';
import { createLive, useLiveCollection as useVueCollection } from '@strapi-live/vue';
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { createApp, defineComponent, h, onUpdated, version as vueVersion } from 'vue';
import { CARDS_PER_PAGE, articleCountLabel, cardWindow } from '../../examples/shared/card-window.ts';
import { outline } from './fixtures.mjs';
import { outcomeLogger } from './outcome-logger.mjs';
import { waitFor } from './stats.mjs';

const CONTENT_EVENT = /^[\w-]+:(create|update|delete)$/;

const probe = {
  recording: false,
  recordStart: 0,
  received: 0,
  outcomes: {},
  commits: 0,
  frames: 0,
  framesWithCommits: 0,
  maxCommitsInFrame: 0,
  longTasks: [],
  lastApplied: 0,
  lastCommit: 0,
  firstReceived: 0,
};
let commitsThisFrame = 0;
/** The latest data the list component rendered (the whole list, not only the window). */
let latest;

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (probe.recording && entry.startTime >= probe.recordStart) probe.longTasks.push(Math.round(entry.duration));
  }
}).observe({ type: 'longtask', buffered: true });

const onFrame = () => {
  if (probe.recording) {
    probe.frames += 1;
    if (commitsThisFrame > 0) probe.framesWithCommits += 1;
    probe.maxCommitsInFrame = Math.max(probe.maxCommitsInFrame, commitsThisFrame);
  }
  commitsThisFrame = 0;
  requestAnimationFrame(onFrame);
};
requestAnimationFrame(onFrame);

const countCommit = () => {
  if (!probe.recording) return;
  probe.commits += 1;
  probe.lastCommit = performance.now();
  commitsThisFrame += 1;
};

const logger = outcomeLogger((outcome) => {
  if (!probe.recording) return;
  probe.outcomes[outcome] = (probe.outcomes[outcome] ?? 0) + 1;
  if (outcome === 'applied') probe.lastApplied = performance.now();
});

const rowText = (article) => `${article.title} · ${article.category?.name ?? ''}`;

function mountReact(container, live, { article, query }) {
  const c = React.createElement;
  const Row = React.memo(function Row({ item }) {
    return c('li', { 'data-id': item.documentId }, rowText(item));
  });
  function Articles() {
    const result = useReactCollection(article, query);
    latest = result;
    React.useLayoutEffect(countCommit);
    if (!result.data) return c('p', null, result.status);
    const { shown } = cardWindow(result.data, CARDS_PER_PAGE);
    return c(
      'section',
      null,
      c('p', { className: 'count' }, articleCountLabel(result.data.length)),
      c('ul', null, shown.map((item) => c(Row, { key: item.documentId, item }))),
    );
  }
  const root = createRoot(container);
  root.render(c(LiveProvider, { client: live }, c(Articles)));
  return () => root.unmount();
}

function mountVue(container, live, { article, query }) {
  const Row = defineComponent({
    props: { item: { type: Object, required: true } },
    setup: (props) => () => h('li', { 'data-id': props.item.documentId }, rowText(props.item)),
  });
  const Articles = defineComponent({
    setup() {
      const result = useVueCollection(article, query);
      onUpdated(countCommit);
      return () => {
        latest = { data: result.data.value, isLive: result.isLive.value, isFetching: result.isFetching.value };
        const data = result.data.value;
        if (!data) return h('p', result.status.value);
        const { shown } = cardWindow(data, CARDS_PER_PAGE);
        return h('section', [h('p', { class: 'count' }, articleCountLabel(data.length)), h('ul', shown.map((item) => h(Row, { key: item.documentId, item })))]);
      };
    },
  });
  const app = createApp(Articles);
  app.use(createLive(live));
  app.mount(container);
  return () => app.unmount();
}

/** What the page shows: the count line and the rows, `[documentId, title]` each. */
function rendered() {
  const count = document.querySelector('.count')?.textContent ?? '';
  const rows = [...document.querySelectorAll('li')].map((li) => [li.dataset.id, li.textContent.slice(0, li.textContent.lastIndexOf(' · '))]);
  return { count, rows };
}

window.rendersBench = {
  /** Renders the live list and waits until it holds all `docs` documents and is live. */
  async mount({ framework, article, query, docs }) {
    const live = createLiveClient({ url: location.origin, logger, socketOptions: { transports: ['websocket'] } });
    live.socket.onAny((event) => {
      if (!probe.recording || !CONTENT_EVENT.test(event)) return;
      probe.received += 1;
      if (probe.received === 1) probe.firstReceived = performance.now();
    });
    const container = document.getElementById('root');
    const started = performance.now();
    const mount = framework === 'vue' ? mountVue : mountReact;
    mount(container, live, { article, query });
    await waitFor(() => latest?.isLive && !latest.isFetching && latest.data?.length === docs && rendered().rows.length === Math.min(docs, CARDS_PER_PAGE), 60_000, `${docs} documents live`, 20);
    return { initialLoadMs: Math.round(performance.now() - started), versions: { react: React.version, vue: vueVersion } };
  },

  start() {
    probe.recordStart = performance.now();
    probe.recording = true;
  },

  /**
   * Once every emitted event was received and the page shows the final list (its data equals
   * `final`, the window and the count line show its start and length): stops recording and
   * returns what was counted. Times out (throws) after `timeoutMs`.
   */
  async settle({ emitted, final, timeoutMs }) {
    const expectedRows = final.slice(0, CARDS_PER_PAGE);
    const same = (a, b) => a.length === b.length && a.every((row, i) => row[0] === b[i][0] && row[1] === b[i][1]);
    await waitFor(
      () => {
        if (probe.received < emitted) return false;
        const shown = rendered();
        return shown.count === articleCountLabel(final.length) && same(shown.rows, expectedRows) && same(outline(latest.data), final);
      },
      timeoutMs,
      'the page to show the final list',
      20,
    );
    probe.recording = false;
    const recordedMs = performance.now() - probe.recordStart;
    // Long tasks are reported after they end: give the observer one more turn.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return {
      received: probe.received,
      outcomes: probe.outcomes,
      commits: probe.commits,
      frames: probe.frames,
      recordedMs: Math.round(recordedMs),
      framesWithCommits: probe.framesWithCommits,
      maxCommitsInFrame: probe.maxCommitsInFrame,
      longTasks: probe.longTasks,
      // The stream as the page lived it: from the first event received to the last one applied, and
      // from there to the commit that showed it (the final list).
      lastAppliedAfterFirstReceivedMs: Math.round(probe.lastApplied - probe.firstReceived),
      lastCommitAfterLastAppliedMs: Math.round(probe.lastCommit - probe.lastApplied),
    };
  },
};

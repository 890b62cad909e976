/**
 * The React, Vue and vanilla example pages in real headless Chromium, each holding a live list of
 * 10,000 articles, while the server writes articles through the Document Service (issue 12, item 4): long
 * tasks (`PerformanceObserver({ type: 'longtask' })`), content events the page's socket received,
 * renders per animation frame, REST reads.
 *
 * Boots the compiled example app in this process (bench/lib/strapi.mjs, fresh SQLite file, seeded
 * example content) and adds BENCH_BROWSER_DOCUMENTS (10,000; 0 keeps the 4 seeded articles)
 * published articles, `Story 00000` to `Story 09999`, straight through the query engine
 * (seed-article-list.mjs: no content events, a few seconds), each with one of the seeded categories
 * and authors like the example cards. The pages are unchanged: their article list is a live
 * collection without `pagination`, which the SDK reads whole, in REST pages of 100 (the example
 * app's `api.rest.maxLimit`), before it goes live, and applies every event to; they render a window
 * of it (the first 50 cards, 50 more per "Show more": examples/shared/card-window.ts), so the bench
 * waits until the page's count line says every published article is held. With
 * BENCH_BROWSER_SHOW_MORE=<n> it clicks "Show more" n times first (50 × (n + 1) cards rendered).
 *
 * Launches Chromium with examples/e2e/src/browser.mjs, as the tests do (CHROMIUM_PATH, else
 * /usr/bin/chromium, else the binary @sparticuz/chromium ships, unpacked into
 * node_modules/.cache/strapi-live), then, for each page of BENCH_BROWSER_PAGES (`react,vue,vanilla`, built by
 * `npm run build:examples` into examples/strapi-app/public), one after the other in a fresh browser
 * context: opens `${url}/<page>/` and waits for the whole live list (sorted by title, the page's
 * default). Then, for BENCH_BROWSER_SECONDS (10), it retitles articles of the list through the
 * Document Service (`strapi.documents(...).update({ documentId, data: { title }, status:
 * 'published' })`) on a steady schedule of BENCH_BROWSER_RATE (100) writes/s, in up to
 * BENCH_BROWSER_CONCURRENCY (4) lanes, each owning its own articles picked at random across the list
 * (writes to one article never overlap). A new title is `Story <random index> / <page> <n>`, so each
 * write also moves its card to a random place in the list; with BENCH_BROWSER_TITLES=keep it is the
 * article's own `Story <index> / ...`, and the card stays where it is (what re-rendering costs
 * without moving cards). Each write is real SQLite work in this process and the machine is shared
 * with Chromium, so the schedule slips when a write takes longer than its slot: the rate reached is
 * printed. A lane behind schedule still yields to the event loop (`setImmediate`) before its next
 * write: a Document Service write can complete in promise jobs alone, and back-to-back writes would
 * keep Socket.IO from flushing until they stop, delivering every event at the end in one burst (the
 * table's "events received after the last write" shows it). It also counts the REST reads the page
 * made while loading and during the writes (`io:related` or refetch re-reads).
 *
 * What the page does is measured by a script injected before navigation (the example pages are
 * not changed): a `longtask` PerformanceObserver (buffered, checked first with a deliberate 80 ms
 * task), a WebSocket subclass counting Socket.IO frames by event name, renders — React: a stand-in
 * React DevTools hook counting commits (`onCommitFiberRoot`, which react-dom calls in production
 * builds too); Vue: an `updated` hook added to the `ArticleList` component instance (found from
 * `#app._vnode`, present in production builds) — a MutationObserver and a requestAnimationFrame loop
 * (frames, frames with DOM mutations, most renders and most DOM update batches in one frame); and,
 * over the DevTools protocol, Chromium's main-thread counters for the window (`Performance.getMetrics`:
 * task, script, style and layout time; script there leaves out some microtask and animation-frame
 * work, the rest of a task is mostly layout, pre-paint and paint). At the end it checks, in one
 * cheap pass over the cards, that the page's window shows the first cards of the final list (every
 * article's last title, in title order) and that the count line is right; the measured window ends
 * then. BENCH_BROWSER_TRACE=1 adds the page's event, render and long-task times to the JSON.
 *
 * Prints one table column per page, writes bench/results/browser.json, and sends the result to a
 * parent over IPC when forked. Exits non-zero only when the run itself fails (no browser, no page,
 * Strapi error), never because of a long task: it is a benchmark, it prints figures.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bootStrapi, rootDir, runBench, withTimeout } from '../lib/strapi.mjs';
import { launchChromium, resolveChromium } from '../../examples/e2e/src/browser.mjs';
import { seedArticleList, storyTitle } from './seed-article-list.mjs';

const RATE = Number(process.env.BENCH_BROWSER_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_BROWSER_SECONDS ?? 10);
/** Writes in flight at once, each on its own article. */
const CONCURRENCY = Number(process.env.BENCH_BROWSER_CONCURRENCY ?? 4);
/** Articles added to the 4 seeded ones. */
const DOCUMENTS = Number(process.env.BENCH_BROWSER_DOCUMENTS ?? 10_000);
const PAGES = (process.env.BENCH_BROWSER_PAGES ?? 'react,vue,vanilla').split(',').map((name) => name.trim()).filter(Boolean);
/** `move`: a write retitles its article to a random place in the list; `keep`: in place. */
const TITLES = process.env.BENCH_BROWSER_TITLES === 'keep' ? 'keep' : 'move';
const RUN_TIMEOUT_MS = 600_000;
const LOAD_TIMEOUT_MS = 180_000;
const ARTICLE = 'api::article.article';
const LONG_TASK_MS = 50;
const SEED = 20_261_130;
const publicDir = path.join(rootDir, 'examples', 'strapi-app', 'public');
const resultsFile = path.join(rootDir, 'bench', 'results', 'browser.json');
const FRAMEWORK = { react: 'React', vue: 'Vue', vanilla: 'vanilla' };
/** What a page's render counter counts. */
const RENDERS = { react: 'commits', vue: 'ArticleList updates' };

// ---------------------------------------------------------------------------------------------
// What runs in the page before its own scripts

function pageProbe() {
  const probe = {
    longTasks: [],
    events: {},
    wsFrames: 0,
    wsOpened: 0,
    renders: 0,
    renderTimes: [],
    eventTimes: [],
    mutationBatches: 0,
    frames: 0,
    framesWithMutations: 0,
    framesWithRenders: 0,
    framesWithEvents: 0,
    maxRendersInFrame: 0,
    maxMutationBatchesInFrame: 0,
    recording: false,
  };
  window.__bench = probe;

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push({ startTime: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });

  // Socket.IO frames: `42["article:update",{...}]` (or `42/namespace,["..."`), counted by event name.
  const EVENT_FRAME = /^42(?:\/[^,]*,)?\d*\["((?:[^"\\]|\\.)*)"/;
  const NativeWebSocket = window.WebSocket;
  class CountingWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      probe.wsOpened += 1;
      this.addEventListener('message', (event) => {
        probe.wsFrames += 1;
        if (typeof event.data !== 'string') return;
        const match = EVENT_FRAME.exec(event.data);
        if (!match) return;
        probe.events[match[1]] = (probe.events[match[1]] ?? 0) + 1;
        if (probe.recording) probe.eventTimes.push(performance.now());
        eventsThisFrame = true;
      });
    }
  }
  window.WebSocket = CountingWebSocket;

  let rendersThisFrame = 0;
  let mutationBatchesThisFrame = 0;
  let eventsThisFrame = false;
  /** One render: a React commit, or an update of Vue's ArticleList (hooked once the page is up). */
  probe.countRender = () => {
    probe.renders += 1;
    if (probe.recording) {
      rendersThisFrame += 1;
      probe.renderTimes.push(performance.now());
    }
  };

  // React commits: react-dom reports each commit to a DevTools hook when one is installed.
  let renderers = 0;
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject(internals) {
      renderers += 1;
      this.renderers.set(renderers, internals);
      return renderers;
    },
    onScheduleFiberRoot() {},
    onCommitFiberRoot() {
      probe.countRender();
    },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    checkDCE() {},
  };

  // DOM update batches: one MutationObserver callback per microtask checkpoint that changed the DOM.
  new MutationObserver(() => {
    probe.mutationBatches += 1;
    mutationBatchesThisFrame += 1;
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });

  const onFrame = () => {
    if (probe.recording) {
      probe.frames += 1;
      if (mutationBatchesThisFrame > 0) probe.framesWithMutations += 1;
      if (rendersThisFrame > 0) probe.framesWithRenders += 1;
      if (eventsThisFrame) probe.framesWithEvents += 1;
      probe.maxRendersInFrame = Math.max(probe.maxRendersInFrame, rendersThisFrame);
      probe.maxMutationBatchesInFrame = Math.max(probe.maxMutationBatchesInFrame, mutationBatchesThisFrame);
    }
    rendersThisFrame = 0;
    mutationBatchesThisFrame = 0;
    eventsThisFrame = false;
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
}

/**
 * Vue renders: production builds have no DevTools hook, but the app's root vnode is on its container
 * (`#app._vnode`). Finds the ArticleList component instance (`__name` of its <script setup>) and
 * adds an `updated` hook to it (`instance.u`, read on each of its updates). Runs in the page.
 */
function hookVueArticleList() {
  const stack = [document.querySelector('#app')?._vnode];
  while (stack.length > 0) {
    const vnode = stack.pop();
    if (!vnode || typeof vnode !== 'object') continue;
    const instance = vnode.component;
    if (instance) {
      if (instance.type?.__name === 'ArticleList') {
        instance.u = [...(instance.u ?? []), () => window.__bench.countRender()];
        return true;
      }
      stack.push(instance.subTree);
      continue;
    }
    if (Array.isArray(vnode.children)) stack.push(...vnode.children);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded PRNG (mulberry32): the same articles and titles on every run. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs in the page: how many of the window's cards are the expected ones in order (-1 when the window or count line is off), and a few that differ. */
function checkWindow({ expected, total }) {
  const shown = [...document.querySelectorAll('[data-testid="article"]')].map((card) => [card.dataset.documentId, card.querySelector('[data-testid="article-title"]')?.textContent ?? '']);
  const count = document.querySelector('[data-testid="article-count"]')?.textContent;
  let matching = 0;
  const differ = [];
  for (let i = 0; i < expected.length; i += 1) {
    if (shown[i]?.[0] === expected[i][0] && shown[i]?.[1] === expected[i][1]) matching += 1;
    else if (differ.length < 5) differ.push({ at: i, expected: expected[i], shown: shown[i] ?? null });
  }
  if (shown.length !== expected.length || count !== `${total} articles`) {
    matching = -1;
    differ.push({ shownCards: shown.length, count });
  }
  return { matching, differ };
}

const readCards = (cards) => cards.map((card) => [card.dataset.documentId, card.querySelector('[data-testid="article-title"]')?.textContent ?? '']);

/**
 * One example page: load the whole live list, then BENCH_BROWSER_SECONDS of writes, measured.
 * `writeNumber` numbers the writes across pages (every title is new).
 */
async function measurePage(app, browser, name, published, writeNumber) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
    // REST reads the page makes: the reads of the list while it loads, and any during the writes
    // (a refetch after `io:related`, for one).
    const restReads = { phase: 'load', load: 0, writes: 0, paths: {} };
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (!pathname.startsWith('/api/')) return;
      if (restReads.phase === 'load') restReads.load += 1;
      if (restReads.phase !== 'writes') return;
      restReads.writes += 1;
      restReads.paths[pathname] = (restReads.paths[pathname] ?? 0) + 1;
    });
    await page.addInitScript(pageProbe);
    const loadStart = performance.now();
    await page.goto(`${app.url}/${name}/`, { waitUntil: 'load', timeout: 60_000 });
    await page.locator('[data-testid="article-list"][data-live="true"]').waitFor({ timeout: LOAD_TIMEOUT_MS });
    // The SDK publishes a list read in pages once it has all of them; waiting for the count is a check.
    // The page renders a window of the list (examples/shared/card-window.ts); its count line says how many it holds.
    await page
      .waitForFunction((count) => document.querySelector('[data-testid="article-count"]')?.textContent === `${count} articles`, published, { timeout: 30_000, polling: 250 })
      .catch(async () => {
        const shown = await page.locator('[data-testid="article-count"]').textContent();
        throw new Error(`/${name}/ says ${shown}, ${published} are published`);
      });
    const loadMs = performance.now() - loadStart;
    restReads.phase = 'idle';
    for (let i = 0; i < Number(process.env.BENCH_BROWSER_SHOW_MORE ?? 0); i += 1) {
      const before = await page.locator('[data-testid="article"]').count();
      await page.getByTestId('show-more').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="article"]').length > n, before, { timeout: 30_000 });
    }
    const shownCards = await page.locator('[data-testid="article"]').evaluateAll(readCards);
    if (shownCards.length === 0) throw new Error(`/${name}/ shows no article`);
    // Every published article, in the page's order (title, code point), from the database: the window shows the first.
    const rows = await app.strapi.db.query(ARTICLE).findMany({ select: ['id', 'documentId', 'title'], where: { publishedAt: { $notNull: true } } });
    const byTitle = (a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
    const cards = rows.map((row) => [row.documentId, row.title]).sort(byTitle);
    const dbFirst = cards.slice(0, shownCards.length);
    if (JSON.stringify(dbFirst) !== JSON.stringify(shownCards)) throw new Error(`/${name}/ first cards differ from the database: ${JSON.stringify(shownCards.slice(0, 3))} vs ${JSON.stringify(dbFirst.slice(0, 3))}`);
    if (name === 'vue' && !(await page.evaluate(hookVueArticleList))) throw new Error('could not find the ArticleList component instance on /vue/');
    // Self-check: a deliberate 80 ms task must show up as a long task, else the observer is not working.
    const selfCheck = await page.evaluate(async () => {
      const before = window.__bench.longTasks.length;
      await new Promise((resolve) =>
        setTimeout(() => {
          const until = performance.now() + 80;
          while (performance.now() < until);
          resolve();
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      return window.__bench.longTasks.slice(before).some((task) => task.duration >= 80);
    });
    if (!selfCheck) throw new Error('the longtask PerformanceObserver did not report a deliberate 80 ms task');
    // Settle: what loading the page cost is reported apart from the write window.
    await sleep(1000);

    // The articles written: picked at random across the list, each lane owning its own.
    const rand = random(SEED + name.length);
    const targets = cards.map(([documentId, title]) => ({ documentId, base: title.split(' / ')[0], order: rand() })).sort((a, b) => a.order - b.order);
    const newTitle = (target, n) => {
      const base = TITLES === 'keep' || DOCUMENTS <= 0 ? target.base : storyTitle(Math.floor(rand() * DOCUMENTS));
      return `${base} / ${name} ${n}`;
    };

    // Where the main thread's time goes (Chromium's own counters, seconds since the page opened).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const mainThread = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map(({ name, value }) => [name, value]));
    const metricsBefore = await mainThread();
    const windowStart = await page.evaluate(() => {
      window.__bench.recording = true;
      return performance.now();
    });
    const windowStartInNode = performance.now();
    restReads.phase = 'writes';
    const documents = app.strapi.documents(ARTICLE);
    const lastTitle = new Map();
    const writeMs = [];
    // One lane per set of articles (at most CONCURRENCY): writes to one article never overlap, and
    // the lanes together keep the target rate when one write takes longer than 1/RATE.
    const lanes = Math.max(1, Math.min(CONCURRENCY, targets.length));
    const laneIntervalMs = (1000 * lanes) / RATE;
    const start = performance.now();
    const end = start + SECONDS * 1000;
    let writes = 0;
    const lane = async (index) => {
      const owned = targets.filter((_, i) => i % lanes === index);
      for (let n = 0; ; n += 1) {
        const due = start + (index * 1000) / RATE + n * laneIntervalMs;
        if (due >= end) return;
        const wait = due - performance.now();
        // Behind schedule, still let the event loop turn: a write can complete in promise jobs
        // alone, and lanes chaining them back to back would keep Socket.IO from flushing its
        // packets until the writes stop (every event would reach the page at the end, in a burst).
        // A real server's writes come from I/O, between which it flushes.
        if (wait > 1) await sleep(wait);
        else await new Promise((resolve) => setImmediate(resolve));
        if (performance.now() >= end) return;
        const target = owned[n % owned.length];
        const title = newTitle(target, writeNumber + writes);
        const t0 = performance.now();
        writes += 1;
        await documents.update({ documentId: target.documentId, data: { title }, status: 'published' });
        writeMs.push(performance.now() - t0);
        lastTitle.set(target.documentId, title);
      }
    };
    await Promise.all(Array.from({ length: lanes }, (_, index) => lane(index)));
    const writeSeconds = (performance.now() - start) / 1000;
    // On the page's clock (asking the page would wait for its main thread, which may be busy).
    const writesEndInPage = windowStart + (performance.now() - windowStartInNode);
    await withTimeout(app.strapi.$io.idle(), 10_000, 'strapi.$io.idle()');

    // Every event applied: the page ends with each written article's last title (within seconds).
    // Checked in one pass over the cards that compares only the written ones (a few ms for 10,000
    // cards, so the polling adds no long task of its own to the window).
    const finalTitles = new Map(cards);
    for (const [id, title] of lastTitle) finalTitles.set(id, title);
    const expectedList = [...finalTitles].sort(byTitle);
    const windowSize = shownCards.length;
    const expected = expectedList.slice(0, windowSize);
    const writtenInWindow = expected.filter(([id]) => lastTitle.has(id)).length;
    const waitStart = performance.now();
    let check = { matching: 0, differ: [] };
    while (performance.now() - waitStart < 30_000) {
      check = await page.evaluate(checkWindow, { expected, total: expectedList.length });
      if (check.matching === expected.length) break;
      await sleep(100);
    }
    const finalMatches = check.matching === expected.length;
    const settleMs = performance.now() - waitStart;
    restReads.phase = 'done';
    const probe = await page.evaluate(() => {
      window.__bench.recording = false;
      const { countRender, ...data } = window.__bench;
      return { ...data, windowEnd: performance.now() };
    });

    const metricsAfter = await mainThread();
    const spent = (name) => round(((metricsAfter[name] ?? 0) - (metricsBefore[name] ?? 0)) * 1000, 0);
    const inWindow = probe.longTasks.filter((task) => task.startTime >= windowStart);
    const beforeWindow = probe.longTasks.filter((task) => task.startTime < windowStart);
    const windowSeconds = (probe.windowEnd - windowStart) / 1000;
    const sortedWrites = [...writeMs].sort((a, b) => a - b);
    const pct = (p) => round(sortedWrites[Math.max(0, Math.ceil(p * sortedWrites.length) - 1)] ?? 0, 2);
    const result = {
      page: `/${name}/`,
      framework: FRAMEWORK[name] ?? name,
      renderCounter: RENDERS[name] ?? 'none',
      articlesShown: `${shownCards.length} of ${cards.length}`,
      writtenArticlesInFinalWindow: writtenInWindow,
      loadSeconds: round(loadMs / 1000, 2),
      restReadsToLoad: restReads.load,
      writes,
      writesInFlight: lanes,
      articlesWritten: lastTitle.size,
      writesPerSecond: round(writes / writeSeconds),
      writeMs: { median: pct(0.5), p99: pct(0.99), max: round(sortedWrites.at(-1) ?? 0, 2) },
      eventsReceived: probe.events,
      articleUpdatesReceived: probe.events['article:update'] ?? 0,
      eventsReceivedAfterTheWrites: probe.eventTimes.filter((time) => time > writesEndInPage).length,
      webSocketsOpened: probe.wsOpened,
      restReadsDuringWrites: restReads.writes,
      restReadsByPath: restReads.paths,
      finalTitlesMatch: finalMatches,
      lastTitleShownMsAfterLastWrite: round(settleMs),
      windowSeconds: round(windowSeconds, 2),
      longTasksOver50ms: inWindow.filter((task) => task.duration > LONG_TASK_MS).length,
      longestTaskMs: round(Math.max(0, ...inWindow.map((task) => task.duration))),
      longTaskMsTotal: round(inWindow.reduce((sum, task) => sum + task.duration, 0)),
      longTasksDuringLoad: beforeWindow.length,
      longestTaskDuringLoadMs: round(Math.max(0, ...beforeWindow.map((task) => task.duration))),
      mainThreadMs: { tasks: spent('TaskDuration'), script: spent('ScriptDuration'), style: spent('RecalcStyleDuration'), layout: spent('LayoutDuration') },
      renders: probe.renderTimes.length,
      rendersPerSecond: round(probe.renderTimes.length / windowSeconds),
      frames: probe.frames,
      framesPerSecond: round(probe.frames / windowSeconds),
      framesWithRenders: probe.framesWithRenders,
      framesWithEvents: probe.framesWithEvents,
      maxRendersInOneFrame: probe.maxRendersInFrame,
      framesWithDomMutations: probe.framesWithMutations,
      maxDomUpdateBatchesInOneFrame: probe.maxMutationBatchesInFrame,
      jsHeapMB: round((await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0)) / 2 ** 20),
      pageErrors: pageErrors.slice(0, 10),
    };
    if (process.env.BENCH_BROWSER_TRACE) Object.assign(result, { trace: { windowStart, eventTimes: probe.eventTimes, renderTimes: probe.renderTimes, longTasks: inWindow } });
    if (!finalMatches) result.finalTitlesDiffer = { count: expected.length - check.matching, first: check.differ };
    return result;
  } finally {
    await context.close().catch(() => {});
  }
}

export async function main() {
  const startedAt = performance.now();
  for (const name of PAGES) {
    if (!existsSync(path.join(publicDir, name, 'index.html'))) {
      throw new Error(`examples/strapi-app/public/${name}/index.html is missing: run \`npm run build:examples\` (or \`npm run build\`) first`);
    }
  }
  const app = await bootStrapi();
  let browser;
  try {
    const seedStart = performance.now();
    await seedArticleList(app.strapi, DOCUMENTS);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const published = await app.strapi.documents(ARTICLE).count({ status: 'published' });
    const { source } = await resolveChromium();
    browser = await launchChromium();
    const pages = [];
    let writeNumber = 0;
    for (const name of PAGES) {
      const result = await measurePage(app, browser, name, published, writeNumber);
      writeNumber += result.writes;
      pages.push(result);
    }
    return {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      chromium: `${browser.version()} (${source})`,
      documentsSeeded: DOCUMENTS,
      seedSeconds: round(seedSeconds, 2),
      publishedArticlesInDatabase: published,
      sort: 'title:asc (the pages\' default)',
      titles: TITLES,
      targetWritesPerSecond: RATE,
      seconds: SECONDS,
      pages,
      strapiLogs: { warn: app.logs.warn, error: app.logs.error, samples: app.logs.samples },
      durationSeconds: round((performance.now() - startedAt) / 1000),
    };
  } finally {
    await browser?.close().catch(() => {});
    await app.stop().catch((error) => console.error(`bench: stopping Strapi: ${error.message}`));
  }
}

function print(r) {
  const yes = (value) => (value ? 'yes' : 'NO');
  const num = (value) => (typeof value === 'number' ? value.toLocaleString('en-US') : String(value));
  const row = (label, value) => console.log(`  ${label.padEnd(56)}${r.pages.map((p) => ` ${num(value(p)).padStart(25)}`).join('')}`);
  const moves = r.titles === 'move' ? 'each write moves its card to a random place' : 'cards keep their place';
  console.log(
    `\nThe example pages in headless Chromium ${r.chromium}, a live list of ${num(r.publishedArticlesInDatabase)} articles sorted by title, while the server writes articles (${moves}; ${r.cpus} cores, Strapi, Chromium and this script on the same machine; ${num(r.documentsSeeded)} articles seeded in ${r.seedSeconds} s)\n`,
  );
  console.log(`  ${''.padEnd(56)}${r.pages.map((p) => ` ${`${p.framework} ${p.page}`.padStart(25)}`).join('')}`);
  row('articles the page shows', (p) => p.articlesShown);
  row('page load to live list, s (REST reads)', (p) => `${p.loadSeconds} (${p.restReadsToLoad})`);
  row(`writes through the Document Service in ${r.seconds} s`, (p) => p.writes);
  row(`writes / s reached (target ${r.targetWritesPerSecond})`, (p) => `${p.writesPerSecond} (${p.writesInFlight} in flight)`);
  row('one write, ms median / p99 / max', (p) => `${p.writeMs.median} / ${p.writeMs.p99} / ${p.writeMs.max}`);
  row('article:update events the page received', (p) => p.articleUpdatesReceived);
  row('events received after the last write', (p) => p.eventsReceivedAfterTheWrites);
  row('other events received', (p) => Object.entries(p.eventsReceived).filter(([event]) => event !== 'article:update').map(([event, n]) => `${event} ${n}`).join(', ') || '-');
  row('REST reads by the page during the writes', (p) => p.restReadsDuringWrites);
  row('written articles in the final window (checked in order)', (p) => p.writtenArticlesInFinalWindow);
  row('the window shows the final list\'s first cards', (p) => `${yes(p.finalTitlesMatch)} (${p.lastTitleShownMsAfterLastWrite} ms after)`);
  row(`long tasks > ${LONG_TASK_MS} ms during the writes`, (p) => `${p.longTasksOver50ms} in ${p.windowSeconds} s`);
  row('longest task during the writes, ms (sum of long tasks)', (p) => `${p.longestTaskMs} (${p.longTaskMsTotal})`);
  row('main thread busy, ms: tasks (script / style / layout)', (p) => `${p.mainThreadMs.tasks} (${p.mainThreadMs.script} / ${p.mainThreadMs.style} / ${p.mainThreadMs.layout})`);
  row('long tasks while loading, incl. an 80 ms self-check', (p) => `${p.longTasksDuringLoad} (longest ${p.longestTaskDuringLoadMs})`);
  row('renders: React commits / Vue ArticleList updates (/ s)', (p) => `${p.renders} (${p.rendersPerSecond})`);
  row('animation frames (per second)', (p) => `${p.frames} (${p.framesPerSecond})`);
  row('frames with a Socket.IO event / with a render', (p) => `${p.framesWithEvents} / ${p.framesWithRenders}`);
  row('most renders in one frame', (p) => p.maxRendersInOneFrame);
  row('most DOM update batches in one frame', (p) => p.maxDomUpdateBatchesInOneFrame);
  row('JS heap after the writes, MB', (p) => p.jsHeapMB);
  row('page errors', (p) => p.pageErrors.length);
  for (const p of r.pages) for (const line of p.pageErrors) console.log(`    ${p.page} ${line}`);
  for (const p of r.pages) if (p.finalTitlesDiffer) console.log(`    ${p.page} titles differ: ${JSON.stringify(p.finalTitlesDiffer)}`);
  console.log(`  Strapi warnings + errors: ${r.strapiLogs.warn + r.strapiLogs.error}`);
  for (const line of r.strapiLogs.samples) console.log(`    ${line}`);
  console.log(`\n  run took ${r.durationSeconds} s; JSON in ${path.relative(process.cwd(), resultsFile)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runBench(async () => {
    const result = await main();
    mkdirSync(path.dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
    print(result);
    if (process.send) await new Promise((resolve) => process.send({ type: 'result', result }, resolve));
  }, RUN_TIMEOUT_MS);
}

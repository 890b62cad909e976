/**
 * The React example page in real headless Chromium while the server writes ~100 articles a second
 * (issue 12, item 4): long tasks (`PerformanceObserver({ type: 'longtask' })`), content events the
 * page's socket received, React commits and frames.
 *
 * Boots the compiled example app in this process (bench/lib/strapi.mjs, fresh SQLite file, seeded
 * example content), launches Chromium with playwright-core as examples/e2e/src/browser.ts does
 * (CHROMIUM_PATH, else /usr/bin/chromium, else the binary @sparticuz/chromium ships, unpacked into
 * node_modules/.cache/strapi-live), opens `${url}/react/` (built by `npm run build:examples` into
 * examples/strapi-app/public/react) and waits for the live list. Then, for BENCH_BROWSER_SECONDS
 * (10), it retitles the articles the page shows through the Document Service
 * (`strapi.documents(...).update({ documentId, data: { title }, status: 'published' })`) on a steady
 * schedule of BENCH_BROWSER_RATE (100) writes/s, in up to BENCH_BROWSER_CONCURRENCY (4) lanes of one
 * article each (writes to one article never overlap). Each write is real SQLite work in this process
 * and the machine is shared with Chromium, so the schedule slips when a write takes longer than its
 * slot: the rate reached is printed. The page sorts by "last updated", so a write also moves a card
 * to the top. It also prints the REST reads the page made meanwhile (`io:related` re-reads).
 *
 * What the page does is measured by a script injected before navigation (the example page is not
 * changed): a `longtask` PerformanceObserver (buffered), a WebSocket subclass counting Socket.IO
 * frames by event name, a stand-in React DevTools hook counting commits (`onCommitFiberRoot`, which
 * react-dom calls in production builds too), a MutationObserver and a requestAnimationFrame loop
 * (frames, frames with DOM mutations, most commits in one frame). At the end it checks the page
 * shows every article's last title.
 *
 * Prints a table, writes bench/results/browser.json, and sends the result to a parent over IPC when
 * forked. Exits non-zero only when the run itself fails (no browser, no page, Strapi error), never
 * because of a long task: it is a benchmark, it prints figures.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';
import { chromium } from 'playwright-core';
import { bootStrapi, rootDir, runBench, withTimeout } from '../lib/strapi.mjs';

const RATE = Number(process.env.BENCH_BROWSER_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_BROWSER_SECONDS ?? 10);
/** Writes in flight at once, each on its own article. */
const CONCURRENCY = Number(process.env.BENCH_BROWSER_CONCURRENCY ?? 4);
const RUN_TIMEOUT_MS = 120_000;
const ARTICLE = 'api::article.article';
const LONG_TASK_MS = 50;
const publicDir = path.join(rootDir, 'examples', 'strapi-app', 'public');
const resultsFile = path.join(rootDir, 'bench', 'results', 'browser.json');

// ---------------------------------------------------------------------------------------------
// Chromium, as examples/e2e/src/browser.ts finds it (that file is TypeScript; the logic is small)

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const CACHE_DIR = path.join(rootDir, 'node_modules', '.cache', 'strapi-live');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

async function resolveChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist`);
    return { executablePath: fromEnv, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, source: 'system' };
  const entry = fileURLToPath(import.meta.resolve('@sparticuz/chromium'));
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const target = path.join(CACHE_DIR, `chromium-${version}`);
  if (!existsSync(target)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    await pipeline(createReadStream(path.join(packageDir, 'bin', 'chromium.br')), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
    renameSync(partial, target);
  }
  return { executablePath: target, source: '@sparticuz/chromium' };
}

async function launchChromium() {
  const { executablePath, source } = await resolveChromium();
  try {
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 30_000 });
    return { browser, source };
  } catch (error) {
    throw new Error(`Could not launch Chromium from ${executablePath} (${source}): ${error.message}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// What runs in the page before its own scripts

function pageProbe() {
  const probe = {
    longTasks: [],
    events: {},
    wsFrames: 0,
    wsOpened: 0,
    commits: 0,
    commitTimes: [],
    mutationBatches: 0,
    frames: 0,
    framesWithMutations: 0,
    framesWithCommits: 0,
    framesWithEvents: 0,
    maxCommitsInFrame: 0,
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
        eventsThisFrame = true;
      });
    }
  }
  window.WebSocket = CountingWebSocket;

  // React commits: react-dom reports each commit to a DevTools hook when one is installed.
  let commitsThisFrame = 0;
  let mutationsThisFrame = false;
  let eventsThisFrame = false;
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
      probe.commits += 1;
      if (probe.recording) {
        commitsThisFrame += 1;
        probe.commitTimes.push(performance.now());
      }
    },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    checkDCE() {},
  };

  new MutationObserver(() => {
    probe.mutationBatches += 1;
    mutationsThisFrame = true;
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });

  const onFrame = () => {
    if (probe.recording) {
      probe.frames += 1;
      if (mutationsThisFrame) probe.framesWithMutations += 1;
      if (commitsThisFrame > 0) probe.framesWithCommits += 1;
      if (eventsThisFrame) probe.framesWithEvents += 1;
      probe.maxCommitsInFrame = Math.max(probe.maxCommitsInFrame, commitsThisFrame);
    }
    commitsThisFrame = 0;
    mutationsThisFrame = false;
    eventsThisFrame = false;
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
}

// ---------------------------------------------------------------------------------------------

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function main() {
  const startedAt = performance.now();
  if (!existsSync(path.join(publicDir, 'react', 'index.html'))) {
    throw new Error(`examples/strapi-app/public/react/index.html is missing: run \`npm run build:examples\` (or \`npm run build\`) first`);
  }
  const app = await bootStrapi();
  let browser;
  try {
    const launched = await launchChromium();
    browser = launched.browser;
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
    // REST reads the page makes (a refetch after `io:related`, for one), counted during the writes.
    const restReads = { recording: false, count: 0, paths: {} };
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (!restReads.recording || !pathname.startsWith('/api/')) return;
      restReads.count += 1;
      restReads.paths[pathname] = (restReads.paths[pathname] ?? 0) + 1;
    });
    await page.addInitScript(pageProbe);
    await page.goto(`${app.url}/react/`, { waitUntil: 'load', timeout: 30_000 });
    await page.locator('[data-testid="article-list"][data-live="true"]').waitFor({ timeout: 20_000 });
    const documentIds = await page.locator('[data-testid="article"]').evaluateAll((cards) => cards.map((card) => card.dataset.documentId));
    if (documentIds.length === 0) throw new Error('the page shows no article');
    const docsInDatabase = await app.strapi.documents(ARTICLE).count({ status: 'published' });
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
    await sleep(700);

    const windowStart = await page.evaluate(() => {
      window.__bench.recording = true;
      return performance.now();
    });
    restReads.recording = true;
    const documents = app.strapi.documents(ARTICLE);
    const lastTitle = new Map();
    const writeMs = [];
    // One lane per article (at most CONCURRENCY): writes to one article never overlap, and the
    // lanes together keep the target rate when one write takes longer than 1/RATE.
    const lanes = Math.max(1, Math.min(CONCURRENCY, documentIds.length));
    const laneIntervalMs = (1000 * lanes) / RATE;
    const start = performance.now();
    const end = start + SECONDS * 1000;
    let writes = 0;
    const lane = async (index) => {
      const owned = documentIds.filter((_, i) => i % lanes === index);
      for (let n = 0; ; n += 1) {
        const due = start + (index * 1000) / RATE + n * laneIntervalMs;
        if (due >= end) return;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        if (performance.now() >= end) return;
        const documentId = owned[n % owned.length];
        const title = `Bench ${writes} ${documentId.slice(0, 6)}`;
        const t0 = performance.now();
        writes += 1;
        await documents.update({ documentId, data: { title }, status: 'published' });
        writeMs.push(performance.now() - t0);
        lastTitle.set(documentId, title);
      }
    };
    await Promise.all(Array.from({ length: lanes }, (_, index) => lane(index)));
    const writeSeconds = (performance.now() - start) / 1000;
    await withTimeout(app.strapi.$io.idle(), 10_000, 'strapi.$io.idle()');

    // Every event applied: the page ends with each article's last title (within a few seconds).
    const expected = Object.fromEntries(lastTitle);
    const waitStart = performance.now();
    let shown = {};
    let finalMatches = false;
    while (performance.now() - waitStart < 5_000) {
      shown = await page.locator('[data-testid="article"]').evaluateAll((cards) =>
        Object.fromEntries(cards.map((card) => [card.dataset.documentId, card.querySelector('[data-testid="article-title"]')?.textContent])),
      );
      finalMatches = Object.entries(expected).every(([id, title]) => shown[id] === title);
      if (finalMatches) break;
      await sleep(50);
    }
    const settleMs = performance.now() - waitStart;
    restReads.recording = false;
    const probe = await page.evaluate(() => {
      window.__bench.recording = false;
      return { ...window.__bench, windowEnd: performance.now() };
    });

    const inWindow = probe.longTasks.filter((task) => task.startTime >= windowStart);
    const beforeWindow = probe.longTasks.filter((task) => task.startTime < windowStart);
    const windowSeconds = (probe.windowEnd - windowStart) / 1000;
    const sortedWrites = [...writeMs].sort((a, b) => a - b);
    const pct = (p) => round(sortedWrites[Math.max(0, Math.ceil(p * sortedWrites.length) - 1)] ?? 0, 2);
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      chromium: `${browser.version()} (${launched.source})`,
      page: '/react/ (sort: last updated)',
      articlesShown: documentIds.length,
      publishedArticlesInDatabase: docsInDatabase,
      targetWritesPerSecond: RATE,
      writesInFlight: lanes,
      seconds: SECONDS,
      writes,
      writesPerSecond: round(writes / writeSeconds),
      writeMs: { median: pct(0.5), p99: pct(0.99), max: round(sortedWrites.at(-1) ?? 0, 2) },
      eventsReceived: probe.events,
      articleUpdatesReceived: probe.events['article:update'] ?? 0,
      webSocketsOpened: probe.wsOpened,
      restReadsDuringWrites: restReads.count,
      restReadsByPath: restReads.paths,
      finalTitlesMatch: finalMatches,
      lastTitleShownMsAfterLastWrite: round(settleMs),
      windowSeconds: round(windowSeconds, 2),
      longTasksOver50ms: inWindow.filter((task) => task.duration > LONG_TASK_MS).length,
      longestTaskMs: round(Math.max(0, ...inWindow.map((task) => task.duration))),
      longTasksDuringLoad: beforeWindow.length,
      longestTaskDuringLoadMs: round(Math.max(0, ...beforeWindow.map((task) => task.duration))),
      reactCommits: probe.commitTimes.length,
      reactCommitsPerSecond: round(probe.commitTimes.length / windowSeconds),
      frames: probe.frames,
      framesPerSecond: round(probe.frames / windowSeconds),
      framesWithCommits: probe.framesWithCommits,
      framesWithEvents: probe.framesWithEvents,
      maxCommitsInOneFrame: probe.maxCommitsInFrame,
      framesWithDomMutations: probe.framesWithMutations,
      pageErrors: pageErrors.slice(0, 10),
      strapiLogs: { warn: app.logs.warn, error: app.logs.error, samples: app.logs.samples },
      durationSeconds: round((performance.now() - startedAt) / 1000),
    };
    if (!finalMatches) result.finalTitlesDiffer = Object.entries(expected).filter(([id, title]) => shown[id] !== title).slice(0, 5).map(([id, title]) => ({ id, expected: title, shown: shown[id] }));
    return result;
  } finally {
    await browser?.close().catch(() => {});
    await app.stop().catch((error) => console.error(`bench: stopping Strapi: ${error.message}`));
  }
}

function print(r) {
  const yes = (value) => (value ? 'yes' : 'NO');
  const num = (value) => (typeof value === 'number' ? value.toLocaleString('en-US') : String(value));
  const row = (label, value) => console.log(`  ${label.padEnd(52)}${num(value).padStart(24)}`);
  console.log(`\nThe React example page in headless Chromium ${r.chromium} while the server writes articles (${r.cpus} cores, Strapi, Chromium and this script on the same machine)\n`);
  row('articles the page shows / published in the database', `${r.articlesShown} / ${r.publishedArticlesInDatabase}`);
  row(`writes through the Document Service in ${r.seconds} s`, r.writes);
  row(`writes / s reached (target ${r.targetWritesPerSecond}, ${r.writesInFlight} in flight)`, r.writesPerSecond);
  row('one write, ms median / p99 / max', `${r.writeMs.median} / ${r.writeMs.p99} / ${r.writeMs.max}`);
  row('article:update events the page received', r.articleUpdatesReceived);
  row('other events received', Object.entries(r.eventsReceived).filter(([name]) => name !== 'article:update').map(([name, n]) => `${name} ${n}`).join(', ') || '-');
  row('REST reads by the page during the writes', r.restReadsDuringWrites);
  row('every article shows its last title', `${yes(r.finalTitlesMatch)} (${r.lastTitleShownMsAfterLastWrite} ms after)`);
  row(`long tasks > ${LONG_TASK_MS} ms during the writes (${r.windowSeconds} s)`, r.longTasksOver50ms);
  row('longest task during the writes, ms', r.longestTaskMs);
  row('long tasks before, incl. an 80 ms self-check (longest)', `${r.longTasksDuringLoad} (${r.longestTaskDuringLoadMs})`);
  row('React commits (per second)', `${r.reactCommits} (${r.reactCommitsPerSecond})`);
  row('animation frames (per second)', `${r.frames} (${r.framesPerSecond})`);
  row('frames with a Socket.IO event / with a commit', `${r.framesWithEvents} / ${r.framesWithCommits}`);
  row('most React commits in one frame', r.maxCommitsInOneFrame);
  row('page errors / Strapi warnings + errors', `${r.pageErrors.length} / ${r.strapiLogs.warn + r.strapiLogs.error}`);
  for (const line of [...r.pageErrors, ...r.strapiLogs.samples]) console.log(`    ${line}`);
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

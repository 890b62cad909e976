/**
 * React and Vue under 1,000 events a second on a 10,000-document list, in headless Chromium
 * (issue 12, item 4): a page with one `useLiveCollection` list (browser-renders-page.mjs) follows
 * the fake Strapi's articles (sorted by title, category populated) while the fake Strapi streams
 * BENCH_RENDERS_RATE (1,000) events a second for BENCH_RENDERS_SECONDS (10) to it: 60% updates
 * (half of them retitle, so move), 20% creates, 20% deletes (fake-strapi.mjs `stream`). Per
 * framework, in a fresh page and a fresh fake Strapi with the same documents and events:
 *
 * - every event received applied, and the page showing the final list at the end (its data equal
 *   to the server's, its window and count line too), the commit showing the last event how long
 *   after it was applied;
 * - commits of the list component per second and per animation frame (at most one per frame is
 *   the target: the bindings notify once per frame, frame-batch.ts);
 * - long tasks over 50 ms (`PerformanceObserver('longtask')`) while the events stream in;
 * - the main thread's busy time (Chromium's `Performance.getMetrics` over the DevTools protocol).
 *
 * The list renders what the example pages render of a long list: the count line and the first 50
 * documents (examples/shared/card-window.ts); every event is applied to the whole list.
 * bench/live/browser-longtasks.mjs drives the real example pages through a real Strapi (whose
 * Document Service writes ~40 articles a second here); this bench is about the client at a rate
 * no single Strapi writes, so the events come from the fake Strapi, over a real Socket.IO socket.
 *
 * Run by bench/live.mjs in its own process; prints JSON when run directly. Tunables:
 * BENCH_RENDERS_DOCS (10,000), BENCH_RENDERS_RATE (1,000), BENCH_RENDERS_SECONDS (10),
 * BENCH_RENDERS_FRAMEWORKS (react,vue).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, resolveChromium } from '../../examples/e2e/src/browser.mjs';
import { buildBenchPage, reactAliases } from './bench-page.mjs';
import { runWhenMain } from './child.mjs';
import { startFakeStrapi } from './fake-strapi.mjs';
import { ARTICLE, QUERY } from './fixtures.mjs';

const DOCS = Number(process.env.BENCH_RENDERS_DOCS ?? 10_000);
const RATE = Number(process.env.BENCH_RENDERS_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_RENDERS_SECONDS ?? 10);
const FRAMEWORKS = (process.env.BENCH_RENDERS_FRAMEWORKS ?? 'react,vue').split(',').filter(Boolean);
const SEED = 20_261_201;
const RUN_TIMEOUT_MS = 300_000;
const LONG_TASK_MS = 50;
const here = path.dirname(fileURLToPath(import.meta.url));
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Chromium's main-thread counters (seconds), over the DevTools protocol. */
async function mainThreadCounters(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const byName = Object.fromEntries(metrics.map(({ name, value }) => [name, value]));
  return { task: byName.TaskDuration, script: byName.ScriptDuration, layout: byName.LayoutDuration, style: byName.RecalcStyleDuration };
}

async function runFramework(browser, dir, framework) {
  const server = await startFakeStrapi({ seed: SEED, count: DOCS, pageDir: dir });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const failures = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`${server.url}/bench/`);
    await page.waitForFunction(() => typeof window.rendersBench?.mount === 'function', undefined, { timeout: 30_000 });
    const mounted = await page.evaluate((input) => window.rendersBench.mount(input), { framework, article: ARTICLE, query: QUERY, docs: DOCS });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const { restRequests: requestsLoaded } = await server.stats();
    const before = await mainThreadCounters(cdp);
    await page.evaluate(() => window.rendersBench.start());
    const streamed = await server.stream({ seed: SEED + 1, rate: RATE, durationMs: SECONDS * 1000 });
    const run = await page.evaluate((input) => window.rendersBench.settle(input), { emitted: streamed.emitted, final: streamed.final, timeoutMs: 60_000 });
    const after = await mainThreadCounters(cdp);
    const { restRequests: requestsAfter } = await server.stats();
    if (failures.length > 0) throw new Error(`the ${framework} page threw: ${failures.join('; ')}`);
    const seconds = run.lastAppliedAfterFirstReceivedMs / 1000;
    const applied = run.outcomes.applied ?? 0;
    return {
      framework,
      version: mounted.versions[framework],
      initialLoadMs: mounted.initialLoadMs,
      emitted: streamed.emitted,
      emittedByKind: streamed.byKind,
      emitSeconds: round(streamed.elapsedMs / 1000, 2),
      received: run.received,
      outcomes: run.outcomes,
      applied,
      appliedPerSecond: Math.round(applied / seconds),
      commits: run.commits,
      commitsPerSecond: Math.round(run.commits / seconds),
      frames: run.frames,
      framesPerSecond: Math.round(run.frames / (run.recordedMs / 1000)),
      framesWithCommits: run.framesWithCommits,
      maxCommitsInFrame: run.maxCommitsInFrame,
      longTasksOver50Ms: run.longTasks.filter((ms) => ms > LONG_TASK_MS).length,
      longestTaskMs: run.longTasks.length > 0 ? Math.max(...run.longTasks) : null,
      mainThreadBusySeconds: round(after.task - before.task, 2),
      scriptSeconds: round(after.script - before.script, 2),
      secondsFromFirstEventToLastApplied: round(seconds, 2),
      finalCommitAfterLastAppliedMs: run.lastCommitAfterLastAppliedMs,
      restRequestsDuringStream: requestsAfter - requestsLoaded,
      finalShownEqualsExpected: true,
    };
  } finally {
    await context.close();
    await server.stop();
  }
}

export async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strapi-live-renders-page-'));
  let browser;
  try {
    await buildBenchPage({ dir, entry: path.join(here, 'browser-renders-page.mjs'), title: 'renders', alias: reactAliases() });
    const { source } = await resolveChromium();
    browser = await launchChromium();
    const frameworks = [];
    for (const framework of FRAMEWORKS) frameworks.push(await runFramework(browser, dir, framework));
    return { chromium: `${browser.version()} (${source})`, docs: DOCS, rate: RATE, seconds: SECONDS, shown: 50, frameworks };
  } finally {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, () => {
  const timer = setTimeout(() => {
    console.error(`browser-renders: still running after ${RUN_TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }, RUN_TIMEOUT_MS);
  timer.unref();
  return main();
});

/**
 * The live path of apply-event.mjs in headless Chromium, where the SDK runs in production: the
 * same 10,000 articles (sorted by title, populate category) and the same script of interleaved
 * update, create and delete events, applied one by one through a real `createLiveClient`, µs per
 * event; and the floor, one `slice()` of the list per event, timed the same way in the same page.
 *
 * Why a browser row beside Node's: the per-event cost is a copy of the list plus a few KB, so its
 * tail is the engine's memory management. Chromium's V8 compresses pointers (a 10,000-item array
 * is 40 KB there, 80 KB in Node), sizes its young generation its own way, and is the engine a
 * browser app pays with.
 *
 * The page (browser-apply-page.mjs) is bundled by esbuild with the built client package, as an
 * app would bundle it, and served by the fake Strapi (fake-strapi.mjs) with COOP and COEP headers:
 * cross-origin isolated, its `performance.now()` steps by 5 µs (100 µs otherwise). Chromium runs
 * with `--js-flags=--expose-gc` so the page collects garbage before the timed events, as the Node
 * rows do. Chromium gives a page no per-sample GC or page-fault account; the runner reads the
 * renderer process's minor page faults (`ps`) around the live path and around the floor, per event.
 *
 * Run by bench/live.mjs in its own process; prints JSON when run directly. Tunables:
 * BENCH_BROWSER_APPLY_DOCS (10,000), BENCH_APPLY_WARMUP and BENCH_APPLY_ITERATIONS (as
 * apply-event.mjs: 2,000, 3,000 per kind).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ITERATIONS, KINDS, SEED, WARMUP } from './apply-event.mjs';
import { buildBenchPage } from './bench-page.mjs';
import { runWhenMain } from './child.mjs';
import { launchChromium, resolveChromium } from '../../examples/e2e/src/browser.mjs';
import { eventScript } from './event-script.mjs';
import { startFakeStrapi } from './fake-strapi.mjs';
import { ARTICLE, QUERY, initialArticles } from './fixtures.mjs';
import { summarize } from './stats.mjs';

const DOCS = Number(process.env.BENCH_BROWSER_APPLY_DOCS ?? 10_000);
const RUN_TIMEOUT_MS = 300_000;
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Minor page faults of the page's renderer process so far (Linux `ps`; the bench opens one page,
 * so one renderer), or null where that cannot be read.
 */
function rendererFaults() {
  try {
    const lines = execFileSync('ps', ['-eo', 'min_flt=,args='], { encoding: 'utf8' }).split('\n');
    const renderers = lines.filter((line) => line.includes('--type=renderer'));
    return renderers.length === 1 ? Number(renderers[0].trim().split(/\s+/)[0]) : null;
  } catch {
    return null;
  }
}

export async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strapi-live-apply-page-'));
  let server;
  let browser;
  try {
    await buildBenchPage({ dir, entry: path.join(here, 'browser-apply-page.mjs'), title: 'apply-event' });
    const initial = initialArticles(SEED, DOCS);
    const script = eventScript(initial, { seed: SEED + 1, warmup: WARMUP, iterations: ITERATIONS, kinds: KINDS });
    server = await startFakeStrapi({ seed: SEED, count: DOCS, pageDir: dir });
    const { source } = await resolveChromium();
    browser = await launchChromium({ args: ['--js-flags=--expose-gc'] });
    const page = await browser.newPage();
    const failures = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`${server.url}/bench/`);
    await page.waitForFunction(() => typeof window.applyEventBench?.open === 'function', undefined, { timeout: 30_000 });
    const { restRequests: requestsBefore } = await server.stats();
    const opened = await page.evaluate((input) => window.applyEventBench.open(input), { article: ARTICLE, query: QUERY, docs: DOCS, events: script.events, final: script.final });
    const renderer = rendererFaults();
    const run = await page.evaluate(() => window.applyEventBench.live());
    const afterLive = rendererFaults();
    const floor = await page.evaluate(() => window.applyEventBench.floor());
    const afterFloor = rendererFaults();
    const { restRequests: requestsAfter } = await server.stats();
    if (failures.length > 0) throw new Error(`the page threw: ${failures.join('; ')}`);
    const perEvent = (from, to) => (from === null || to === null ? null : Math.round(((to - from) / run.events) * 10) / 10);
    return {
      chromium: `${browser.version()} (${source})`,
      docs: DOCS,
      iterationsPerKind: ITERATIONS,
      warmupEvents: WARMUP,
      crossOriginIsolated: opened.crossOriginIsolated,
      gcExposed: opened.gcExposed,
      livePath: Object.fromEntries(KINDS.map((kind) => [kind, summarize(run.samples[kind])])),
      floor: summarize(floor.samples),
      // The renderer's minor page faults per event (warm-up included), while applying and while copying.
      rendererFaultsPerEvent: { livePath: perEvent(renderer, afterLive), floor: perEvent(afterLive, afterFloor) },
      events: run.events,
      snapshotsPublished: run.snapshotsPublished,
      initialLoadMs: opened.initialLoadMs,
      restRequests: requestsAfter - requestsBefore,
      finalEqualsExpected: run.finalEqualsExpected,
      isLiveAtEnd: run.isLiveAtEnd,
    };
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, () => {
  const timer = setTimeout(() => {
    console.error(`browser-apply-event: still running after ${RUN_TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }, RUN_TIMEOUT_MS);
  timer.unref();
  return main();
});

/**
 * How long a live collection takes to go live: from `live.collection(...).subscribe()` to a live
 * snapshot holding every document, for a list of 1,000 and of 10,000 articles (unpaginated, so
 * read whole in REST pages of 100), on loopback and behind a network round trip of
 * BENCH_READ_LATENCY_MS (25 ms: each REST answer of the fake Strapi is sent that much later).
 *
 * The SDK reads the first page, learns how many there are, then the others FETCH_ALL_CONCURRENCY
 * (4) at a time; read one after another, the pages would wait a round trip each (printed beside:
 * `pages × round trip`). Each case is a fresh fake Strapi and client, BENCH_READ_RUNS (3) times;
 * the median is printed.
 *
 * Run by bench/live.mjs in its own process; prints JSON when run directly. BENCH_CLIENT (a built
 * client's index.js) measures another build of the SDK, e.g. an older one.
 */
import { performance } from 'node:perf_hooks';
import { runWhenMain } from './child.mjs';
import { startFakeStrapi } from './fake-strapi.mjs';
import { ARTICLE, QUERY } from './fixtures.mjs';
import { loadClient } from './reducer-source.mjs';
import { percentile, waitFor } from './stats.mjs';

const SIZES = [1000, 10_000];
const LATENCY_MS = Number(process.env.BENCH_READ_LATENCY_MS ?? 25);
const RUNS = Number(process.env.BENCH_READ_RUNS ?? 3);
const SEED = 20_261_202;
const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

async function timeToLive(createLiveClient, docs, restLatencyMs) {
  const server = await startFakeStrapi({ seed: SEED, count: docs, restLatencyMs });
  const live = createLiveClient({ url: server.url, logger: quietLogger, socketOptions: { transports: ['websocket'] } });
  try {
    // Connected first: the figure is the subscribe and the read, not the WebSocket handshake.
    live.connect();
    await waitFor(() => live.socket.connected, 10_000, 'the socket to connect');
    const observer = live.collection(ARTICLE, QUERY);
    const started = performance.now();
    const stop = observer.subscribe(() => {});
    await waitFor(
      () => {
        const { data, isLive, isFetching } = observer.getCurrentResult();
        return isLive && !isFetching && data?.length === docs;
      },
      120_000,
      `${docs} articles live`,
      1,
    );
    const ms = performance.now() - started;
    stop();
    const { restRequests } = await server.stats();
    return { ms, restRequests };
  } finally {
    live.close();
    await server.stop();
  }
}

export async function main() {
  const { createLiveClient } = await loadClient();
  const cases = [];
  for (const docs of SIZES) {
    for (const latencyMs of [0, LATENCY_MS]) {
      const runs = [];
      for (let run = 0; run < RUNS; run += 1) runs.push(await timeToLive(createLiveClient, docs, latencyMs));
      const pages = runs[0].restRequests;
      cases.push({
        docs,
        roundTripMs: latencyMs,
        restRequests: pages,
        msToLive: Math.round(percentile(runs.map((run) => run.ms), 0.5)),
        msToLiveRuns: runs.map((run) => Math.round(run.ms)),
        // What the round trips alone cost when each page waits for the one before.
        oneAfterAnotherRoundTripsMs: pages * latencyMs,
      });
    }
  }
  return { query: QUERY, pageSize: 100, runs: RUNS, cases };
}

runWhenMain(import.meta.url, main);

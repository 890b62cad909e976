/**
 * Client-side benchmarks of the live SDK and its React bindings (the plugin's fan-out is
 * bench/run.mjs). Run with `npm run bench` at the root (builds first) or `node bench/live.mjs` after
 * a build: the benchmarks load the built packages (client/dist, react/dist) as an app would.
 *
 * 1. live/apply-event.mjs: µs per event applied to a live collection of 10,000 articles, through
 *    the real client path and through the reducer alone.
 * 2. live/react-renders.mjs: a `useLiveCollection` list of 1,000 articles rendered into jsdom while
 *    a Socket.IO server streams 1,000 events a second for 5 s; then the same stream to a bare
 *    observer, for comparison.
 *
 * Each runs in its own Node process (fresh heap and JIT, `--expose-gc`, NODE_ENV=production so
 * React and TanStack Query run their production code; BENCH_NODE_ENV overrides), against a fake
 * Strapi on loopback in yet another process (live/fake-strapi.mjs). Inputs are seeded: every run
 * replays the same documents and events. Prints a table and writes bench/results/client.json.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(benchDir, 'results', 'client.json');
const PART_TIMEOUT_MS = 120_000;

/** Runs one benchmark file in a child process; resolves with the result it sends back. */
function runPart(file, env = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(benchDir, file), [], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production', ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    const timer = setTimeout(() => {
      console.error(`bench: ${file} still running after ${PART_TIMEOUT_MS / 1000} s, stopping it`);
      child.kill('SIGKILL');
    }, PART_TIMEOUT_MS);
    child.on('message', (message) => {
      if (message?.type === 'result') result = message.result;
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`${file} ended without a result (${signal ?? `exit code ${code}`})`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Report

const yes = (value) => (value ? 'yes' : 'NO');
const num = (value) => (value === null || value === undefined ? '-' : typeof value === 'number' ? value.toLocaleString('en-US') : String(value));

function printApply(apply) {
  const row = (label, stats) => `  ${label.padEnd(50)}${num(stats?.medianUs).padStart(12)}${num(stats?.p95Us).padStart(12)}${num(stats?.samples).padStart(9)}`;
  console.log(`\nApplying one event to a live collection of ${num(apply.docs)} articles (sort: ${apply.sort}, populate: ${apply.populate.join(',')})`);
  console.log(`${apply.script.iterationsPerKind} of each kind, interleaved (${apply.script.interleaved.join(', ')}), after ${apply.script.warmupEvents} warm-up events; updates hit ${apply.script.updateTargets}\n`);
  console.log(`  ${''.padEnd(50)}${'median µs'.padStart(12)}${'p95 µs'.padStart(12)}${'samples'.padStart(9)}`);
  console.log('  live path: socket listener → SDK → cache write → snapshot → listener');
  console.log(row('  update (document in the middle, stays there)', apply.livePath.update));
  console.log(row('  create (random title, sorted in)', apply.livePath.create));
  console.log(row('  delete (random position)', apply.livePath.delete));
  console.log(row('  update, after the list was read again (refetch)', apply.livePathAfterRefetch.update));
  console.log('  reducer alone: applyEvent (client/src/collection-state.ts)');
  console.log(row('  update', apply.reducer.update));
  console.log(row('  create', apply.reducer.create));
  console.log(row('  delete', apply.reducer.delete));
  console.log(
    `\n  final state equals expected: live path ${yes(apply.livePath.finalEqualsExpected)}, after refetch ${yes(apply.livePathAfterRefetch.finalEqualsExpected)}, reducer ${yes(apply.reducer.finalEqualsExpected)}`,
  );
  console.log(
    `  snapshots published: ${num(apply.livePath.snapshotsPublished)} for ${num(apply.livePath.events)} events; REST reads during events: ${apply.livePath.restRequestsDuringEvents}; initial read: ${apply.livePath.initialLoadMs} ms in ${apply.livePath.restRequestsToLoad} requests`,
  );
  console.log(`  reducer state at the end: ${num(apply.reducer.clocksHeldAtEnd)} per-document clocks, ${num(apply.reducer.seenHeldAtEnd)} event ids`);
}

function printStream(react, observer) {
  const row = (label, a, b) => `  ${label.padEnd(48)}${num(a).padStart(16)}${num(b).padStart(16)}`;
  console.log(
    `\nuseLiveCollection over ${num(react.docs)} articles, ${num(react.targetRatePerSecond)} events/s for ${react.serverEmitSeconds} s from a Socket.IO server (React ${react.reactVersion}, NODE_ENV=${react.nodeEnv}, jsdom)\n`,
  );
  console.log(row('', 'React + jsdom', 'observer only'));
  console.log(row('events emitted / received', `${react.serverEmitted} / ${react.eventsReceived}`, `${observer.serverEmitted} / ${observer.eventsReceived}`));
  console.log(row('events applied', react.outcomes.applied ?? 0, observer.outcomes.applied ?? 0));
  console.log(row('seconds from first event to last applied', react.windowSeconds, observer.windowSeconds));
  console.log(row('events applied / s', react.eventsAppliedPerSecond, observer.eventsAppliedPerSecond));
  console.log(row('commits / s (list renders / s)', `${react.commitsPerSecond} (${react.listRendersPerSecond})`, '-'));
  console.log(row('commits, events per commit', `${react.commits}, ${react.eventsPerCommit}`, '-'));
  console.log(row('row renders per commit (memo rows)', react.rowRendersPerCommit, '-'));
  console.log(row('render + commit ms, median / p95', react.renderAndCommitMs ? `${react.renderAndCommitMs.median} / ${react.renderAndCommitMs.p95}` : '-', '-'));
  console.log(row('last event applied, ms after the server\'s last', react.lastEventAppliedAfterServerFinishedMs, observer.lastEventAppliedAfterServerFinishedMs));
  console.log(row('event loop delay ms, p50 / p99', `${react.eventLoopDelayMs.p50} / ${react.eventLoopDelayMs.p99}`, `${observer.eventLoopDelayMs.p50} / ${observer.eventLoopDelayMs.p99}`));
  console.log(row('client process CPU %', react.cpuPercent, observer.cpuPercent));
  console.log(row('REST reads during the stream', react.restRequestsDuringStream, observer.restRequestsDuringStream));
  console.log(row('final list equals expected', `${yes(react.finalRenderedEqualsExpected)} (${react.finalLength.rendered})`, `${yes(observer.finalRenderedEqualsExpected)} (${observer.finalLength.rendered})`));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = performance.now();
  console.log('\nclient benchmarks: applying events to 10,000 documents...');
  const applyEvent = await runPart('live/apply-event.mjs');
  console.log('client benchmarks: React under 1,000 events/s...');
  const react = await runPart('live/react-renders.mjs');
  console.log('client benchmarks: the same stream, observer only...');
  const observerOnly = await runPart('live/react-renders.mjs', { BENCH_REACT_RENDER: '0' });
  const seconds = Math.round((performance.now() - startedAt) / 100) / 10;

  const report = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, applyEvent, react, observerOnly, durationSeconds: seconds };
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);

  printApply(applyEvent);
  printStream(react, observerOnly);
  console.log(`\nnode ${process.version}, ${report.cpus} cores; run took ${seconds} s; JSON in ${path.relative(process.cwd(), resultsFile)}\n`);
  const correct = [
    applyEvent.livePath.finalEqualsExpected,
    applyEvent.livePathAfterRefetch.finalEqualsExpected,
    applyEvent.reducer.finalEqualsExpected,
    react.finalRenderedEqualsExpected,
    observerOnly.finalRenderedEqualsExpected,
  ].every(Boolean);
  if (!correct) {
    console.error('bench: a final state differs from the expected one (see above)');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

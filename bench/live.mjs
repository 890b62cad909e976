/**
 * Client-side benchmarks of the live SDK and its React bindings (the plugin's fan-out is
 * bench/run.mjs). Run with `npm run bench` at the root (builds first) or `node bench/live.mjs` after
 * a build: the benchmarks load the built packages (client/dist, react/dist) as an app would.
 *
 * 1. live/apply-event.mjs: µs per event applied to a live collection of 1,000, 10,000 and 100,000
 *    articles, through the real client path and through the reducer alone; bursts of events in one
 *    tick; what the client holds after 100,000 events. Printed beside the figures of the SDK
 *    before issue 12 (live/apply-event.before.json, measured by the same script).
 * 2. live/browser-apply-event.mjs: the live path and the floor of 1. at 10,000 articles in headless
 *    Chromium, where the SDK runs in production (a cross-origin isolated page: 5 µs timer steps).
 * 3. live/browser-renders.mjs: React and Vue `useLiveCollection` lists of 10,000 articles in
 *    headless Chromium while a Socket.IO server streams 1,000 events a second for 10 s: events
 *    applied, commits per animation frame, long tasks.
 * 4. live/initial-read.mjs: how long a live collection of 1,000 and 10,000 articles takes to go
 *    live (its REST read, in pages of 100), on loopback and behind a 25 ms round trip.
 * 5. live/react-renders.mjs: a `useLiveCollection` list of 1,000 articles rendered into jsdom while
 *    a Socket.IO server streams 1,000 events a second for 5 s; then the same stream to a bare
 *    observer, for comparison.
 *
 * Each runs in its own Node process (fresh heap and JIT, `--expose-gc`, NODE_ENV=production so
 * React and TanStack Query run their production code; BENCH_NODE_ENV overrides), against a fake
 * Strapi on loopback in yet another process (live/fake-strapi.mjs). Inputs are seeded: every run
 * replays the same documents and events. Prints a table and writes bench/results/client.json.
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(benchDir, 'results', 'client.json');
const PART_TIMEOUT_MS = 120_000;
/** apply-event.mjs reads 100,000 documents a few times over loopback REST. */
const APPLY_TIMEOUT_MS = 420_000;
const beforeFile = path.join(benchDir, 'live', 'apply-event.before.json');

/** Runs one benchmark file in a child process; resolves with the result it sends back. */
function runPart(file, env = {}, timeout = PART_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(benchDir, file), [], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production', ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    const timer = setTimeout(() => {
      console.error(`bench: ${file} still running after ${timeout / 1000} s, stopping it`);
      child.kill('SIGKILL');
    }, timeout);
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

/** Figures of the SDK before issue 12, if the file is there: printed beside today's. */
function readBefore() {
  try {
    return JSON.parse(readFileSync(beforeFile, 'utf8'));
  } catch {
    return undefined;
  }
}

function printApply(apply, before) {
  const at = (run, docs) => run?.sizes?.find((size) => size.docs === docs);
  const pair = (stats) => (stats ? `${num(stats.medianUs)} / ${num(stats.p99Us)}` : '-');
  const row = (label, now, then) => `  ${label.padEnd(46)}${pair(now).padStart(22)}${pair(then).padStart(26)}`;
  console.log(`\nApplying one event to a live collection (sort: ${apply.sort}, populate: ${apply.populate.join(',')}), µs median / p99`);
  console.log(
    `Kinds interleaved (${apply.script.interleaved.join(', ')}${apply.script.order ? `: ${apply.script.order}` : ''}) after ${apply.script.warmupEvents} warm-up events; updates hit ${apply.script.updateTargets}`,
  );
  if (before) console.log(`"before": ${before.note}`);
  const fault = apply.pageFault;
  if (fault?.usPerFault != null) {
    // What the tails below are made of, on a machine where a fault is slow (a VM): see timeEach in live/apply-event.mjs.
    console.log(
      `A minor page fault costs ${num(fault.usPerFault)} µs here (${fault.faultsPerRound} fresh 4 KB pages touched, median of ${fault.rounds} rounds). A list copy that lands on young-generation pages V8 has just mapped pays one per 4 KB: about 20 for the 80 KB of 10,000 documents.`,
    );
  }
  for (const size of apply.sizes) {
    const then = at(before, size.docs);
    console.log(`\n  ${num(size.docs)} documents (${num(size.iterationsPerKind)} events of each kind)`.padEnd(48) + 'now'.padStart(22) + 'before'.padStart(26));
    console.log('  live path: socket listener → SDK → cache write → snapshot → listener (wall clock)');
    for (const kind of ['update', 'create', 'delete']) console.log(row(`  ${kind}`, size.livePath[kind], then?.livePath?.[kind]));
    console.log('  live path, CPU time of the process (all threads: GC helper threads count too)');
    for (const kind of ['update', 'create', 'delete']) console.log(row(`  ${kind}`, size.livePath[`${kind} cpu`], then?.livePath?.[`${kind} cpu`]));
    if (size.livePathAfterRefetch) {
      console.log('  live path, after the list was read again (refetch)');
      for (const kind of ['update', 'create', 'delete']) console.log(row(`  ${kind}`, size.livePathAfterRefetch[kind], then?.livePathAfterRefetch?.[kind]));
    }
    console.log('  reducer alone: applyEvent (client/src/collection-state.ts)');
    for (const kind of ['update', 'create', 'delete']) console.log(row(`  ${kind}`, size.reducer[kind], then?.reducer?.[kind]));
    console.log(row('  floor: one shallow copy of the list', size.shallowCopy, then?.shallowCopy));
    const burst = size.livePath.burst;
    const thenBurst = then?.livePath?.burst;
    console.log(row(`  burst of ${burst.eventsPerBurst} events in one tick, per burst`, burst, thenBurst));
    console.log(
      `  snapshots per burst: ${burst.snapshotsPerBurst}${thenBurst ? ` (before: ${thenBurst.snapshotsPerBurst})` : ''}; snapshots for ${num(size.livePath.events)} single events: ${num(size.livePath.snapshotsPublished)}; REST reads during events: ${size.livePath.restRequestsDuringEvents}`,
    );
    // Each event copies the list: a young-generation collection every hundred or two events, and
    // copies landing on freshly mapped pages, are the tail. Older results have `gc` only.
    const kinds = ['update', 'create', 'delete'];
    const tailRow = (label, tail) =>
      `  ${label.padEnd(38)}${num(tail?.samplesWithGc).padStart(6)}${`${num(tail?.samplesWithFault)} (${num(tail?.minorFaults)})`.padStart(20)}${num(tail?.p99UsWithoutGc).padStart(13)}${num(tail?.p99UsWithNeither).padStart(13)}`;
    console.log('  tail: samples with a garbage collection, with minor page faults (faults in all); p99 µs of the samples without a collection, with neither');
    console.log(`  ${''.padEnd(38)}${'GC'.padStart(6)}${'faulted (faults)'.padStart(20)}${'p99 no GC'.padStart(13)}${'p99 neither'.padStart(13)}`);
    for (const [name, run] of [['live path', size.livePath], ['after refetch', size.livePathAfterRefetch], ['reducer', size.reducer]]) {
      if (run) for (const kind of kinds) console.log(tailRow(`  ${name}, ${kind}`, (run.tail ?? run.gc)?.[kind]));
    }
    console.log(tailRow(`  floor: copy (${num(size.shallowCopy.samples)} samples)`, size.shallowCopy.tail));
    console.log(
      `  final state equals expected: live path ${yes(size.livePath.finalEqualsExpected)}, bursts ${yes(burst.finalEqualsExpected)}, reducer ${yes(size.reducer.finalEqualsExpected)}${size.livePathAfterRefetch ? `, after refetch ${yes(size.livePathAfterRefetch.finalEqualsExpected)}` : ''}`,
    );
  }
  const held = apply.held;
  if (held) {
    const thenHeld = before?.held;
    const line = (label, now, then) => `  ${label.padEnd(46)}${num(now).padStart(22)}${num(then).padStart(26)}`;
    console.log(`\n  Held after ${num(held.events)} events (interleaved, a third of them new documents) on ${num(held.docs)} documents`);
    console.log(''.padEnd(48) + 'now'.padStart(22) + 'before'.padStart(26));
    console.log(line('  reducer: documents', held.reducer.items, thenHeld?.reducer?.items));
    console.log(line('  reducer: per-document clocks', held.reducer.clocks, thenHeld?.reducer?.clocks));
    console.log(line('  reducer: event ids', held.reducer.eventIds, thenHeld?.reducer?.eventIds));
    console.log(line('  reducer: heap growth, MB', held.reducer.heapGrowthMB, thenHeld?.reducer?.heapGrowthMB));
    console.log(line(`  reducer: heap growth over the last ${num(held.events / 2)}, MB`, held.reducer.heapGrowthSecondHalfMB, thenHeld?.reducer?.heapGrowthSecondHalfMB));
    console.log(line('  reducer: seconds for all events', held.reducer.seconds, thenHeld?.reducer?.seconds));
    if (held.livePath) {
      console.log(line('  live path: heap growth, MB', held.livePath.heapGrowthMB, thenHeld?.livePath?.heapGrowthMB));
      console.log(line(`  live path: heap growth over the last ${num(held.events / 2)}, MB`, held.livePath.heapGrowthSecondHalfMB, thenHeld?.livePath?.heapGrowthSecondHalfMB));
      console.log(line('  live path: seconds for all events', held.livePath.seconds, thenHeld?.livePath?.seconds));
    }
    console.log(`  final state equals expected: reducer ${yes(held.reducer.finalEqualsExpected)}${held.livePath ? `, live path ${yes(held.livePath.finalEqualsExpected)}` : ''}`);
  }
}

function printBrowserApply(browser, node) {
  const pair = (stats) => (stats ? `${num(stats.medianUs)} / ${num(stats.p99Us)}` : '-');
  const row = (label, inBrowser, inNode) => `  ${label.padEnd(46)}${pair(inBrowser).padStart(22)}${pair(inNode).padStart(26)}`;
  console.log(
    `\nThe same live path in headless Chromium ${browser.chromium}, ${num(browser.docs)} documents, µs median / p99 (timer steps of ${browser.crossOriginIsolated ? '5' : '100'} µs${browser.crossOriginIsolated ? ', cross-origin isolated page' : ': the page is NOT cross-origin isolated'})`,
  );
  console.log(''.padEnd(48) + 'Chromium'.padStart(22) + 'Node (above)'.padStart(26));
  for (const kind of ['update', 'create', 'delete']) console.log(row(`  ${kind}`, browser.livePath[kind], node?.livePath?.[kind]));
  console.log(row('  floor: one shallow copy of the list', browser.floor, node?.shallowCopy));
  const faults = browser.rendererFaultsPerEvent;
  if (faults?.livePath != null) console.log(`  the renderer's minor page faults per event: ${num(faults.livePath)} applying, ${num(faults.floor)} copying`);
  console.log(
    `  snapshots for ${num(browser.events)} events: ${num(browser.snapshotsPublished)}; REST reads: ${browser.restRequests} (the initial read, ${num(browser.initialLoadMs)} ms); final state equals expected: ${yes(browser.finalEqualsExpected)}`,
  );
}

function printBrowserRenders(run) {
  const row = (label, cell) => `  ${label.padEnd(48)}${run.frameworks.map((f) => num(cell(f)).padStart(24)).join('')}`;
  console.log(
    `\nuseLiveCollection over ${num(run.docs)} articles in headless Chromium ${run.chromium}, ${num(run.rate)} events/s for ${run.seconds} s from a Socket.IO server; the first ${run.shown} rendered\n`,
  );
  console.log(row('', (f) => `${f.framework === 'vue' ? 'Vue' : 'React'} ${f.version}`));
  console.log(row('events emitted / received / applied', (f) => `${f.emitted} / ${f.received} / ${f.applied}`));
  console.log(row('events applied / s', (f) => f.appliedPerSecond));
  console.log(row('commits / s (animation frames / s)', (f) => `${f.commitsPerSecond} (${f.framesPerSecond})`));
  console.log(row('most commits in one frame', (f) => f.maxCommitsInFrame));
  console.log(row('long tasks > 50 ms (longest, ms)', (f) => `${f.longTasksOver50Ms} (${f.longestTaskMs ?? '-'})`));
  console.log(row('main thread busy, s (script)', (f) => `${f.mainThreadBusySeconds} (${f.scriptSeconds})`));
  console.log(row('seconds from first event to last applied', (f) => f.secondsFromFirstEventToLastApplied));
  console.log(row('last event shown, ms after it was applied', (f) => f.finalCommitAfterLastAppliedMs));
  console.log(row('REST reads during the stream', (f) => f.restRequestsDuringStream));
  console.log(row('final list shown (data, window, count)', (f) => yes(f.finalShownEqualsExpected)));
}

function printInitialRead(read) {
  console.log(`\nGoing live: live.collection() of a whole list, read in REST pages of ${read.pageSize}, until its snapshot is live (median of ${read.runs})\n`);
  console.log(`  ${'articles'.padEnd(12)}${'round trip'.padStart(12)}${'REST reads'.padStart(12)}${'ms to live'.padStart(12)}${'round trips one after another, ms'.padStart(36)}`);
  for (const c of read.cases) {
    console.log(`  ${num(c.docs).padEnd(12)}${`${c.roundTripMs} ms`.padStart(12)}${num(c.restRequests).padStart(12)}${num(c.msToLive).padStart(12)}${num(c.oneAfterAnotherRoundTripsMs).padStart(36)}`);
  }
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
  console.log('\nclient benchmarks: applying events to 1,000, 10,000 and 100,000 documents...');
  const applyEvent = await runPart('live/apply-event.mjs', {}, APPLY_TIMEOUT_MS);
  console.log('client benchmarks: the live path in headless Chromium...');
  const browserApply = await runPart('live/browser-apply-event.mjs', {}, APPLY_TIMEOUT_MS);
  console.log('client benchmarks: React and Vue in headless Chromium under 1,000 events/s...');
  const browserRenders = await runPart('live/browser-renders.mjs', {}, APPLY_TIMEOUT_MS);
  console.log('client benchmarks: going live (the initial REST read)...');
  const initialRead = await runPart('live/initial-read.mjs');
  console.log('client benchmarks: React in jsdom under 1,000 events/s...');
  const react = await runPart('live/react-renders.mjs');
  console.log('client benchmarks: the same stream, observer only...');
  const observerOnly = await runPart('live/react-renders.mjs', { BENCH_REACT_RENDER: '0' });
  const seconds = Math.round((performance.now() - startedAt) / 100) / 10;

  const report = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, applyEvent, browserApply, browserRenders, initialRead, react, observerOnly, durationSeconds: seconds };
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);

  printApply(applyEvent, readBefore());
  printBrowserApply(browserApply, applyEvent.sizes.find((size) => size.docs === browserApply.docs));
  printBrowserRenders(browserRenders);
  printInitialRead(initialRead);
  printStream(react, observerOnly);
  console.log(`\nnode ${process.version}, ${report.cpus} cores; run took ${seconds} s; JSON in ${path.relative(process.cwd(), resultsFile)}\n`);
  const correct = [
    ...applyEvent.sizes.flatMap((size) => [
      size.livePath.finalEqualsExpected,
      size.livePath.burst.finalEqualsExpected,
      size.reducer.finalEqualsExpected,
      size.livePathAfterRefetch?.finalEqualsExpected ?? true,
    ]),
    applyEvent.held?.reducer.finalEqualsExpected ?? true,
    browserApply.finalEqualsExpected,
    ...browserRenders.frameworks.map((run) => run.finalShownEqualsExpected),
    applyEvent.held?.livePath?.finalEqualsExpected ?? true,
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

/**
 * A stand-in for the example Strapi app, for client-side benchmarks: a real Socket.IO server and a
 * tiny REST handler on loopback, speaking the plugin's protocol (client/src/protocol.ts) for one
 * live query on `api::article.article`. It acknowledges `subscribe` with a subscription id and the
 * REST info, serves `GET /api/articles` in pages as Strapi does (sorted by title, then id; page size
 * capped at 100), and streams content events carrying `meta.subscription` at a fixed rate.
 *
 * A real Strapi cannot write 1,000 documents a second, and its fan-out cost is measured by
 * bench/run.mjs; here only the client is under test. It runs in its own process (see
 * {@link startFakeStrapi}) so that emitting does not compete with the client for its thread.
 *
 * With `restLatencyMs`, each REST answer is sent that much later, as over a network with that
 * round trip (bench/live/initial-read.mjs).
 *
 * With `pageDir`, it also serves that folder's files under `/bench/` (a benchmark page and its
 * bundle, see browser-apply-event.mjs), cross-origin isolated (COOP + COEP headers) so that the
 * page's `performance.now()` has 5 µs steps rather than 100 µs; the page then reads REST and opens
 * its socket on the same origin.
 *
 * Protocol with the parent (IPC):
 *   → { type: 'start', seed, count, pageDir?, restLatencyMs? }   ← { type: 'ready', port }
 *   → { type: 'stream', seed, rate, durationMs }     ← { type: 'streamed', emitted, byKind, elapsedMs, restRequests, final }
 *   → { type: 'stats' }                              ← { type: 'stats', restRequests }
 *   → { type: 'stop' }                               (exits)
 */
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { ARTICLE, REST_INFO, SUBSCRIPTION_ID, createModel, createRandom, initialArticles, outline } from './fixtures.mjs';

const MAX_PAGE_SIZE = 100;

/** Forks this file as a child process and drives it. */
export async function startFakeStrapi({ seed, count, pageDir, restLatencyMs }) {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters = new Map();
  child.on('message', (message) => {
    const waiter = waiters.get(message.type);
    if (waiter) {
      waiters.delete(message.type);
      waiter.resolve(message);
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('exit', (code) => {
    for (const waiter of waiters.values()) waiter.reject(new Error(`fake Strapi exited (${code})`));
    waiters.clear();
  });
  const request = (message, answer) =>
    new Promise((resolve, reject) => {
      waiters.set(answer, { resolve, reject });
      child.send(message);
    });

  const { port } = await request({ type: 'start', seed, count, pageDir, restLatencyMs }, 'ready');
  return {
    url: `http://127.0.0.1:${port}`,
    /** Streams events at `rate` per second for `durationMs`; resolves once the last one was emitted. */
    stream: (options) => request({ type: 'stream', ...options }, 'streamed'),
    /** REST requests served so far (the initial reads, and any read a live query made again). */
    stats: () => request({ type: 'stats' }, 'stats'),
    async stop() {
      if (child.exitCode === null) child.send({ type: 'stop' });
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The child process

const PAGE_TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/** A file of `pageDir` for `/bench/<name>` (`/bench/` is index.html), cross-origin isolated. */
function servePage(pageDir, pathname, res) {
  const name = pathname.slice('/bench/'.length) || 'index.html';
  const type = PAGE_TYPES[path.extname(name)];
  if (!type || name.includes('/') || name.startsWith('.')) {
    res.writeHead(404).end();
    return;
  }
  readFile(path.join(pageDir, name)).then(
    (body) => {
      res.writeHead(200, { 'content-type': type, 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      res.end(body);
    },
    () => res.writeHead(404).end(),
  );
}

function serve({ seed, count, pageDir, restLatencyMs = 0 }) {
  const state = { list: initialArticles(seed, count), restRequests: 0 };

  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (pageDir && url.pathname.startsWith('/bench/')) return servePage(pageDir, url.pathname, res);
    state.restRequests += 1;
    const reply = (status, body) => {
      const send = () => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      // A network between the client and Strapi: each REST answer arrives a round trip later.
      if (restLatencyMs > 0) setTimeout(send, restLatencyMs);
      else send();
    };
    if (req.method !== 'GET' || !url.pathname.startsWith(REST_INFO.path)) return reply(404, { data: null, error: { status: 404, message: 'Not Found' } });
    const params = url.searchParams;
    // The benchmarks only ever ask for this query: anything else means the client changed what it sends.
    if (params.get('sort[0]') !== 'title:asc' || params.get('populate[0]') !== 'category') {
      return reply(400, { data: null, error: { status: 400, message: `unexpected query ${url.search}` } });
    }
    const rest = url.pathname.slice(REST_INFO.path.length);
    if (rest.startsWith('/')) {
      const documentId = decodeURIComponent(rest.slice(1));
      const doc = state.list.find((item) => item.documentId === documentId);
      return doc ? reply(200, { data: doc, meta: {} }) : reply(404, { data: null, error: { status: 404, message: 'Not Found' } });
    }
    const page = Math.max(1, Number(params.get('pagination[page]') ?? 1));
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(params.get('pagination[pageSize]') ?? 25)));
    const total = state.list.length;
    reply(200, {
      data: state.list.slice((page - 1) * pageSize, page * pageSize),
      meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } },
    });
  });

  const io = new Server(httpServer, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('subscribe', (query, ack) => {
      if (query?.uid !== ARTICLE) return ack?.({ success: false, error: { code: 'UNKNOWN_CONTENT_TYPE', message: String(query?.uid) } });
      ack?.({ success: true, id: SUBSCRIPTION_ID, uid: ARTICLE, rest: REST_INFO });
    });
    socket.on('unsubscribe', (_payload, ack) => ack?.({ success: true, id: SUBSCRIPTION_ID }));
    socket.on('io:ping', (ack) => ack?.({ success: true, ts: Date.now() }));
  });

  httpServer.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: httpServer.address().port }));
  return { state, io };
}

/** One event of the stream's mix: 60% updates (half of them retitle, so move), 20% creates, 20% deletes. */
function nextEvent(model, random) {
  const { list } = model;
  const roll = random.next();
  if (list.length === 0 || (roll >= 0.6 && roll < 0.8)) return model.create();
  if (roll >= 0.8) return model.remove(random.int(list.length));
  return model.update(random.int(list.length), { retitle: roll < 0.3 });
}

function stream({ state, io }, { seed, rate, durationMs }) {
  const random = createRandom(seed);
  const model = createModel(state.list, { random, nextId: 1_000_000, eventPrefix: 'stream' });
  const total = Math.round((rate * durationMs) / 1000);
  const byKind = { update: 0, create: 0, delete: 0 };
  const restBefore = state.restRequests;
  const start = performance.now();
  let emitted = 0;
  const tick = () => {
    // Emit whatever is due by now: the average rate holds even though timers fire every ~1 ms.
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
    while (emitted < due) {
      const event = nextEvent(model, random);
      byKind[event.kind] += 1;
      io.emit(event.name, event.document, event.meta);
      emitted += 1;
    }
    if (emitted < total) {
      setTimeout(tick, 1);
      return;
    }
    state.list = model.list;
    process.send({
      type: 'streamed',
      emitted,
      byKind,
      elapsedMs: performance.now() - start,
      restRequests: state.restRequests - restBefore,
      final: outline(model.list),
    });
  };
  tick();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let server;
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message) => {
    if (message.type === 'start') server = serve(message);
    else if (message.type === 'stream') stream(server, message);
    else if (message.type === 'stats') process.send({ type: 'stats', restRequests: server.state.restRequests });
    else if (message.type === 'stop') {
      server?.io.close();
      process.exit(0);
    }
  });
}

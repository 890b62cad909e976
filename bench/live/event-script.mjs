/**
 * Deterministic event scripts for the apply-event benchmarks: what happens to a sorted collection,
 * in the plugin's wire format, with the list a correct client ends up holding.
 */
import { createModel, createRandom } from './fixtures.mjs';

/** Updates go to one of the documents this close to the middle of the list. */
export const MIDDLE_SPREAD = 50;

/**
 * The next event of `kind` on `model`: an `update` of a document near the middle (title kept, so
 * it stays there), a `create` with a random title (sorted in), a `delete` at a random position.
 */
function nextEvent(model, random, kind) {
  const { list } = model;
  if (kind === 'update') return model.update(Math.floor(list.length / 2) - MIDDLE_SPREAD + random.int(2 * MIDDLE_SPREAD));
  if (kind === 'create') return model.create();
  return model.remove(random.int(list.length));
}

/**
 * An event script on the initial list: `warmup` events then `iterations` rounds of `kinds` (at most
 * `limit` events after the warm-up). Events
 * are kept as JSON: each run parses its own fresh copy, as the socket would. Returns them with the
 * expected final list, the next free row id and the last commit time (to continue from); `row` is the event's kind, or null for a warm-up
 * event.
 */
export function eventScript(initial, { seed, warmup, iterations, kinds, limit = Infinity, nextId = initial.length, prefix = 'bench', clock }) {
  const random = createRandom(seed);
  const model = createModel(initial, { random, nextId, eventPrefix: prefix, clock });
  const events = [];
  const push = (row, event) => events.push({ row, wire: JSON.stringify([event.name, event.document, event.meta]) });
  for (let i = 0; i < warmup; i += 1) push(null, nextEvent(model, random, kinds[i % kinds.length]));
  for (let i = 0; i < iterations * kinds.length && i < limit; i += 1) push(kinds[i % kinds.length], nextEvent(model, random, kinds[i % kinds.length]));
  const created = events.filter(({ wire }) => wire.startsWith('["article:create"')).length;
  return { events, final: model.list, nextId: nextId + created, clock: model.clock };
}

/**
 * An endless stream of interleaved update, create and delete events, made on demand (a script of
 * 100,000 events held in memory would hide what the client holds). Each call returns the socket's
 * arguments `[name, document, meta]`, freshly parsed; `model.list` is the expected list.
 */
export function eventStream(initial, { seed, prefix }) {
  const random = createRandom(seed);
  const model = createModel(initial, { random, nextId: initial.length, eventPrefix: prefix });
  const kinds = ['update', 'create', 'delete'];
  let count = 0;
  return {
    model,
    next() {
      const event = nextEvent(model, random, kinds[count++ % kinds.length]);
      return JSON.parse(JSON.stringify([event.name, event.document, event.meta]));
    },
  };
}

export const parseAll = (events) => events.map(({ row, wire }) => ({ row, args: JSON.parse(wire) }));

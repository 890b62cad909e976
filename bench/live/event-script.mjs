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
 * The kind of each of `count` events: rounds of every kind once, each round in a seeded random
 * order. Not a fixed rotation: V8 collects the young generation every so many events, and when
 * that number is a multiple of the number of kinds a rotation puts every collection on the same
 * kind, whose p99 is then all collections while the others have none.
 */
function kindOrder(kinds, count, seed) {
  const random = createRandom(seed);
  const order = [];
  while (order.length < count) {
    const round = [...kinds];
    for (let i = round.length - 1; i > 0; i -= 1) {
      const j = random.int(i + 1);
      [round[i], round[j]] = [round[j], round[i]];
    }
    order.push(...round);
  }
  return order.slice(0, count);
}

/**
 * An event script on the initial list: `warmup` events then `iterations` rounds of `kinds`, each
 * round in a random order (at most `limit` events after the warm-up). Events
 * are kept as JSON: each run parses its own fresh copy, as the socket would. Returns them with the
 * expected final list, the next free row id and the last commit time (to continue from); `row` is the event's kind, or null for a warm-up
 * event.
 */
export function eventScript(initial, { seed, warmup, iterations, kinds, limit = Infinity, nextId = initial.length, prefix = 'bench', clock }) {
  const random = createRandom(seed);
  const model = createModel(initial, { random, nextId, eventPrefix: prefix, clock });
  const events = [];
  const push = (row, event) => events.push({ row, wire: JSON.stringify([event.name, event.document, event.meta]) });
  const timed = Math.min(iterations * kinds.length, limit);
  // Two orders, so that the timed events are whole rounds whatever the length of the warm-up.
  for (const kind of kindOrder(kinds, warmup, seed ^ 0x5bd1e995)) push(null, nextEvent(model, random, kind));
  for (const kind of kindOrder(kinds, timed, seed ^ 0x1b873593)) push(kind, nextEvent(model, random, kind));
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

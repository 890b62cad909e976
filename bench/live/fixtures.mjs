/**
 * Deterministic inputs shared by the client benchmarks and the fake Strapi they talk to: articles
 * shaped like the example app's (`GET /api/articles?populate[0]=category`), a seeded random
 * generator, the expected order (title, then id, as SQLite sorts ASCII text), and content events
 * in the plugin's wire format (client/src/protocol.ts).
 *
 * Nothing here imports the SDK: the expected state of every run is computed independently of it.
 */

export const ARTICLE = 'api::article.article';
export const SUBSCRIPTION_ID = 'bench-subscription-1';
export const REST_INFO = Object.freeze({
  path: '/api/articles',
  singularName: 'article',
  pluralName: 'articles',
  kind: 'collectionType',
  draftAndPublish: true,
  localized: false,
});
/** The live query both benchmarks observe: `GET /api/articles?sort[0]=title:asc&populate[0]=category`. */
export const QUERY = Object.freeze({ sort: 'title', populate: ['category'] });

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
export function createRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

const ADJECTIVES = ['Live', 'Quiet', 'Rapid', 'Open', 'Bright', 'Careful', 'Early', 'Final', 'Hidden', 'Modern', 'Plain', 'Silent', 'Steady', 'Urban', 'Vivid', 'Wild'];
const NOUNS = ['collections', 'updates', 'sockets', 'releases', 'drafts', 'queries', 'caches', 'editors', 'servers', 'streams', 'pages', 'notes', 'lists', 'events', 'readers', 'plugins'];
const WORDS = ['strapi', 'content', 'real', 'time', 'socket', 'event', 'reader', 'editor', 'publish', 'draft', 'query', 'cache', 'page', 'list', 'sort', 'title', 'react', 'vue', 'render', 'server', 'client', 'fast', 'small', 'change', 'every', 'the', 'a', 'of', 'and', 'to'];

const BASE_TIME = Date.UTC(2026, 0, 1);
const iso = (ms) => new Date(ms).toISOString();

const CATEGORIES = [
  { id: 1, documentId: 'c0news0000000000000000001', name: 'News', slug: 'news' },
  { id: 2, documentId: 'c0tutorials00000000000002', name: 'Tutorials', slug: 'tutorials' },
  { id: 3, documentId: 'c0releases000000000000003', name: 'Releases', slug: 'releases' },
];

function documentIdFrom(random) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 24; i += 1) id += alphabet[random.int(alphabet.length)];
  return id;
}

export function randomTitle(random) {
  return `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${String(random.int(10_000)).padStart(4, '0')}`;
}

function randomBody(random) {
  const words = [];
  const count = 30 + random.int(30);
  for (let i = 0; i < count; i += 1) words.push(random.pick(WORDS));
  return `${words.join(' ')}.`;
}

const slugify = (title) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A published article with row id `id`, as REST returns it (keys in Strapi's order, category populated). */
export function makeArticle(random, id, timeMs = BASE_TIME + id * 60_000) {
  const title = randomTitle(random);
  const category = CATEGORIES[random.int(CATEGORIES.length)];
  return {
    id,
    documentId: documentIdFrom(random),
    title,
    slug: `${slugify(title)}-${id}`,
    body: randomBody(random),
    createdAt: iso(timeMs),
    updatedAt: iso(timeMs),
    publishedAt: iso(timeMs),
    category: { ...category, createdAt: iso(BASE_TIME), updatedAt: iso(BASE_TIME), publishedAt: iso(BASE_TIME) },
  };
}

/** Title ascending, ties by ascending id: what `sort=title` returns from SQLite for these ASCII titles. */
export function compareArticles(a, b) {
  if (a.title !== b.title) return a.title < b.title ? -1 : 1;
  return a.id - b.id;
}

/** `count` articles with ids 1..count, sorted as the query returns them. */
export function initialArticles(seed, count) {
  const random = createRandom(seed);
  const articles = Array.from({ length: count }, (_, i) => makeArticle(random, i + 1));
  return articles.sort(compareArticles);
}

/** Binary search: where `doc` goes in the sorted `list` (which must not hold it). */
export function sortedIndex(list, doc) {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareArticles(list[mid], doc) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A model of the collection (the source of truth the events describe), producing events in the
 * plugin's format. `clock` is the commit time in ms; it increases by one per event so `meta.ts`
 * and `updatedAt` always move forward (`clock` in the options continues another model's).
 */
export function createModel(articles, { random, nextId, eventPrefix = 'bench', clock: startClock }) {
  const list = [...articles];
  let clock = startClock ?? BASE_TIME + 10 * 365 * 24 * 3600 * 1000;
  let sequence = 0;
  let id = nextId;

  const meta = (action, documentId) => {
    clock += 1;
    sequence += 1;
    return {
      uid: ARTICLE,
      action,
      cause: action,
      documentId,
      locale: null,
      status: 'published',
      eventId: `${eventPrefix}-${sequence}`,
      ts: clock,
      subscription: SUBSCRIPTION_ID,
    };
  };

  const indexOf = (documentId) => list.findIndex((doc) => doc.documentId === documentId);

  return {
    list,
    /** The commit time of the last event: a model made to continue this one starts from it. */
    get clock() {
      return clock;
    },
    /** Update the article at `index`; a new title moves it, otherwise only body and updatedAt change. */
    update(index, { retitle = false } = {}) {
      const held = list[index];
      const m = meta('update', held.documentId);
      const next = { ...held, title: retitle ? randomTitle(random) : held.title, body: randomBody(random), updatedAt: iso(m.ts) };
      if (retitle) next.slug = `${slugify(next.title)}-${next.id}`;
      list.splice(index, 1);
      list.splice(sortedIndex(list, next), 0, next);
      return { name: 'article:update', kind: 'update', document: next, meta: m };
    },
    /** A new published article, sorted in wherever its random title puts it. */
    create() {
      id += 1;
      const m = meta('create', '');
      const doc = makeArticle(random, id, m.ts);
      m.documentId = doc.documentId;
      list.splice(sortedIndex(list, doc), 0, doc);
      return { name: 'article:create', kind: 'create', document: doc, meta: m };
    },
    /** Delete (or unpublish) the article at `index`: the event carries `{ documentId, locale }`. */
    remove(index) {
      const [held] = list.splice(index, 1);
      const m = meta('delete', held.documentId);
      return { name: 'article:delete', kind: 'delete', document: { documentId: held.documentId, locale: null }, meta: m };
    },
    indexOf,
  };
}

/** `[documentId, title]` pairs: what the rendered list and the expected state are compared on. */
export const outline = (list) => list.map((doc) => [doc.documentId, doc.title]);

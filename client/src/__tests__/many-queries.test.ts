import { beforeAll, expect, it, vi } from 'vitest';
import { createRandom } from 'example-strapi-app/testing';
import type { LiveObserver } from '../observers/live-observer';
import type { StrapiDocument } from '../protocol';
import type { CollectionOptions } from '../query-options';
import { ARTICLE, CATEGORY, useLiveHarness } from './live-harness';

/**
 * Hundreds of distinct live queries at once (each its own server subscription, matched in memory
 * and looked up through the query index), through random creates, edits, category moves,
 * unpublishes and deletes: afterwards every one equals a fresh REST read.
 */

const SEED = Number(process.env.SEED ?? 4242);
const OPS = Number(process.env.OPS ?? 40);

const h = useLiveHarness();
const categories: string[] = [];

beforeAll(async () => {
  for (const slug of ['alpha', 'beta']) categories.push((await h.strapi.documents(CATEGORY).create({ data: { name: slug, slug } })).documentId);
});

/** 300 distinct queries over one prefix: equalities (indexed), prefixes, relations, negations, ors. */
function distinctQueries(prefix: string): CollectionOptions[] {
  const letters = ['a', 'b', 'c', 'd', 'e'];
  const queries: CollectionOptions[] = [];
  for (const first of letters) {
    for (const second of ['x', 'y', 'z']) {
      const title = `${prefix}${first}${second}`;
      queries.push({ filters: { title: { $eq: title } }, sort: 'title' });
      queries.push({ filters: { title: { $eq: title }, category: { slug: { $eq: 'alpha' } } }, sort: 'title' });
      queries.push({ filters: { title: { $in: [title, `${prefix}${first}z`] } }, sort: 'title' });
      queries.push({ filters: { title: { $startsWith: `${prefix}${first}` }, body: { $eq: second } }, sort: 'title' });
      queries.push({ filters: { title: { $startsWith: prefix, $ne: title } }, sort: 'title' });
      queries.push({ filters: { $or: [{ title: { $eq: title } }, { body: { $null: true }, title: { $startsWith: prefix } }] }, sort: 'title' });
      queries.push({ filters: { title: { $startsWith: `${prefix}${first}` }, category: { slug: { $ne: 'beta' } } }, sort: 'title' });
      queries.push({ filters: { title: { $containsi: `${first.toUpperCase()}${second}` }, body: { $notNull: true } }, sort: 'title' });
    }
  }
  for (let i = 0; queries.length < 300; i += 1) queries.push({ filters: { title: { $startsWith: prefix, $endsWith: letters[i % 5]! + ['x', 'y', 'z'][i % 3] }, body: { $ne: `never-${i}` } }, sort: 'title' });
  return queries;
}

it(`keeps ${300} distinct live queries equal to REST through random writes (seed ${SEED} × ${OPS} writes)`, { timeout: 120_000 }, async () => {
  const rng = createRandom(SEED);
  const prefix = `m${SEED}-`;
  const articles = h.strapi.documents(ARTICLE);
  const title = () => `${prefix}${rng.pick(['a', 'b', 'c', 'd', 'e'])}${rng.pick(['x', 'y', 'z'])}`;
  const body = () => rng.pick(['x', 'y', 'z', null]) as string;
  const known: string[] = [];
  for (let i = 0; i < 6; i += 1) known.push((await articles.create({ data: { title: title(), body: body(), category: rng.pick(categories) }, status: 'published' })).documentId);

  const queries = distinctQueries(prefix);
  // The server holds at most 100 subscriptions per socket: three clients.
  const clients = [h.client(), h.client(), h.client()];
  const observers: [LiveObserver<StrapiDocument[]>, CollectionOptions][] = queries.map((options, i) => [clients[i % 3]!.collection(ARTICLE, options), options]);
  for (const [observer] of observers) h.watch(observer);
  await vi.waitFor(() => expect(observers.filter(([observer]) => !observer.getCurrentResult().isLive).length).toBe(0), { timeout: 30_000 });

  for (let op = 0; op < OPS; op += 1) {
    const documentId = rng.pick(known);
    const roll = rng.next();
    if (roll < 0.3) known.push((await articles.create({ data: { title: title(), body: body(), category: rng.pick(categories) }, status: 'published' })).documentId);
    else if (roll < 0.65) await articles.update({ documentId, data: { title: title(), body: body() }, status: 'published' });
    else if (roll < 0.8) await articles.update({ documentId, data: { category: rng.pick([...categories, null]) }, status: 'published' });
    else if (roll < 0.9) await articles.unpublish({ documentId });
    else if (known.length > 1) {
      known.splice(known.indexOf(documentId), 1);
      await articles.delete({ documentId });
    }
  }
  await h.settle(...clients);

  const stats = h.strapi.$io.stats();
  console.info(`${queries.length} distinct live queries, ${OPS} writes: ${stats.evaluated} filter evaluations, ${stats.fallbackReads} database fallbacks`);
  await vi.waitFor(
    async () => {
      const wrong: string[] = [];
      for (const [observer, options] of observers) {
        const expected = (await h.rest('/api/articles', options)).data;
        const result = observer.getCurrentResult();
        if (JSON.stringify(result.data) !== JSON.stringify(expected) || !result.isLive) wrong.push(JSON.stringify(options.filters));
      }
      expect(wrong).toEqual([]);
    },
    { timeout: 20_000, interval: 200 },
  );
});

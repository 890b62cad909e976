import { expect, it } from 'vitest';
import { ARTICLE, CATEGORY, expectLiveData, useLiveHarness } from './live-harness';

/**
 * A query that reads exactly the populate the server's events carry (the example's config:
 * `{ category: true, author: { populate: ['avatar'] } }`) takes events as they are: no REST read
 * per event, even for a populate the SDK could not project (nested populate), and still equal to REST.
 */
const h = useLiveHarness();
const POPULATE = { category: true, author: { populate: ['avatar'] } };

/** A fetch that counts the article reads it makes. */
function countingFetch() {
  const reads: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    if (url.pathname.startsWith('/api/articles')) reads.push(url.pathname);
    return fetch(input, init);
  };
  return { reads, fetch: fetchImpl };
}

it('applies events without reading REST when its populate is the server’s, and reads when it is not', async () => {
  const category = (await h.strapi.documents(CATEGORY).create({ data: { name: 'Exact', slug: 'exact' } })).documentId;
  const author = (await h.strapi.documents('api::author.author').create({ data: { name: 'Exa' }, status: 'published' })).documentId;
  const docs: string[] = [];
  for (const title of ['x1', 'x2', 'x3']) {
    docs.push((await h.strapi.documents(ARTICLE).create({ data: { title, category, author }, status: 'published' })).documentId);
  }
  const filters = { category: { slug: { $eq: 'exact' } } };
  const exactQuery = { filters, sort: 'title', populate: POPULATE };
  // The same populate written another way: not recognised as the server's, so bursts are read again.
  const otherQuery = { filters, sort: 'title', populate: { author: { populate: ['avatar'] }, category: { populate: '*' } } };
  const exactReads = countingFetch();
  const otherReads = countingFetch();
  const exactClient = h.client({ fetch: exactReads.fetch });
  const otherClient = h.client({ fetch: otherReads.fetch });
  const exact = exactClient.collection(ARTICLE, exactQuery);
  const other = otherClient.collection(ARTICLE, otherQuery);
  h.watch(exact);
  h.watch(other);
  await expectLiveData(exact, async () => (await h.rest('/api/articles', exactQuery)).data);
  await expectLiveData(other, async () => (await h.rest('/api/articles', otherQuery)).data);
  const [exactBefore, otherBefore] = [exactReads.reads.length, otherReads.reads.length];

  for (let i = 0; i < 6; i += 1) {
    await h.strapi.documents(ARTICLE).update({ documentId: docs[i % 3]!, data: { title: `x${i + 4}` }, status: 'published' });
    await h.settle(exactClient, otherClient);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await expectLiveData(exact, async () => (await h.rest('/api/articles', exactQuery)).data);
  await expectLiveData(other, async () => (await h.rest('/api/articles', otherQuery)).data);
  const exactAfter = exactReads.reads.length - exactBefore;
  const otherAfter = otherReads.reads.length - otherBefore;
  console.info(`6 updates: ${exactAfter} REST reads with the server's populate, ${otherAfter} with the same populate written otherwise`);
  expect(exactAfter).toBe(0);
  expect(otherAfter).toBeGreaterThan(0);
});

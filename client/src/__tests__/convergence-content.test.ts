import { beforeAll, expect, it, vi } from 'vitest';
import { createRandom, createUser } from 'example-strapi-app/testing';
import type { LiveResult } from '../live-result';
import type { CollectionOptions } from '../query-options';
import { ARTICLE, expectConverged, useLiveHarness } from './live-harness';

/**
 * Convergence on content as real sites model it: a page type localized in en, fr and de (components,
 * a dynamic zone, media, and `featured`, which Strapi copies into every locale) and articles that show their category and author populated. Random writes
 * per locale (create, translate, edit, publish one locale or all, unpublish, discard, delete one
 * locale or all) and renames of the related documents (category renamed, author renamed, avatar
 * replaced, author unpublished); once the writes stop, every live query of two principals equals a
 * fresh REST read. Seeds are printed; replay one with SEEDS=<seed>.
 */
const PAGE = 'api::page.page';
const AUTHOR = 'api::author.author';
const CATEGORY = 'api::category.category';
const LOCALES = ['en', 'fr', 'de'] as const;
const SEEDS = process.env.SEEDS ? process.env.SEEDS.split(',').map(Number) : Array.from({ length: 8 }, (_, i) => 5000 + i * 104729);
const OPS_PER_SEED = Number(process.env.OPS ?? 20);
const PAGE_POPULATE = { links: true, sections: { on: { 'page.rich-text': true, 'page.quote': true } }, cover: true };

const h = useLiveHarness({ seed: true });
let jwt: string;
let avatars: number[];
let categories: string[];
let authors: string[];

beforeAll(async () => {
  jwt = (await createUser(h.strapi)).jwt;
  avatars = ((await h.strapi.db.query('plugin::upload.file').findMany({ select: ['id'] })) as { id: number }[]).map(({ id }) => id);
  categories = (await h.strapi.documents(CATEGORY).findMany({})).map(({ documentId }) => documentId);
  authors = (await h.strapi.documents(AUTHOR).findMany({})).map(({ documentId }) => documentId);
});

interface Watched {
  name: string;
  observer: { getCurrentResult(): LiveResult<unknown> };
  expected: () => Promise<unknown>;
}

it(`converges per locale and through renamed relations (${SEEDS.length} seeds × ${OPS_PER_SEED} writes)`, { timeout: 240_000 }, async () => {
  const pages = h.strapi.documents(PAGE);
  const articles = h.strapi.documents(ARTICLE);
  const totals = { ops: 0, events: 0, related: 0 };

  for (const seed of SEEDS) {
    const rng = createRandom(seed);
    const prefix = `c${seed}-`;
    const mine = { title: { $startsWith: prefix } };
    const title = () => `${prefix}${rng.pick(['a', 'B', 'é'])}${rng.int(100)}`;
    const locale = () => rng.pick([...LOCALES]);
    const knownPages: string[] = [];
    const knownArticles: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      knownPages.push((await pages.create({ locale: 'en', data: { title: title(), links: [{ label: 'x', url: '/x' }] }, status: 'published' })).documentId);
      knownArticles.push(
        (await articles.create({ data: { title: title(), category: rng.pick(categories), author: rng.pick(authors) }, status: 'published' })).documentId,
      );
    }

    const clients = [
      { name: 'public', live: h.client(), token: undefined as string | undefined },
      { name: 'user', live: h.client({ auth: { strategy: 'jwt', token: jwt } }), token: jwt },
    ];
    let events = 0;
    const watched: Watched[] = [];
    const watchList = (name: string, live: (typeof clients)[number]['live'], uid: string, path: string, options: CollectionOptions, token?: string) => {
      const observer = live.collection(uid as typeof PAGE, options);
      h.watch(observer);
      watched.push({ name, observer, expected: async () => (await h.rest(path, options, token)).data });
    };
    for (const { name, live, token } of clients) {
      live.socket.onAny((event: string) => {
        events += 1;
        if (event === 'io:related') totals.related += 1;
      });
      for (const lang of LOCALES) {
        watchList(`${name}: pages ${lang}`, live, PAGE, '/api/pages', { locale: lang, filters: mine, sort: 'title', populate: PAGE_POPULATE }, token);
      }
      // `featured` is shared by every locale: an edit in one locale moves pages in and out of the others' lists.
      watchList(`${name}: featured pages in fr`, live, PAGE, '/api/pages', { locale: 'fr', filters: { ...mine, featured: { $eq: true } }, sort: 'title' }, token);
      watchList(`${name}: articles with category and author`, live, ARTICLE, '/api/articles', { filters: mine, sort: 'title', populate: ['category', 'author'] }, token);
      watchList(
        `${name}: articles with the author's avatar`,
        live,
        ARTICLE,
        '/api/articles',
        { filters: mine, sort: 'title:desc', populate: { author: { fields: ['name'], populate: ['avatar'] } } },
        token,
      );
      const first = knownPages[0]!;
      const entity = live.entity(PAGE, first, { locale: 'fr', populate: PAGE_POPULATE });
      h.watch(entity);
      watched.push({ name: `${name}: page ${first} in fr`, observer: entity, expected: async () => (await h.rest(`/api/pages/${first}`, { locale: 'fr', populate: PAGE_POPULATE }, token)).data ?? null });
    }
    watchList('user: page drafts in de', clients[1]!.live, PAGE, '/api/pages', { locale: 'de', status: 'draft', filters: mine, sort: 'title' }, jwt);
    watchList('user: featured drafts in de', clients[1]!.live, PAGE, '/api/pages', { locale: 'de', status: 'draft', filters: { ...mine, featured: { $eq: true } } }, jwt);
    await vi.waitFor(() => expect(watched.filter(({ observer }) => !observer.getCurrentResult().isLive).map(({ name }) => name)).toEqual([]), { timeout: 10_000 });

    const published = () => (rng.next() < 0.6 ? { status: 'published' as const } : {});
    const writes: Record<string, () => Promise<unknown>> = {
      createPage: async () => knownPages.push((await pages.create({ locale: locale(), data: { title: title() }, ...published() })).documentId),
      translate: () => pages.update({ documentId: rng.pick(knownPages), locale: locale(), data: { title: title(), sections: [{ __component: 'page.quote', text: title() }] }, ...published() }),
      feature: () => pages.update({ documentId: rng.pick(knownPages), locale: locale(), data: { featured: rng.next() < 0.5 }, ...published() }),
      editPage: () => pages.update({ documentId: rng.pick(knownPages), locale: locale(), data: { title: title() }, ...published() }),
      publishOne: () => pages.publish({ documentId: rng.pick(knownPages), locale: locale() }),
      publishAll: () => pages.publish({ documentId: rng.pick(knownPages), locale: '*' }),
      unpublish: () => pages.unpublish({ documentId: rng.pick(knownPages), locale: locale() }),
      discard: () => pages.discardDraft({ documentId: rng.pick(knownPages), locale: locale() }),
      deleteLocale: () => pages.delete({ documentId: rng.pick(knownPages), locale: rng.pick(['fr', 'de']) }),
      deleteAll: async () => {
        if (knownPages.length < 2) return;
        const documentId = rng.pick(knownPages.slice(1));
        knownPages.splice(knownPages.indexOf(documentId), 1);
        await pages.delete({ documentId, locale: '*' });
      },
      createArticle: async () =>
        knownArticles.push((await articles.create({ data: { title: title(), category: rng.pick(categories), author: rng.pick(authors) }, status: 'published' })).documentId),
      moveArticle: () => articles.update({ documentId: rng.pick(knownArticles), data: { author: rng.pick(authors), category: rng.pick(categories) }, status: 'published' }),
      renameCategory: () => h.strapi.documents(CATEGORY).update({ documentId: rng.pick(categories), data: { name: title() } }),
      renameAuthor: () => h.strapi.documents(AUTHOR).update({ documentId: rng.pick(authors), data: { name: title() }, status: 'published' }),
      replaceAvatar: () => h.strapi.documents(AUTHOR).update({ documentId: rng.pick(authors), data: { avatar: rng.pick(avatars) }, status: 'published' }),
      unpublishAuthor: () => h.strapi.documents(AUTHOR).unpublish({ documentId: rng.pick(authors) }),
      publishAuthor: () => h.strapi.documents(AUTHOR).publish({ documentId: rng.pick(authors) }),
    };
    const names = Object.keys(writes);
    const done: string[] = [];
    for (let op = 0; op < OPS_PER_SEED; op += 1) {
      const name = rng.pick(names);
      // A write Strapi refuses (a locale that does not exist yet, nothing to discard) changes nothing.
      await writes[name]!().catch(() => {});
      done.push(name);
      await new Promise((resolve) => setTimeout(resolve, rng.int(3)));
    }
    // Every author published again, so that the next seed starts from the same related documents.
    for (const documentId of authors) await h.strapi.documents(AUTHOR).publish({ documentId });

    await h.strapi.$io.idle();
    await h.settle(...clients.map(({ live }) => live));
    for (const { name, observer, expected } of watched) {
      await expectConverged(observer, expected, `seed ${seed}, ${name} after ${done.join(' ')}`);
    }
    console.info(`seed ${seed}: ${done.length} writes (${done.join(' ')}), ${events} events, ${watched.length} live queries equal to REST`);
    totals.ops += done.length;
    totals.events += events;
    clients.forEach(({ live }) => live.close());
  }
  console.info(`content convergence: ${SEEDS.length} seeds, ${totals.ops} writes, ${totals.events} events (${totals.related} io:related)`);
  // The renames were heard as such (not only caught up by a later event of the articles themselves).
  expect(totals.related).toBeGreaterThan(0);
});

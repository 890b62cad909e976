/**
 * With a registered schema, the SDK types uids, options and documents from it. Checked by `tsc`
 * (`npm run typecheck`): a wrong type fails the build, and each `@ts-expect-error` fails when the
 * error it expects is gone.
 */
import { expectTypeOf } from 'vitest';
import { createLiveClient } from '@strapi-live/client';
import type { DeletedDocument, EventMeta, LiveResult, StrapiDocument, StrapiMedia } from '@strapi-live/client';

const live = createLiveClient({ url: 'http://localhost:1337' });

// A collection without options: REST's default shape, no relations, no private fields.
const articles = live.collection('api::article.article');
const first = articles.getCurrentResult();
if (first.status === 'success') {
  const article = first.data[0]!;
  expectTypeOf(article.title).toEqualTypeOf<string>();
  expectTypeOf(article.body).toEqualTypeOf<string | null>();
  expectTypeOf(article.slug).toEqualTypeOf<string | null>();
  expectTypeOf(article.documentId).toEqualTypeOf<string>();
  expectTypeOf(article.id).toEqualTypeOf<number>();
  expectTypeOf(article.publishedAt).toEqualTypeOf<string | null>();
  // @ts-expect-error private: REST never returns it
  void article.internalNotes;
  // @ts-expect-error not populated
  void article.category;
  // @ts-expect-error private (and not localized)
  void article.locale;
}

// `status` narrows the result.
expectTypeOf<LiveResult<number>>().toMatchTypeOf<{ status: 'pending' | 'success' | 'error' }>();
const result = articles.getCurrentResult();
if (result.status === 'pending') expectTypeOf(result.data).toEqualTypeOf<undefined>();
if (result.status === 'error') expectTypeOf(result.error.message).toEqualTypeOf<string>();
if (result.status === 'success') expectTypeOf(result.error).toEqualTypeOf<null>();

// populate: arrays, '*', comma lists, objects with nested options.
const withCategory = live.collection('api::article.article', { populate: ['category'], sort: 'title' }).getCurrentResult();
if (withCategory.status === 'success') {
  const category = withCategory.data[0]!.category;
  expectTypeOf(category).toEqualTypeOf<{ id: number; documentId: string; name: string; slug: string | null; createdAt: string | null; updatedAt: string | null; publishedAt: string | null } | null>();
}
const everything = live.collection('api::category.category', { populate: '*' }).getCurrentResult();
if (everything.status === 'success') {
  expectTypeOf(everything.data[0]!.articles).items.toHaveProperty('title');
}
const nested = live.collection('api::category.category', { populate: { articles: { fields: ['title'], populate: ['category'] } } }).getCurrentResult();
if (nested.status === 'success') {
  const article = nested.data[0]!.articles[0]!;
  expectTypeOf(article.title).toEqualTypeOf<string>();
  expectTypeOf(article.category).not.toBeAny();
  // @ts-expect-error not among `fields`
  void article.body;
}
const dotted = live.collection('api::comment.comment', { populate: 'article.category' }).getCurrentResult();
if (dotted.status === 'success') {
  expectTypeOf(dotted.data[0]!.article!.category!.name).toEqualTypeOf<string>();
}

// fields narrow the attributes; id and documentId stay.
const titles = live.collection('api::article.article', { fields: ['title'] }).getCurrentResult();
if (titles.status === 'success') {
  expectTypeOf(titles.data[0]!).toEqualTypeOf<{ id: number; documentId: string; title: string }>();
}

// filters are typed by the attributes, through relations.
live.collection('api::article.article', { filters: { title: { $containsi: 'x' }, category: { slug: { $eq: 'news' } } } });
live.collection('api::article.article', { filters: { $or: [{ title: 'a' }, { body: { $null: true } }] } });
// @ts-expect-error no such attribute
live.collection('api::article.article', { filters: { author: { $eq: 'x' } } });
// @ts-expect-error a private attribute cannot be filtered (the server refuses it too)
live.collection('api::article.article', { filters: { internalNotes: { $eq: 'x' } } });
// @ts-expect-error no such operator
live.collection('api::article.article', { filters: { title: { $like: 'x' } } });
// @ts-expect-error not a relation, media, component or dynamic zone
live.collection('api::article.article', { populate: ['title'] });
// @ts-expect-error unknown uid
live.collection('api::nope.nope');

// Components, dynamic zones, media, enumerations, numbers, json (fixture types).
const pages = live.collection('api::page.page', { populate: { seo: { populate: ['image'] }, links: true, blocks: { on: { 'shared.quote': { populate: ['author'] } } }, gallery: true, cover: true } }).getCurrentResult();
if (pages.status === 'success') {
  const page = pages.data[0]!;
  expectTypeOf(page.views).toEqualTypeOf<number | null>();
  expectTypeOf(page.rating).toEqualTypeOf<number>();
  expectTypeOf(page.featured).toEqualTypeOf<boolean>();
  expectTypeOf(page.layout).toEqualTypeOf<'wide' | 'narrow'>();
  expectTypeOf(page.cover).toEqualTypeOf<StrapiMedia | null>();
  expectTypeOf(page.gallery).toEqualTypeOf<StrapiMedia[]>();
  expectTypeOf(page.seo!.metaTitle).toEqualTypeOf<string>();
  expectTypeOf(page.seo!.image).toEqualTypeOf<StrapiMedia | null>();
  expectTypeOf(page.links[0]!.url).toEqualTypeOf<string>();
  const block = page.blocks[0]!;
  if (block.__component === 'shared.quote') expectTypeOf(block.author!.name).toEqualTypeOf<string>();
  else expectTypeOf(block.__component).toEqualTypeOf<'shared.link'>();
  // @ts-expect-error private
  void page.secret;
}
const authors = live.collection('api::author.author').getCurrentResult();
if (authors.status === 'success') {
  // @ts-expect-error passwords never leave the server
  void authors.data[0]!.password;
}

// An entity: the document or null.
const entity = live.entity('api::article.article', 'abc', { populate: ['category'] }).getCurrentResult();
if (entity.status === 'success' && entity.data) expectTypeOf(entity.data.category).not.toBeAny();
if (entity.status === 'success') expectTypeOf(entity.data).toBeNullable();

// A single type: its entry or null, typed from the uid; only single types' uids are accepted.
const homepage = live.single('api::homepage.homepage', { locale: 'fr', fields: ['headline'] }).getCurrentResult();
if (homepage.status === 'success') expectTypeOf(homepage.data).toEqualTypeOf<{ id: number; documentId: string; headline: string } | null>();
const announcement = live.single('api::announcement.announcement').getCurrentResult();
if (announcement.status === 'success' && announcement.data) expectTypeOf(announcement.data.level).toEqualTypeOf<'info' | 'warning'>();
interface Banner {
  documentId: string;
  message: string;
}
const banner = live.single<Banner>('api::announcement.announcement').getCurrentResult();
if (banner.status === 'success') expectTypeOf(banner.data).toEqualTypeOf<Banner | null>();
// @ts-expect-error a collection type has no single entry: live.collection or live.entity
live.single('api::article.article');
// @ts-expect-error nor with an explicit document type
live.single<Banner>('api::article.article');
// @ts-expect-error `title` is not an attribute of the homepage
live.single('api::homepage.homepage', { fields: ['title'] });

// Content events by name.
live.on('article:update', (article, meta) => {
  expectTypeOf(article.title).toEqualTypeOf<string>();
  expectTypeOf(meta).toEqualTypeOf<EventMeta>();
});
live.on('article:delete', (deleted) => expectTypeOf(deleted).toEqualTypeOf<DeletedDocument>());
live.on('io:error', (error) => expectTypeOf(error.code).toBeString());

// An explicit document type still works, as before.
interface Teaser {
  documentId: string;
  title: string;
}
const teasers = live.collection<Teaser>('api::article.article', { fields: ['title'] }).getCurrentResult();
if (teasers.status === 'success') expectTypeOf(teasers.data).toEqualTypeOf<Teaser[]>();

// What a registered schema refuses that REST would refuse at run time.
// @ts-expect-error a comma list cannot be checked name by name: use an array
live.collection('api::article.article', { populate: 'category,nope' });
// @ts-expect-error every segment of a dotted path is checked
live.collection('api::comment.comment', { populate: 'article.nope' });
live.collection('api::comment.comment', { populate: ['article.category'] });
// @ts-expect-error fields are checked too
live.collection('api::article.article', { fields: ['title', 'nope'] });
// @ts-expect-error an explicit document type does not switch off the uid check
live.collection<Teaser>('api::artcle.article');
// @ts-expect-error nor for an entity
live.entity<Teaser>('nope', 'abc');
// @ts-expect-error a typo in a content event's name is not taken for an app's own event
live.on('artcle:update', () => {});
live.on('dashboard:refresh', (...args: unknown[]) => void args);
live.on<Teaser & StrapiDocument>('article:create', (article) => void article);

// count and fields of populated relations and media.
const counted = live.collection('api::category.category', { populate: { articles: { count: true } } }).getCurrentResult();
if (counted.status === 'success') expectTypeOf(counted.data[0]!.articles).toEqualTypeOf<{ count: number }>();
const covers = live.collection('api::page.page', { populate: { cover: { fields: ['url'] } } }).getCurrentResult();
if (covers.status === 'success') expectTypeOf(covers.data[0]!.cover).toEqualTypeOf<{ id: number; documentId: string; url: string } | null>();

import { describe, expect, it } from 'vitest';
import { liveEntityKey, liveQueryKey, liveSingleKey, normalizeCollection, normalizeEntity, normalizeSingle } from '../query-options';
import { restQueryString } from '../rest';

const ARTICLE = 'api::article.article';

describe('normalizeCollection', () => {
  it('gives equal queries the same key whatever their key order and sort spelling', () => {
    const a = normalizeCollection(ARTICLE, { filters: { title: { $eq: 'x' }, slug: { $null: true } }, sort: 'title', status: 'published' });
    const b = normalizeCollection(ARTICLE, { sort: ['title:asc'], filters: { slug: { $null: true }, title: { $eq: 'x' } } });
    expect(a.queryHash).toBe(b.queryHash);
    expect(a.serverHash).toBe(b.serverHash);
  });

  it('shares the server subscription between queries that differ only in REST options', () => {
    const a = normalizeCollection(ARTICLE, { filters: { title: { $eq: 'x' } }, sort: 'title', pagination: { pageSize: 10 } });
    const b = normalizeCollection(ARTICLE, { filters: { title: { $eq: 'x' } }, populate: ['category'] });
    expect(a.queryHash).not.toBe(b.queryHash);
    expect(a.serverHash).toBe(b.serverHash);
    expect(a.server).toEqual({ uid: ARTICLE, filters: { title: { $eq: 'x' } } });
  });

  it('sends the server only uid, filters, status and locale', () => {
    const query = normalizeCollection(ARTICLE, { filters: { a: 1 }, status: 'draft', locale: 'fr', sort: 'title', fields: ['title'], populate: '*', pagination: { page: 2, pageSize: 5 } });
    expect(query.server).toEqual({ uid: ARTICLE, filters: { a: 1 }, status: 'draft', locale: 'fr' });
    expect(query.page).toEqual({ page: 2, pageSize: 5 });
    expect(query.rest).toEqual({ filters: { a: 1 }, sort: ['title:asc'], populate: '*', fields: ['title'], status: 'draft', locale: 'fr' });
  });

  it('keys the cache under strapi-live, the uid and the canonical query', () => {
    expect(liveQueryKey(ARTICLE, { sort: 'title', pagination: { pageSize: 5 } })).toEqual([
      'strapi-live',
      ARTICLE,
      'collection',
      { sort: ['title:asc'], pagination: { page: 1, pageSize: 5 } },
    ]);
    expect(liveEntityKey(ARTICLE, 'abc', { populate: ['category'] })).toEqual(['strapi-live', ARTICLE, 'entity', 'abc', { populate: ['category'] }]);
  });

  it('refuses bad pagination and an empty uid', () => {
    expect(() => normalizeCollection(ARTICLE, { pagination: { page: 0, pageSize: 5 } })).toThrow(/page/);
    expect(() => normalizeCollection(ARTICLE, { pagination: { pageSize: 0 } })).toThrow(/pageSize/);
    expect(() => normalizeCollection('')).toThrow(/uid/);
  });
});

describe('normalizeEntity', () => {
  it('subscribes to the documentId as a one-document collection query', () => {
    expect(normalizeEntity(ARTICLE, 'abc', { status: 'draft' }).server).toEqual({ uid: ARTICLE, filters: { documentId: { $eq: 'abc' } }, status: 'draft' });
  });
});

describe('normalizeSingle', () => {
  const HOMEPAGE = 'api::homepage.homepage';

  it('subscribes to the whole type in its locale and view (no documentId: the entry may be replaced), and reads its REST options', () => {
    const query = normalizeSingle(HOMEPAGE, { locale: 'fr', status: 'draft', populate: ['seo'], fields: 'headline, intro' });
    expect(query.server).toEqual({ uid: HOMEPAGE, status: 'draft', locale: 'fr' });
    expect(query.rest).toEqual({ populate: ['seo'], fields: ['headline', 'intro'], status: 'draft', locale: 'fr' });
    expect(query.queryKey).toEqual(['strapi-live', HOMEPAGE, 'single', { populate: ['seo'], fields: ['headline', 'intro'], status: 'draft', locale: 'fr' }]);
    expect(liveSingleKey(HOMEPAGE)).toEqual(['strapi-live', HOMEPAGE, 'single', {}]);
    expect(() => normalizeSingle('')).toThrow(/uid/);
  });
});

describe('locale', () => {
  it('is part of the server subscription and of the cache key of every kind of query', () => {
    const pairs = [
      [normalizeCollection(ARTICLE, { locale: 'fr' }), normalizeCollection(ARTICLE, { locale: 'de' })],
      [normalizeEntity(ARTICLE, 'abc', { locale: 'fr' }), normalizeEntity(ARTICLE, 'abc', { locale: 'de' })],
      [normalizeSingle('api::homepage.homepage', { locale: 'fr' }), normalizeSingle('api::homepage.homepage', { locale: 'de' })],
    ];
    for (const [fr, de] of pairs) {
      expect(fr!.queryHash).not.toBe(de!.queryHash);
      expect(fr!.serverHash).not.toBe(de!.serverHash);
      expect([fr!.server.locale, fr!.rest.locale]).toEqual(['fr', 'fr']);
    }
  });
});

describe('restQueryString', () => {
  it("uses Strapi's bracket syntax with encoded values", () => {
    const query = restQueryString({
      filters: { title: { $eq: 'a&b' }, category: { slug: { $in: ['news', 'tutorials'] } } },
      sort: ['title:asc'],
      populate: ['category'],
      pagination: { page: 1, pageSize: 100 },
    });
    expect(decodeURIComponent(query)).toBe(
      'filters[title][$eq]=a&b&filters[category][slug][$in][0]=news&filters[category][slug][$in][1]=tutorials&sort[0]=title:asc&populate[0]=category&pagination[page]=1&pagination[pageSize]=100',
    );
    expect(query).toContain('filters[title][$eq]=a%26b');
  });
});

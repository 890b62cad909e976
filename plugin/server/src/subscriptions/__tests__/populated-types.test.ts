import { describe, expect, it } from 'vitest';
import { AckError } from '../../socket/ack';
import { MAX_POPULATES, MAX_POPULATES_BYTES, populatedTypes, readPopulates } from '../populated-types';
import type { ModelOf } from '../populated-types';

/** The example app's shapes: articles with a category and an author (with media), pages with components and a dynamic zone. */
const MODELS: Record<string, ReturnType<ModelOf>> = {
  'api::article.article': {
    attributes: {
      title: { type: 'string' },
      category: { type: 'relation', target: 'api::category.category' },
      author: { type: 'relation', target: 'api::author.author' },
      cover: { type: 'media', target: 'plugin::upload.file' },
    },
  },
  'api::category.category': { attributes: { name: { type: 'string' }, articles: { type: 'relation', target: 'api::article.article' } } },
  'api::author.author': {
    attributes: { name: { type: 'string' }, avatar: { type: 'media', target: 'plugin::upload.file' }, articles: { type: 'relation', target: 'api::article.article' } },
  },
  'api::page.page': {
    attributes: {
      links: { type: 'component', component: 'page.link' },
      sections: { type: 'dynamiczone', components: ['page.quote', 'page.rich-text'] },
    },
  },
  'page.link': { attributes: { label: { type: 'string' }, article: { type: 'relation', target: 'api::article.article' } } },
  'page.quote': { attributes: { text: { type: 'string' }, author: { type: 'relation', target: 'api::author.author' } } },
  'page.rich-text': { attributes: { body: { type: 'text' } } },
};
const modelOf: ModelOf = (uid) => MODELS[uid];
const ARTICLE = 'api::article.article';
const PAGE = 'api::page.page';
const shows = (populates: unknown[], uid = ARTICLE) => populatedTypes(populates, uid, modelOf);

describe('the types a subscription’s reads show populated', () => {
  it('follows every REST form of populate', () => {
    expect(shows([])).toEqual([]);
    expect(shows(['category'])).toEqual(['api::category.category']);
    expect(shows(['category,author'])).toEqual(['api::author.author', 'api::category.category']);
    expect(shows([['author', 'cover']])).toEqual(['api::author.author']);
    expect(shows([{ category: true }])).toEqual(['api::category.category']);
    expect(shows([{ author: { populate: ['avatar'] } }])).toEqual(['api::author.author']);
    expect(shows([{ category: { fields: ['name'] } }, 'author'])).toEqual(['api::author.author', 'api::category.category']);
  });

  it("takes '*' as REST does: one level of relations, not media", () => {
    expect(shows(['*'])).toEqual(['api::author.author', 'api::category.category']);
    expect(shows([{ category: { populate: '*' } }])).toEqual(['api::article.article', 'api::category.category']);
  });

  it('goes through relations, components and dynamic zones at any depth', () => {
    expect(shows(['category.articles'])).toEqual(['api::article.article', 'api::category.category']);
    expect(shows([{ category: { populate: { articles: { populate: ['author'] } } } }])).toEqual([ARTICLE, 'api::author.author', 'api::category.category']);
    expect(shows(['links.article'], PAGE)).toEqual([ARTICLE]);
    expect(shows([{ links: { populate: { article: true } } }], PAGE)).toEqual([ARTICLE]);
    expect(shows(['sections.author'], PAGE)).toEqual(['api::author.author']);
    expect(shows([{ sections: { on: { 'page.quote': { populate: ['author'] }, 'page.rich-text': true } } }], PAGE)).toEqual(['api::author.author']);
    // Components alone show no content type.
    expect(shows(['links', 'sections'], PAGE)).toEqual([]);
  });

  it('skips what the schema lacks instead of failing (the REST read reports it)', () => {
    expect(shows(['nope', 'title', { ghost: { populate: '*' } }, 'category.nope', 42, null, ['category']])).toEqual(['api::category.category']);
    expect(shows([{ constructor: true, __proto__: { populate: '*' } }])).toEqual([]);
    expect(populatedTypes(['category'], 'api::unknown.unknown', modelOf)).toEqual([]);
  });
});

describe('populates in a subscribe payload', () => {
  const code = (payload: unknown) => {
    try {
      readPopulates(payload);
      return 'ok';
    } catch (error) {
      return error instanceof AckError ? error.code : 'thrown';
    }
  };

  it('is optional and takes a list of populate values', () => {
    expect(readPopulates({ uid: ARTICLE })).toEqual([]);
    expect(readPopulates({ uid: ARTICLE, populates: ['category', { author: true }] })).toEqual(['category', { author: true }]);
  });

  it('refuses what is not a short list, cheaply', () => {
    expect(code({ populates: 'category' })).toBe('INVALID_QUERY');
    expect(code({ populates: Array.from({ length: MAX_POPULATES + 1 }, () => 'category') })).toBe('INVALID_QUERY');
    expect(code({ populates: ['x'.repeat(MAX_POPULATES_BYTES)] })).toBe('INVALID_QUERY');
    // 100,000 levels: refused by the bounded walk, not by a stack overflow.
    let deep: unknown = 'category';
    for (let i = 0; i < 100_000; i += 1) deep = { a: { populate: deep } };
    expect(code({ populates: [deep] })).toBe('INVALID_QUERY');
  });
});

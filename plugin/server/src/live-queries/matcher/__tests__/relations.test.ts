import { describe, expect, it } from 'vitest';
import { compileFilter } from '../index';
import { models } from './models.fixture';

const CATEGORY = 'api::category.category';
const ARTICLE = 'api::article.article';
const COMMENT = 'api::comment.comment';

const article = (id: number, title: string | null, extra: Record<string, unknown> = {}) => ({ id, documentId: `a${id}`, title, ...extra });
const category = (articles: unknown[]) => ({ id: 1, documentId: 'c1', name: 'News', articles });
const matches = (filters: Record<string, unknown>, state: Record<string, unknown>, uid = CATEGORY) => compileFilter(filters, uid, models, 'sqlite').matches(state);

describe('relations', () => {
  it('matches a to-many relation when any related row matches', () => {
    const state = category([article(1, 'Alpha'), article(2, 'Beta')]);
    expect(matches({ articles: { title: 'Beta' } }, state)).toBe(true);
    expect(matches({ articles: { title: 'Gamma' } }, state)).toBe(false);
  });

  it('matches $not through a to-many relation when some related row does not match, never when there are none', () => {
    expect(matches({ $not: { articles: { title: 'Alpha' } } }, category([article(1, 'Alpha'), article(2, 'Beta')]))).toBe(true);
    expect(matches({ $not: { articles: { title: 'Alpha' } } }, category([article(1, 'Alpha')]))).toBe(false);
    expect(matches({ $not: { articles: { title: 'Alpha' } } }, category([]))).toBe(false);
    // A NULL title is neither 'Alpha' nor not 'Alpha'.
    expect(matches({ $not: { articles: { title: 'Alpha' } } }, category([article(1, null)]))).toBe(false);
    expect(matches({ articles: { title: { $ne: 'Alpha' } } }, category([article(1, 'Alpha'), article(2, 'Beta')]))).toBe(true);
  });

  it('requires one row to meet every condition under one relation key, and joins a key repeated in $and independently', () => {
    const state = category([article(1, 'Alpha', { body: 'x' }), article(2, 'Beta', { body: 'y' })]);
    expect(matches({ articles: { title: 'Alpha', body: 'y' } }, state)).toBe(false);
    expect(matches({ $and: [{ articles: { title: 'Alpha' } }, { articles: { body: 'y' } }] }, state)).toBe(true);
  });

  it('treats a relation without rows as one row of NULLs', () => {
    expect(matches({ articles: { $null: true } }, category([]))).toBe(true);
    expect(matches({ articles: { $notNull: true } }, category([article(1, 'A')]))).toBe(true);
    expect(matches({ articles: { title: { $null: true } } }, category([]))).toBe(true);
    expect(matches({ category: null }, { id: 1, documentId: 'a', category: null }, ARTICLE)).toBe(true);
  });

  it('compares relation shorthands and relation operators with the related ids', () => {
    const state = { id: 1, documentId: 'a', category: { id: 5, documentId: 'c5' } };
    expect(matches({ category: 5 }, state, ARTICLE)).toBe(true);
    expect(matches({ category: '5' }, state, ARTICLE)).toBe(true);
    expect(matches({ category: [1, 5] }, state, ARTICLE)).toBe(true);
    expect(matches({ category: { $in: [1, 2] } }, state, ARTICLE)).toBe(false);
    expect(matches({ category: { $not: 5 } }, state, ARTICLE)).toBe(false);
    expect(matches({ category: { $ne: 4 } }, { id: 1, documentId: 'a', category: null }, ARTICLE)).toBe(false);
  });

  it('lets a relation value holding $or replace a sibling $or, as Strapi merges it with Object.assign', () => {
    const state = { id: 1, documentId: 'a', title: 'Alpha', category: { id: 5, documentId: 'c5', name: 'News' } };
    // Strapi keeps only the category's $or: the title condition disappears.
    expect(matches({ $or: [{ title: 'nope' }], category: { $or: [{ name: 'News' }] } }, state, ARTICLE)).toBe(true);
    // In the other order, the root's $or wins.
    expect(matches({ category: { $or: [{ name: 'News' }] }, $or: [{ title: 'nope' }] }, state, ARTICLE)).toBe(false);
  });

  it('leaves relation-level $not with conditions to the database, which rejects it', () => {
    expect(compileFilter({ category: { $not: { name: 'x' } } }, ARTICLE, models, 'sqlite').inMemory).toBe(false);
  });

  it('decides a to-one relation to draft and published rows on both rows, or only on what they share when given one', () => {
    const draft = article(1, 'Draft title');
    const published = article(2, 'Published title');
    const both = { id: 9, documentId: 'm', article: [draft, published] };
    const one = { id: 9, documentId: 'm', article: draft };
    expect(matches({ article: { title: 'Published title' } }, both, COMMENT)).toBe(true);
    expect(matches({ article: { title: 'Published title' } }, one, COMMENT)).toBeUndefined();
    expect(matches({ article: { title: 'Draft title' } }, one, COMMENT)).toBe(true);
    expect(matches({ article: { documentId: 'a1' } }, one, COMMENT)).toBe(true);
    expect(matches({ article: { $null: true } }, one, COMMENT)).toBe(false);
    expect(matches({ article: { id: 2 } }, one, COMMENT)).toBeUndefined();
  });

  it('answers undefined when a relation on the path was not loaded', () => {
    expect(matches({ articles: { title: 'x' } }, { id: 1, documentId: 'c' })).toBeUndefined();
  });

  it('lists the paths a filter reads, relation ids included', () => {
    const compiled = compileFilter({ title: 'x', category: { slug: 'y', articles: { $null: true } }, $or: [{ category: 3 }] }, ARTICLE, models, 'sqlite');
    expect(compiled.paths).toEqual([['title'], ['category', 'slug'], ['category', 'articles', 'id'], ['category', 'id']]);
  });
});

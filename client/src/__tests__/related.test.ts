import { describe, expect, it } from 'vitest';
import { concernsQuery, isParentList, showsRelated } from '../related';

describe('whether documents show a related document', () => {
  const articles = [
    { id: 1, documentId: 'a1', title: 'One', category: { id: 7, documentId: 'c7', name: 'News' } },
    { id: 2, documentId: 'a2', title: 'Two', tags: [{ documentId: 't1' }, { documentId: 't2', parent: { documentId: 't9' } }] },
    { id: 3, documentId: 'a3', title: 'Three', category: null },
  ];

  it('finds it in a to-one, a to-many and a nested relation', () => {
    expect(showsRelated(articles, 'c7')).toBe(true);
    expect(showsRelated(articles, 't2')).toBe(true);
    expect(showsRelated(articles, 't9')).toBe(true);
  });

  it('does not take the documents themselves, or what they do not show', () => {
    expect(showsRelated(articles, 'a1')).toBe(false);
    expect(showsRelated(articles, 'c8')).toBe(false);
    expect(showsRelated([], 'c7')).toBe(false);
  });
});

describe('whether io:related concerns a live query', () => {
  const ARTICLE = 'api::article.article';
  const articles = [
    { documentId: 'a1', author: { documentId: 'u1', name: 'Ada' } },
    { documentId: 'a2', author: null },
  ];
  const info = (parents?: Record<string, string[]>) => ({ uid: 'api::author.author', documentId: 'u1', locale: null, ...(parents ? { parents } : {}) });

  it('concerns a query that shows the changed document', () => {
    expect(concernsQuery(info({ [ARTICLE]: [] }), ARTICLE, articles, true)).toBe(true);
  });

  it('concerns a query holding a document that points at it now, though nothing there names it', () => {
    const other = { ...info({ [ARTICLE]: ['a2'] }), documentId: 'u2' };
    expect(concernsQuery(other, ARTICLE, articles, true)).toBe(true);
    expect(concernsQuery({ ...other, parents: { [ARTICLE]: ['a9'] } }, ARTICLE, articles, true)).toBe(false);
    expect(concernsQuery({ ...other, parents: { 'api::page.page': ['a2'] } }, ARTICLE, articles, true)).toBe(false);
  });

  it('without a list, concerns every query that populates, and never one that does not', () => {
    expect(concernsQuery({ ...info(), documentId: 'u2' }, ARTICLE, articles, true)).toBe(true);
    expect(concernsQuery(info(), ARTICLE, articles, false)).toBe(false);
  });

  it('takes only lists of ids by uid as a list', () => {
    expect(isParentList({ [ARTICLE]: ['a1'] })).toBe(true);
    expect(isParentList({ [ARTICLE]: [1] })).toBe(false);
    expect(isParentList([['a1']])).toBe(false);
    expect(isParentList(null)).toBe(false);
  });
});

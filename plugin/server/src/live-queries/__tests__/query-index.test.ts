import { describe, expect, it } from 'vitest';
import { createQueryIndex, scopeKey, valuesAt } from '../query-index';
import type { IndexedQuery, KeyOf } from '../query-index';

const ARTICLE = scopeKey('api::article.article', 'published', null);
const keyOf: KeyOf = (_path, value) => (value === null || value === undefined ? undefined : String(value));

function owned(id: string, owner: number): IndexedQuery {
  return { id, scope: ARTICLE, paths: [['owner', 'id']], index: { path: ['owner', 'id'], keys: [String(owner)] } };
}

describe('the live-query index', () => {
  it('finds only the queries whose indexed value the document holds, before or after the write', () => {
    const index = createQueryIndex<IndexedQuery>();
    for (let owner = 1; owner <= 10_000; owner += 1) index.add(owned(`q${owner}`, owner), 'api::article.article');
    const candidates = index.candidates(ARTICLE, [{ owner: { id: 7 } }, { owner: { id: 9 } }], keyOf);
    expect([...candidates].map(({ id }) => id).sort()).toEqual(['q7', 'q9']);
  });

  it('always returns the queries it cannot index, and nothing of another scope', () => {
    const index = createQueryIndex<IndexedQuery>();
    index.add({ id: 'scan', scope: ARTICLE, paths: [['title']] }, 'api::article.article');
    index.add(owned('q1', 1), 'api::article.article');
    index.add({ id: 'draft', scope: scopeKey('api::article.article', 'draft', null), paths: [['title']] }, 'api::article.article');
    expect([...index.candidates(ARTICLE, [{ owner: null }], keyOf)].map(({ id }) => id)).toEqual(['scan']);
    expect(index.candidates(scopeKey('api::comment.comment', 'published', null), [{}], keyOf).size).toBe(0);
  });

  it('looks up every value of a to-many path, as a SQL join matches any related row', () => {
    const index = createQueryIndex<IndexedQuery>();
    index.add({ id: 'tagged', scope: ARTICLE, paths: [['tags', 'slug']], index: { path: ['tags', 'slug'], keys: ['news', 'sport'] } }, 'api::article.article');
    expect(index.candidates(ARTICLE, [{ tags: [{ slug: 'tech' }, { slug: 'sport' }] }], keyOf).size).toBe(1);
    expect(index.candidates(ARTICLE, [{ tags: [{ slug: 'tech' }] }], keyOf).size).toBe(0);
  });

  it('forgets a removed query, and the paths only it read', () => {
    const index = createQueryIndex<IndexedQuery>();
    index.add(owned('q1', 1), 'api::article.article');
    index.add({ id: 'title', scope: ARTICLE, paths: [['title'], ['owner', 'id']] }, 'api::article.article');
    expect(index.pathsOf('api::article.article')).toEqual([['owner', 'id'], ['title']]);
    index.remove('title', 'api::article.article');
    expect(index.pathsOf('api::article.article')).toEqual([['owner', 'id']]);
    index.remove('q1', 'api::article.article');
    expect(index.size).toBe(0);
    expect(index.pathsOf('api::article.article')).toEqual([]);
    expect(index.candidates(ARTICLE, [{ owner: { id: 1 } }], keyOf).size).toBe(0);
  });
});

describe('valuesAt', () => {
  it('walks objects and arrays, and finds nothing past a null', () => {
    expect(valuesAt({ a: [{ b: { c: 1 } }, { b: null }, { b: { c: 2 } }] }, ['a', 'b', 'c'])).toEqual([1, 2]);
    expect(valuesAt({ a: null }, ['a', 'b'])).toEqual([]);
    expect(valuesAt({ a: null }, ['a'])).toEqual([]); // a null holds no value to look up
  });
});

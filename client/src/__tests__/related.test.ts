import { describe, expect, it } from 'vitest';
import { showsRelated } from '../related';

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

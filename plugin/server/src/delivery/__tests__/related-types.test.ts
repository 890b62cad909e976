import { describe, expect, it } from 'vitest';
import { relatedTypes } from '../related-types';

describe('relatedTypes', () => {
  const models: Record<string, Record<string, { type?: string; target?: string; private?: boolean }>> = {
    'api::article.article': {
      title: { type: 'string' },
      category: { type: 'relation', target: 'api::category.category' },
      author: { type: 'relation', target: 'api::author.author' },
      reviewer: { type: 'relation', target: 'api::author.author', private: true },
      localizations: { type: 'relation', target: 'api::article.article' },
      createdBy: { type: 'relation', target: 'admin::user' },
    },
    'api::author.author': { articles: { type: 'relation', target: 'api::article.article' }, localizations: { type: 'relation', target: 'api::author.author' } },
  };

  it('maps each related type to the watched types and attributes that show it, without private links or localizations', () => {
    const links = relatedTypes(Object.keys(models), (uid) => models[uid]);
    expect(Object.fromEntries(links)).toEqual({
      'api::category.category': [{ parent: 'api::article.article', attribute: 'category' }],
      'api::author.author': [{ parent: 'api::article.article', attribute: 'author' }],
      'admin::user': [{ parent: 'api::article.article', attribute: 'createdBy' }],
      'api::article.article': [{ parent: 'api::author.author', attribute: 'articles' }],
    });
  });

  it('reads only the watched types', () => {
    expect(relatedTypes(['api::author.author'], (uid) => models[uid]).get('api::category.category')).toBeUndefined();
  });
});

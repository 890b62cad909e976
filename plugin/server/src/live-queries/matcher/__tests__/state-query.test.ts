import { describe, expect, it } from 'vitest';
import { compileFilter, loadStates, stateQuery } from '../index';
import type { StateReader } from '../index';
import { models } from './models.fixture';

describe('state queries', () => {
  it('select what the paths read, with ids and documentIds at every level', () => {
    const paths = [['title'], ['category', 'slug'], ['category', 'articles', 'id']];
    expect(stateQuery(paths, 'api::article.article', models)).toEqual({
      select: ['id', 'documentId', 'title'],
      populate: { category: { select: ['id', 'documentId', 'slug'], populate: { articles: { select: ['id', 'documentId'] } } } },
    });
  });

  it('load in one query when no relation links draft and published rows', async () => {
    const calls: unknown[] = [];
    const db: StateReader = { query: () => ({ findMany: async (params) => (calls.push(params), [{ id: 1 }]) }) };
    await loadStates(db, 'api::article.article', { id: 1 }, [['category', 'name']], models);
    expect(calls).toHaveLength(1);
  });

  it('load both rows of a relation to draft and published rows, as a list the matcher decides on', async () => {
    const calls: Record<string, unknown>[] = [];
    const draft = { id: 1, documentId: 'a', title: 'Draft' };
    const published = { id: 2, documentId: 'a', title: 'Published' };
    const db: StateReader = {
      query: () => ({
        async findMany(params) {
          calls.push(params);
          const where = (params.populate as { article: { where: { publishedAt: object } } }).article.where.publishedAt;
          return [{ id: 9, documentId: 'c', article: '$null' in where ? draft : published }];
        },
      }),
    };
    const paths = compileFilter({ article: { title: 'Published' } }, 'api::comment.comment', models, 'sqlite').paths;
    const [state] = await loadStates(db, 'api::comment.comment', { id: 9 }, paths, models);
    expect(calls).toHaveLength(2);
    expect(state!.article).toEqual([draft, published]);
    expect(compileFilter({ article: { title: 'Published' } }, 'api::comment.comment', models, 'sqlite').matches(state!)).toBe(true);
  });
});

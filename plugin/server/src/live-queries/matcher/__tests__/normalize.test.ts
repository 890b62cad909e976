import { describe, expect, it } from 'vitest';
import { normalizeFilters } from '../normalize';
import { models } from './models.fixture';

const normalize = (filters: unknown, uid = 'api::article.article') => normalizeFilters(filters, models(uid), models);

describe('filter normalization, as the Document Service does it', () => {
  it('drops keys that are neither operators nor attributes, and keeps id and documentId', () => {
    expect(normalize({ nope: 1, title: 'a', id: 3, documentId: 'x' })).toEqual({ title: 'a', id: 3, documentId: 'x' });
  });

  it('follows relations into their target type', () => {
    expect(normalize({ category: { name: 'x', title: 'dropped' } })).toEqual({ category: { name: 'x' } });
  });

  it('drops objects left empty, inside lists too, but keeps empty lists', () => {
    expect(normalize({ $or: [{ nope: 1 }], title: { nope: 1 } })).toEqual({ $or: [] });
    expect(normalize({ $and: [{}, { title: 'a' }] })).toEqual({ $and: [{ title: 'a' }] });
  });

  it('turns $null and $notNull values into booleans', () => {
    expect(normalize({ title: { $null: 'false', $notNull: 'yes' }, category: { $null: 0 } })).toEqual({ title: { $null: false, $notNull: true }, category: { $null: false } });
  });

  it('drops password attributes', () => {
    expect(normalize({ secret: 'x', label: 'y' }, 'api::thing.thing')).toEqual({ label: 'y' });
  });
});

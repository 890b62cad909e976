import { describe, expect, it } from 'vitest';
import { learnShape, planPopulate, project } from '../projection';

const event = {
  id: 7,
  documentId: 'a',
  title: 'T',
  meta: { json: { x: 1 } },
  createdAt: 'c',
  updatedAt: 'u',
  publishedAt: 'p',
  category: { id: 2, documentId: 'n', name: 'News', slug: 'news', createdAt: 'c', updatedAt: 'u', publishedAt: 'p' },
};

describe('project', () => {
  it("cuts an event's document down to what the query's REST read returns (no populate)", () => {
    const plan = planPopulate(undefined);
    const shape = learnShape(undefined, [{ id: 1, documentId: 'b', title: 'x', meta: null, createdAt: 'c', updatedAt: 'u', publishedAt: 'p' }], plan);
    expect(project(event, shape, plan)).toEqual({ id: 7, documentId: 'a', title: 'T', meta: { json: { x: 1 } }, createdAt: 'c', updatedAt: 'u', publishedAt: 'p' });
  });

  it('keeps only the requested fields', () => {
    const plan = planPopulate(undefined);
    const shape = learnShape(undefined, [{ id: 1, documentId: 'b', title: 'x' }], plan);
    expect(project(event, shape, plan)).toEqual({ id: 7, documentId: 'a', title: 'T' });
  });

  it('keeps a simply populated relation once its shape is known', () => {
    const plan = planPopulate(['category']);
    const shape = learnShape(undefined, [{ id: 1, documentId: 'b', title: 'x', category: { id: 3, documentId: 'm', name: 'x', slug: 'x', createdAt: 'c', updatedAt: 'u', publishedAt: 'p' } }], plan);
    expect(project(event, shape, plan)).toEqual({ id: 7, documentId: 'a', title: 'T', category: event.category });
  });

  it('asks for a REST read when it cannot be sure', () => {
    const plain = planPopulate(undefined);
    expect(project(event, undefined, plain)).toBeNull(); // nothing read yet
    const needsBody = learnShape(undefined, [{ id: 1, documentId: 'b', body: 'x' }], plain);
    expect(project(event, needsBody, plain)).toBeNull(); // the event lacks a field REST returns
    const populated = planPopulate({ category: true });
    const unknownRelation = learnShape(undefined, [{ id: 1, documentId: 'b', title: 'x', category: null }], populated);
    expect(project(event, unknownRelation, populated)).toBeNull(); // never saw a populated category
    expect(planPopulate('*')).toEqual({ kind: 'complex' });
    expect(planPopulate({ category: { fields: ['name'] } })).toEqual({ kind: 'complex' });
    expect(project(event, needsBody, { kind: 'complex' })).toBeNull();
  });
});

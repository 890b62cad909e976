import { describe, expect, it } from 'vitest';
import { filterShapeProblem } from '../filter-shape';

describe('the shape of filters', () => {
  it.each([
    [{ title: { $eq: 'x' } }],
    [{ title: { $in: ['a', 'b'] }, views: { $between: [1, 5] } }],
    [{ $or: [{ title: { $eq: 'a' } }, { category: { slug: { $eq: 'news' } } }] }],
    [{ title: { $not: { $containsi: 'x' } } }],
    [{ $not: { title: { $eq: 'x' } } }],
    [{ category: { $null: true } }],
    [{ title: { $eq: ['a', 'b'] } }],
    [{ title: 'x' }],
    [{ title: { $regex: '.*' } }], // unknown: Strapi's validator refuses it
  ])('takes %j', (filters) => {
    expect(filterShapeProblem(filters)).toBeUndefined();
  });

  it.each([
    [{ title: { $eq: 'x', $or: 'y' } }, '$or takes a list of conditions'],
    [{ $or: { title: { $eq: 'x' } } }, '$or takes a list of conditions'],
    [{ $and: ['title'] }, '$and takes a list of conditions'],
    [{ $not: 'x' }, '$not takes a condition'],
    [{ title: { $eq: { $gt: 1 } } }, '$eq takes a value'],
    [{ category: { name: { $in: [{ a: 1 }] } } }, '$in takes a value'],
    [{ views: { $between: [1] } }, '$between takes a list of two values'],
    [{ title: { $null: {} } }, '$null takes true or false'],
    [{ $or: [{ $and: [{ title: { $lt: [] } }] }, { title: { $lt: { x: 1 } } }] }, '$lt takes a value'],
    [{ title: { $nei: 'a\u0000b' } }, 'NUL character'],
    [{ title: { $in: ['ok', 'a\u0000'] } }, 'NUL character'],
    [{ title: 'x\u0000' }, 'NUL character'],
    [{ 'ti\u0000tle': { $eq: 'x' } }, 'NUL character'],
  ])('refuses %j', (filters, problem) => {
    expect(filterShapeProblem(filters as Record<string, unknown>)).toContain(problem);
  });
});

import { describe, expect, it } from 'vitest';
import { compileFilter, indexKeyOf } from '../index';
import { models } from './models.fixture';

const compile = (filters: Record<string, unknown>, uid = 'api::article.article') => compileFilter(filters, uid, models, 'sqlite');

describe('the equality index', () => {
  it('indexes a required $eq, $in or implicit equality, and prefers ids', () => {
    expect(compile({ title: 'a', category: { id: { $eq: '7' } } }).index).toEqual({ path: ['category', 'id'], keys: ['n:7'] });
    expect(compile({ title: { $in: ['a', 'b', null] } }).index).toEqual({ path: ['title'], keys: ['s:a', 's:b'] });
    expect(compile({ $and: [{ body: { $eq: ['x', 'y'] } }, { slug: 'z' }] }).index).toEqual({ path: ['slug'], keys: ['s:z'] });
  });

  it('does not index what a match does not require', () => {
    expect(compile({ $or: [{ title: 'a' }, { body: 'b' }] }).index).toBeUndefined();
    expect(compile({ $not: { title: 'a' } }).index).toBeUndefined();
    expect(compile({ title: { $eq: ['a', null] } }).index).toBeUndefined();
    expect(compile({ title: { $eq: [] } }).index).toBeUndefined();
  });

  it('indexes an impossible $in with no keys', () => {
    expect(compile({ title: { $in: [] } }).index).toEqual({ path: ['title'], keys: [] });
  });

  it('indexes through a relation that links draft and published rows only by what both share', () => {
    expect(compile({ article: { id: 4 } }, 'api::comment.comment').index).toBeUndefined();
    expect(compile({ article: { documentId: 'abc' } }, 'api::comment.comment').index).toEqual({ path: ['article', 'documentId'], keys: ['s:abc'] });
  });

  it('keys document values as the filter keys its values', () => {
    expect(indexKeyOf('id', 7)).toBe('n:7');
    expect(indexKeyOf('documentId', 'abc')).toBe('s:abc');
    expect(indexKeyOf({ type: 'datetime' }, '2024-03-07T10:00:00.000Z')).toBe(compile({ createdAt: '2024-03-07T12:00:00+02:00' }).index!.keys[0]);
    expect(indexKeyOf({ type: 'boolean' }, true)).toBe(compileFilter({ flag: 't' }, 'api::thing.thing', models, 'sqlite').index!.keys[0]);
    expect(indexKeyOf({ type: 'time' }, '10:00:00')).toBe(compileFilter({ clock: '10:00:00.000' }, 'api::thing.thing', models, 'postgres').index!.keys[0]);
    expect(indexKeyOf({ type: 'string' }, null)).toBeUndefined();
    expect(indexKeyOf({ type: 'json' }, 'x')).toBeUndefined();
  });

  it('does not index big integers that SQLite would hand back rounded', () => {
    expect(compileFilter({ big: '9007199254740993' }, 'api::thing.thing', models, 'postgres').index).toBeUndefined();
  });
});

describe('shapes', () => {
  it('are shared by filters that differ only in their values', () => {
    expect(compile({ category: { id: { $eq: 1 } } }).shape).toBe(compile({ category: { id: { $eq: 2 } } }).shape);
    expect(compile({ title: { $in: ['a'] } }).shape).toBe(compile({ title: { $in: ['b', 'c'] } }).shape);
  });

  it('differ where the SQL differs: structure, null, $null', () => {
    expect(compile({ title: 'a' }).shape).not.toBe(compile({ body: 'a' }).shape);
    expect(compile({ title: 'a' }).shape).not.toBe(compile({ title: null }).shape);
    expect(compile({ title: { $null: true } }).shape).not.toBe(compile({ title: { $null: false } }).shape);
  });
});

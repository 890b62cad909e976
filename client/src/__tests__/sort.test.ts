import { describe, expect, it } from 'vitest';
import { canSort, compareValues, createComparator, createDatabaseComparator, formatSort, parseSort, sameSortKey } from '../sort';

const titles = (docs: { title: unknown }[]) => docs.map((doc) => doc.title);

describe('parseSort', () => {
  it('reads every REST form of sort, defaulting to ascending', () => {
    expect(formatSort(parseSort('title'))).toEqual(['title:asc']);
    expect(formatSort(parseSort('title:DESC'))).toEqual(['title:desc']);
    expect(formatSort(parseSort('title:desc, body ,'))).toEqual(['title:desc', 'body:asc']);
    expect(formatSort(parseSort(['title:desc', 'id']))).toEqual(['title:desc', 'id:asc']);
    expect(formatSort(parseSort({ title: 'desc', body: 'asc' }))).toEqual(['title:desc', 'body:asc']);
    expect(formatSort(parseSort([{ category: { name: 'desc' } }, 'title']))).toEqual(['category.name:desc', 'title:asc']);
    expect(formatSort(parseSort('category.name'))).toEqual(['category.name:asc']);
    expect(parseSort(undefined)).toEqual([]);
  });

  it('refuses an order other than asc or desc, as Strapi does', () => {
    expect(() => parseSort('title:up')).toThrow(/asc or desc/);
    expect(() => parseSort({ title: 'sideways' as never })).toThrow(/asc or desc/);
  });
});

describe('createComparator', () => {
  it('orders text by code point, like SQLite (uppercase before lowercase)', () => {
    const docs = [{ id: 1, title: 'b' }, { id: 2, title: 'a' }, { id: 3, title: 'B' }, { id: 4, title: 'é' }, { id: 5, title: '😀' }];
    expect(titles(docs.sort(createComparator(parseSort('title'))))).toEqual(['B', 'a', 'b', 'é', '😀']);
  });

  it('puts null first ascending and last descending, like SQLite', () => {
    const docs = [{ id: 1, title: 'b' }, { id: 2, title: null }, { id: 3, title: 'a' }];
    expect(titles([...docs].sort(createComparator(parseSort('title:asc'))))).toEqual([null, 'a', 'b']);
    expect(titles([...docs].sort(createComparator(parseSort('title:desc'))))).toEqual(['b', 'a', null]);
  });

  it('breaks ties by ascending id whatever the direction, and orders by id with no sort', () => {
    const docs = [{ id: 14, title: 'a' }, { id: 8, title: 'B' }, { id: 10, title: 'a' }];
    expect(docs.slice().sort(createComparator(parseSort('title:desc'))).map((doc) => doc.id)).toEqual([10, 14, 8]);
    expect(docs.slice().sort(createComparator([])).map((doc) => doc.id)).toEqual([8, 10, 14]);
  });

  it('compares numbers numerically, booleans false first, numbers before text', () => {
    expect([10, 9, 100].sort(compareValues)).toEqual([9, 10, 100]);
    expect([true, false].sort(compareValues)).toEqual([false, true]);
    expect(['1', 2].sort(compareValues)).toEqual([2, '1']);
  });

  it('sorts by several fields, then through a populated relation', () => {
    const docs = [
      { id: 1, rank: 2, title: 'x', category: { name: 'b' } },
      { id: 2, rank: 1, title: 'y', category: { name: 'a' } },
      { id: 3, rank: 2, title: 'w', category: null },
    ];
    expect(docs.slice().sort(createComparator(parseSort(['rank:desc', 'title']))).map((doc) => doc.id)).toEqual([3, 1, 2]);
    expect(docs.slice().sort(createComparator(parseSort('category.name'))).map((doc) => doc.id)).toEqual([3, 2, 1]);
  });
});

describe('canSort', () => {
  it('says whether a document carries every value the sort needs', () => {
    expect(canSort({ id: 1, title: 'a' }, parseSort('title'))).toBe(true);
    expect(canSort({ id: 1, title: null }, parseSort('title'))).toBe(true);
    expect(canSort({ id: 1 }, parseSort('title'))).toBe(false);
    expect(canSort({ id: 1, category: null }, parseSort('category.name'))).toBe(true);
    expect(canSort({ id: 1 }, parseSort('category.name'))).toBe(false);
    expect(canSort({ title: 'a' }, [])).toBe(false);
  });
});

describe('createDatabaseComparator: the order of the database the acknowledgement describes', () => {
  const collation = { text: 'collation', nulls: 'last' } as const;

  it('puts NULL last ascending and first descending where the database does (PostgreSQL)', () => {
    const docs = [{ id: 1, title: 'b' }, { id: 2, title: null }, { id: 3, title: 'a' }];
    expect(titles([...docs].sort(createComparator(parseSort('title:asc'), { nulls: 'last' })))).toEqual(['a', 'b', null]);
    expect(titles([...docs].sort(createComparator(parseSort('title:desc'), { nulls: 'last' })))).toEqual([null, 'b', 'a']);
    const compare = createDatabaseComparator(parseSort('title'), collation);
    expect(compare({ id: 1, title: null }, { id: 2, title: 'a' })).toBe(1);
    expect(compare({ id: 1, title: null }, { id: 2, title: null })).toBe(-1); // equal NULLs: id decides
  });

  it('cannot tell two different texts apart under a linguistic collation, and says so', () => {
    const compare = createDatabaseComparator(parseSort('title'), collation);
    expect(compare({ id: 1, title: 'B' }, { id: 2, title: 'a' })).toBeUndefined();
    expect(compare({ id: 1, title: 'a' }, { id: 2, title: 'b' })).toBeUndefined(); // even plain ASCII: a locale may order it otherwise
    // Binary (SQLite, PostgreSQL "C"): code points decide.
    expect(createDatabaseComparator(parseSort('title'), { text: 'binary', nulls: 'first' })({ id: 1, title: 'B' }, { id: 2, title: 'a' })).toBe(-1);
  });

  it('still orders what no collation decides: equal texts (then id), numbers, and a field before the text', () => {
    const compare = createDatabaseComparator(parseSort(['rank:desc', 'title']), collation);
    expect(compare({ id: 1, rank: 1, title: 'B' }, { id: 2, rank: 2, title: 'a' })).toBe(1);
    expect(compare({ id: 3, rank: 2, title: 'é' }, { id: 2, rank: 2, title: 'é' })).toBe(1);
    expect(compare({ id: 1, rank: 2, title: 'B' }, { id: 2, rank: 2, title: 'a' })).toBeUndefined();
  });

  it('orders dates, times and datetimes as REST writes them (digits in the same places) under any collation', () => {
    const compare = createDatabaseComparator(parseSort('publishedAt:desc'), collation);
    expect(compare({ id: 1, publishedAt: '2026-01-09T10:00:00.000Z' }, { id: 2, publishedAt: '2026-01-10T09:00:00.000Z' })).toBe(1);
    expect(createDatabaseComparator(parseSort('day'), collation)({ id: 1, day: '2026-01-09' }, { id: 2, day: '2025-12-31' })).toBe(1);
    expect(createDatabaseComparator(parseSort('at'), collation)({ id: 1, at: '09:30:00.000' }, { id: 2, at: '10:00:00.000' })).toBe(-1);
    // Not the same layout: the collation decides.
    expect(createDatabaseComparator(parseSort('day'), collation)({ id: 1, day: '2026-1-9' }, { id: 2, day: '2026-01-10' })).toBeUndefined();
  });
});

describe('sameSortKey', () => {
  it('says whether a new version of a document sorts where the old one did (same sort values, same id)', () => {
    const sort = parseSort(['category.name', 'title']);
    const held = { id: 1, title: 'a', body: 'x', category: { name: 'n' } };
    expect(sameSortKey({ ...held, body: 'y' }, held, sort)).toBe(true);
    expect(sameSortKey({ ...held, title: 'A' }, held, sort)).toBe(false);
    expect(sameSortKey({ ...held, category: { name: 'n', slug: 's' } }, held, sort)).toBe(true);
    expect(sameSortKey({ ...held, category: null }, held, sort)).toBe(false);
    expect(sameSortKey({ ...held, id: 7 }, held, sort)).toBe(false); // re-published: a new id, which breaks ties
  });
});

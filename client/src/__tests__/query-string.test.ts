import qs from 'qs';
import { describe, expect, it } from 'vitest';
import { restQueryString } from '../query-string';

/** What Strapi's docs use, and what the SDK used before it wrote its own encoder. */
const reference = (params: Record<string, unknown>) => qs.stringify(params, { encodeValuesOnly: true });

const SHAPES: [string, Record<string, unknown>][] = [
  ['nothing', {}],
  ['a plain filter', { filters: { title: { $eq: 'Hello' } } }],
  ['a sort list and pagination', { sort: ['title:asc', 'publishedAt:desc'], pagination: { page: 2, pageSize: 25 } }],
  ['a sort string', { sort: 'title:desc' }],
  [
    'nested $and / $or arrays',
    {
      filters: {
        $and: [
          { $or: [{ title: { $containsi: 'live' } }, { body: { $notNull: true } }] },
          { category: { slug: { $in: ['news', 'tutorials'] } } },
          { $not: { title: { $startsWith: 'Draft' } } },
        ],
      },
    },
  ],
  ['populate as a list', { populate: ['category', 'author.avatar'] }],
  ['populate *', { populate: '*' }],
  [
    'a populate object with nested options',
    {
      populate: {
        category: { fields: ['name', 'slug'], populate: { parent: true } },
        comments: { filters: { approved: { $eq: true } }, sort: ['createdAt:desc'], populate: '*' },
        blocks: { on: { 'shared.hero': { populate: ['image'] }, 'shared.quote': true } },
      },
    },
  ],
  ['fields, status and locale', { fields: ['title', 'slug'], status: 'draft', locale: 'fr-FR' }],
  ['special characters', { filters: { title: { $eq: "a&b=c?d#e/f+g h%i,j;k:l@m$n!o'p(q)r*s~t_u.v-w[x]y{z}|\\^`\"<>" } } }],
  ['unicode', { filters: { title: { $in: ['café', 'Straße', 'Привет', '日本語', '😀 emoji', 'naïve\u00a0space', 'e\u0301'] } } }],
  ['numbers, booleans, bigint and null', { filters: { n: { $gt: 0, $lt: -1.5, $eq: 1e21, $ne: -0 }, b: { $eq: false, $ne: true }, big: { $eq: 12345678901234567890n }, c: { $null: null } } }],
  ['NaN and Infinity', { a: NaN, b: Infinity, c: -Infinity }],
  ['empty strings', { filters: { title: { $eq: '' } }, locale: '' }],
  ['empty arrays and objects', { filters: {}, sort: [], populate: { category: {} }, fields: [[]], nested: { a: [], b: {} } }],
  ['undefined anywhere', { a: undefined, filters: { title: { $eq: undefined, $ne: 'x' } }, sort: [undefined, 'title'] }],
  ['a Date', { filters: { publishedAt: { $gt: new Date(Date.UTC(2026, 10, 30, 12, 0, 0, 5)) } } }],
  ['arrays of arrays', { a: [['x', 'y'], [['z']]] }],
  ['numeric-looking and odd keys', { filters: { '10': 'x', '2': 'y', 'a.b': 'z', 'with space': 'w', $eq: 'top' } }],
  ['a sparse array', { sort: Object.assign(new Array(3), { 2: 'title' }) }],
  ['a shared (not cyclic) object twice', (() => {
    const shared = { $eq: 'x' };
    return { filters: { title: shared, slug: shared } };
  })()],
];

describe('restQueryString, the bracket syntax of Strapi REST queries', () => {
  it.each(SHAPES)('writes %s exactly as qs.stringify(params, { encodeValuesOnly: true })', (_name, params) => {
    expect(restQueryString(params)).toBe(reference(params));
  });

  it('writes the bracket syntax Strapi documents', () => {
    expect(restQueryString({ filters: { title: { $eq: 'a b' } }, sort: ['title:asc'], pagination: { page: 1, pageSize: 10 } })).toBe(
      'filters[title][$eq]=a%20b&sort[0]=title%3Aasc&pagination[page]=1&pagination[pageSize]=10',
    );
  });

  it('reads back as the same object through qs.parse (what Strapi parses queries with)', () => {
    const params = { filters: { $or: [{ title: { $eq: 'x&y' } }, { title: { $in: ['é', '?'] } }] }, populate: { category: { fields: ['name'] } } };
    expect(qs.parse(restQueryString(params))).toEqual(params);
  });

  it('throws on a cyclic object, as qs does', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => reference({ filters: cyclic })).toThrow(RangeError);
    expect(() => restQueryString({ filters: cyclic })).toThrow(RangeError);
  });

  it('writes a lone surrogate as U+FFFD instead of throwing', () => {
    expect(restQueryString({ a: 'x\ud800y' })).toBe('a=x%EF%BF%BDy');
  });

  it('agrees with qs on 2,000 random nested queries', () => {
    // A seeded generator (mulberry32): every run checks the same shapes.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const KEYS = ['title', 'slug', 'category', '$eq', '$ne', '$in', '$and', '$or', '$not', '$containsi', '$null', 'populate', 'fields', 'on', 'shared.hero', '0', '12'];
    const STRINGS = ['', 'a', 'Hello World', 'a&b=c', '100%', 'x+y', '#hash', 'é', '日本', '🚀', "it's (a) *test*!", '[1]', 'a,b;c', '~_.-'];
    const leaf = (): unknown =>
      pick<() => unknown>([
        () => pick(STRINGS),
        () => Math.floor(random() * 2000) - 1000,
        () => random() * 10,
        () => random() < 0.5,
        () => null,
        () => undefined,
        () => new Date(Math.floor(random() * 2e12)),
      ])();
    const node = (depth: number): unknown => {
      const roll = random();
      if (depth >= 4 || roll < 0.35) return leaf();
      const size = Math.floor(random() * 4);
      if (roll < 0.65) return Array.from({ length: size }, () => node(depth + 1));
      return Object.fromEntries(Array.from({ length: size }, () => [pick(KEYS), node(depth + 1)]));
    };
    for (let i = 0; i < 2000; i += 1) {
      const params = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(['filters', 'sort', 'populate', 'fields', 'pagination', 'status', 'locale']), node(1)]));
      expect(restQueryString(params), JSON.stringify(params)).toBe(reference(params));
    }
  });
});

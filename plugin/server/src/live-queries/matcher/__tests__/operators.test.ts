import { describe, expect, it } from 'vitest';
import type { Dialect } from '../../model-info';
import { compileFilter } from '../index';
import { models } from './models.fixture';

const ARTICLE = 'api::article.article';
const THING = 'api::thing.thing';

const verdict = (filters: Record<string, unknown>, state: Record<string, unknown>, dialect: Dialect = 'sqlite', uid = ARTICLE) =>
  compileFilter(filters, uid, models, dialect).matches({ id: 1, documentId: 'd1', ...state });
const both = (filters: Record<string, unknown>, state: Record<string, unknown>, uid = ARTICLE) => [verdict(filters, state, 'sqlite', uid), verdict(filters, state, 'postgres', uid)];

describe('string operators', () => {
  it('compares $eq exactly and case-sensitively on both databases', () => {
    expect(both({ title: { $eq: 'Alpha' } }, { title: 'Alpha' })).toEqual([true, true]);
    expect(both({ title: { $eq: 'Alpha' } }, { title: 'alpha' })).toEqual([false, false]);
    expect(both({ title: 'École' }, { title: 'École' })).toEqual([true, true]);
  });

  it('ignores ASCII case in $contains on SQLite, whose LIKE folds A-Z only, and not on PostgreSQL', () => {
    expect(both({ title: { $contains: 'ALP' } }, { title: 'alpha' })).toEqual([true, false]);
    expect(both({ title: { $contains: 'éCOLE' } }, { title: 'École' })).toEqual([false, false]);
    expect(both({ title: { $startsWith: 'a' } }, { title: 'Alpha' })).toEqual([true, false]);
    expect(both({ title: { $endsWith: 'HA' } }, { title: 'Alpha' })).toEqual([true, false]);
  });

  it('folds only ASCII in the case-insensitive operators on SQLite, and leaves non-ASCII ones to PostgreSQL', () => {
    expect(both({ title: { $eqi: 'ALPHA' } }, { title: 'alpha' })).toEqual([true, true]);
    expect(both({ title: { $eqi: 'école' } }, { title: 'École' })).toEqual([false, undefined]);
    expect(both({ title: { $containsi: 'STRASSE' } }, { title: 'straße' })).toEqual([false, undefined]);
    expect(both({ title: { $nei: 'ALPHA' } }, { title: 'alpha' })).toEqual([false, false]);
  });

  it('matches LIKE wildcards and backslashes in values literally', () => {
    expect(both({ title: { $contains: '50%' } }, { title: '500' })).toEqual([false, false]);
    expect(both({ title: { $contains: '50%' } }, { title: 'only 50% off' })).toEqual([true, true]);
    expect(both({ title: { $startsWith: 'a_' } }, { title: 'ab' })).toEqual([false, false]);
    expect(both({ title: { $endsWith: '\\' } }, { title: 'back\\' })).toEqual([true, true]);
  });

  it('looks for the text "null" when $contains is given null, as the template string does', () => {
    expect(both({ title: { $contains: null } }, { title: 'a null here' })).toEqual([true, true]);
    expect(both({ title: { $eqi: null } }, { title: null })).toEqual([true, true]);
  });

  it('orders strings by code point on SQLite and leaves string order to PostgreSQL collations', () => {
    expect(verdict({ title: { $lt: 'a' } }, { title: 'Z' })).toBe(true);
    expect(verdict({ title: { $gt: '\uffff' } }, { title: '𝔘' })).toBe(true);
    expect(verdict({ title: { $between: ['a', 'c'] } }, { title: 'b' })).toBe(true);
    expect(verdict({ title: { $lt: 'a' } }, { title: 'Z' }, 'postgres')).toBeUndefined();
    expect(verdict({ title: { $lt: 'a' } }, { title: null }, 'postgres')).toBe(false);
  });

  it('casts non-string values to strings on string attributes', () => {
    expect(both({ title: 5 }, { title: '5' })).toEqual([true, true]);
    expect(both({ title: { $in: [true, 7] } }, { title: 'true' })).toEqual([true, true]);
  });

  it('leaves values with a lone surrogate to the database, which receives U+FFFD', () => {
    expect(verdict({ title: { $contains: '\udf89' } }, { title: '🎉' })).toBeUndefined();
  });
});

describe('NULL, lists and empty conditions', () => {
  it('never matches NULL with $ne, $nei or $notContains, as SQL does', () => {
    expect(both({ body: { $ne: 'x' } }, { body: null })).toEqual([false, false]);
    expect(both({ body: { $nei: 'x' } }, { body: null })).toEqual([false, false]);
    expect(both({ body: { $notContains: 'x' } }, { body: null })).toEqual([false, false]);
    expect(both({ body: { $ne: 'x' } }, { body: 'y' })).toEqual([true, true]);
  });

  it('turns $eq: null into IS NULL and $ne: null into IS NOT NULL', () => {
    expect(both({ body: { $eq: null } }, { body: null })).toEqual([true, true]);
    expect(both({ body: null }, { body: null })).toEqual([true, true]);
    expect(both({ body: { $ne: null } }, { body: '' })).toEqual([true, true]);
  });

  it('skips NULL under $not, because NOT NULL is NULL', () => {
    expect(both({ $not: { body: 'x' } }, { body: null })).toEqual([false, false]);
    expect(both({ body: { $not: { $eq: 'x' } } }, { body: null })).toEqual([false, false]);
    expect(both({ $not: { body: { $null: true } } }, { body: 'y' })).toEqual([true, true]);
  });

  it('never matches other values with a NULL in $in, and nothing with a NULL in $notIn', () => {
    expect(both({ body: { $in: ['a', null] } }, { body: 'a' })).toEqual([true, true]);
    expect(both({ body: { $in: ['a', null] } }, { body: null })).toEqual([false, false]);
    expect(both({ body: { $notIn: ['a', null] } }, { body: 'b' })).toEqual([false, false]);
    expect(both({ body: { $notIn: ['a'] } }, { body: null })).toEqual([false, false]);
  });

  it('matches nothing with an empty $in and everything, NULL included, with an empty $notIn', () => {
    expect(both({ body: { $in: [] } }, { body: 'a' })).toEqual([false, false]);
    expect(both({ body: { $notIn: [] } }, { body: null })).toEqual([true, true]);
    expect(both({ body: [] }, { body: 'a' })).toEqual([false, false]);
  });

  it('reads a list on a one-value operator as "any of them", and an empty list as no condition', () => {
    expect(both({ title: { $eq: ['a', 'b'] } }, { title: 'b' })).toEqual([true, true]);
    expect(both({ title: { $contains: ['x', 'lph'] } }, { title: 'alpha' })).toEqual([true, true]);
    expect(both({ title: { $eq: [] } }, { title: 'b' })).toEqual([true, true]);
    expect(both({ $or: [{ title: 'zz' }, { title: { $eq: [] } }] }, { title: 'b' })).toEqual([false, false]);
  });

  it('treats an empty $or or $and as no condition, as knex drops empty groups', () => {
    expect(both({ $or: [] }, { title: 'a' })).toEqual([true, true]);
    expect(both({ $and: [], title: 'b' }, { title: 'a' })).toEqual([false, false]);
  });

  it('includes both bounds in $between and matches nothing when they are reversed', () => {
    expect(both({ createdAt: { $between: ['2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z'] } }, { createdAt: '2024-01-02T00:00:00.000Z' })).toEqual([true, true]);
    expect(both({ id: { $between: [5, 1] } }, { id: 3 })).toEqual([false, false]);
  });
});

describe('other attribute kinds', () => {
  it('casts strings to numbers as Strapi does, and leaves what Strapi or the database rejects to the database', () => {
    expect(both({ count: '5' }, { count: 5 }, THING)).toEqual([true, true]);
    expect(both({ count: ' 1e1 ' }, { count: 10 }, THING)).toEqual([true, true]);
    expect(both({ count: 'abc' }, { count: 5 }, THING)).toEqual([undefined, undefined]);
    expect(both({ count: { $lt: 5.5 } }, { count: 5 }, THING)).toEqual([true, undefined]);
    expect(both({ count: { $contains: '5' } }, { count: 15 }, THING)).toEqual([true, undefined]);
    expect(both({ count: { $containsi: '5' } }, { count: 15 }, THING)).toEqual([true, true]);
    expect(both({ ratio: { $contains: '5' } }, { ratio: 1.5 }, THING)).toEqual([undefined, undefined]);
  });

  it('compares ids as numbers without casting them, and leaves non-numeric ids to the database', () => {
    expect(both({ id: '1' }, {})).toEqual([true, true]);
    expect(both({ id: { $gt: 0 } }, {})).toEqual([true, true]);
    expect(both({ id: 'abc' }, {})).toEqual([undefined, undefined]);
    expect(both({ id: { $contains: '1' } }, {})).toEqual([true, undefined]);
  });

  it('compares big integers exactly, except values SQLite hands back rounded', () => {
    expect(both({ big: '9007199254740993' }, { big: '9007199254740993' }, THING)).toEqual([undefined, true]);
    expect(both({ big: { $gt: '10' } }, { big: '11' }, THING)).toEqual([true, true]);
    expect(both({ big: '9223372036854775808' }, { big: '1' }, THING)).toEqual([undefined, undefined]);
  });

  it('casts booleans as Strapi does and lower-cases them as each database prints them', () => {
    expect(both({ flag: 't' }, { flag: true }, THING)).toEqual([true, true]);
    expect(both({ flag: '0' }, { flag: false }, THING)).toEqual([true, true]);
    expect(both({ flag: 'yes' }, { flag: true }, THING)).toEqual([true, true]);
    expect(both({ flag: { $eqi: 'true' } }, { flag: true }, THING)).toEqual([false, true]);
    expect(both({ flag: { $eqi: '1' } }, { flag: true }, THING)).toEqual([true, false]);
  });

  it('compares datetimes as instants whatever ISO form the value takes', () => {
    const state = { moment: '2024-03-07T10:00:00.000Z' };
    expect(both({ moment: '2024-03-07T12:00:00+02:00' }, state, THING)).toEqual([true, true]);
    expect(both({ moment: { $gt: '2024-03-07T09:59:59.999Z' } }, state, THING)).toEqual([true, true]);
    expect(both({ moment: { $lt: '2024-03-08' } }, state, THING)).toEqual([true, true]);
    expect(both({ moment: 'last tuesday' }, state, THING)).toEqual([undefined, undefined]);
    expect(both({ stamp: '2024-03-07T10:00:00.000Z' }, { stamp: String(Date.parse('2024-03-07T10:00:00.000Z')) }, THING)).toEqual([true, true]);
    expect(both({ moment: { $contains: '2024' } }, state, THING)).toEqual([undefined, undefined]);
  });

  it('compares dates and times in the form Strapi stores them', () => {
    expect(both({ day: '2024-03-07T23:00:00Z' }, { day: '2024-03-07' }, THING)).toEqual([true, true]);
    expect(both({ day: { $lt: '2024-03-10' } }, { day: '2024-03-07' }, THING)).toEqual([true, true]);
    expect(both({ day: '2024-02-30' }, { day: '2024-03-01' }, THING)).toEqual([undefined, undefined]);
    expect(both({ clock: '10:00:00' }, { clock: '10:00:00.000' }, THING)).toEqual([true, true]);
    expect(both({ clock: '10:00:00' }, { clock: '10:00:00' }, THING)).toEqual([undefined, true]);
    expect(verdict({ clock: '10:00:00.5' }, { clock: '10:00:00.5' }, 'postgres', THING)).toBe(true);
    expect(both({ clock: '10:00' }, { clock: '10:00:00.000' }, THING)).toEqual([undefined, undefined]);
  });

  it('leaves json, components and MySQL to the database', () => {
    expect(compileFilter({ data: { $eq: 'x' } }, THING, models, 'sqlite').inMemory).toBe(false);
    expect(compileFilter({ parts: { name: 'x' } }, THING, models, 'sqlite').inMemory).toBe(false);
    expect(compileFilter({ label: 'x' }, THING, models, 'mysql').inMemory).toBe(false);
  });

  it('drops unknown keys and password filters as the Document Service does', () => {
    expect(both({ nope: 'x', title: 'a' }, { title: 'a' })).toEqual([true, true]);
    expect(both({ secret: 'x' }, { label: 'a' }, THING)).toEqual([true, true]);
    expect(both({ title: { toString: 'x' } }, { title: 'a' })).toEqual([true, true]);
  });

  it('leaves filters Strapi rejects to the database', () => {
    for (const filters of [{ $eq: 'x' }, { title: { $eq: 'x', $or: ['y'] } }, { title: { $between: ['a'] } }, { title: { $eq: { $eq: 'x' } } }, { category: { name: 'x', $or: [] } }]) {
      expect(compileFilter(filters, ARTICLE, models, 'sqlite').inMemory, JSON.stringify(filters)).toBe(false);
    }
  });

  it('answers undefined for a state that lacks an attribute the filter reads', () => {
    expect(verdict({ body: 'x' }, { title: 'a' })).toBeUndefined();
    expect(verdict({ $or: [{ body: 'x' }, { title: 'a' }] }, { title: 'a' })).toBe(true);
  });
});

describe('compiled filters', () => {
  it('evaluate in microseconds', () => {
    const compiled = compileFilter(
      { $or: [{ title: { $containsi: 'alp' } }, { category: { slug: { $in: ['a', 'b'] } } }], body: { $notNull: true } },
      ARTICLE,
      models,
      'sqlite',
    );
    const state = { id: 1, documentId: 'd', title: 'Beta', body: 'x', category: { id: 2, documentId: 'c', slug: 'b' } };
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) compiled.matches(state);
    const micros = ((performance.now() - started) * 1000) / 100_000;
    expect(compiled.matches(state)).toBe(true);
    expect(micros).toBeLessThan(10);
  });
});

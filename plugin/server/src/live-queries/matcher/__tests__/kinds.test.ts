import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { kindOf, parseDate, parseDateTime, Undecidable } from '../kinds';
import { asciiLower, compareCodePoints, templateText } from '../text';
import { createRandom } from './differential/random';

const require = createRequire(import.meta.url);
// What Strapi's datetime field calls (date-fns 2).
const parseISO = require('date-fns/parseISO') as (value: string) => Date;

describe('value casts', () => {
  it('parses ISO date-times exactly as date-fns parseISO does, in UTC, with offsets and in local time', () => {
    const values = [
      '2024-03-07', '2024-03-07T10:00', '2024-03-07T10:00:05', '2024-03-07T10:00:05.1', '2024-03-07T10:00:05.123Z', '2024-03-07 10:00:05Z',
      '2024-03-07T10:00:05+02:00', '2024-03-07T10:00:05-0530', '2024-03-07T10:00:05+02', '2024-02-29T23:59:59.999Z', '2024-12-31T00:00:00.007-01:00',
    ];
    const zone = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
        process.env.TZ = tz;
        for (const value of values) expect(parseDateTime(value), `${value} in ${tz}`).toBe(parseISO(value).getTime());
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('leaves every other date-time form to the database', () => {
    for (const value of ['2024', '2024-W01', '2024-060', '20240307', '2023-02-29', '2024-03-07T24:00:00Z', '2024-03-07t10:00Z', '0999-01-01', 1709805600000]) {
      expect(() => parseDateTime(value), String(value)).toThrow(Undecidable);
    }
  });

  it('keeps the yyyy-MM-dd prefix of a date, as Strapi does, and rejects impossible dates', () => {
    expect(parseDate('2024-03-07')).toBe('2024-03-07');
    expect(parseDate('2024-03-07T23:00:00Z')).toBe('2024-03-07');
    expect(() => parseDate('2024-02-30')).toThrow(Undecidable);
    expect(() => parseDate(20240307)).toThrow(Undecidable);
  });

  it('casts like Strapi fields: strings as lodash toString, numbers as Number(), booleans from keywords', () => {
    expect(kindOf('string', 'sqlite')!.cast(-0)).toBe('-0');
    expect(kindOf('integer', 'sqlite')!.cast(' 0x10 ')).toBe(16);
    expect(() => kindOf('integer', 'sqlite')!.cast('')).toThrow(Undecidable);
    expect(() => kindOf('integer', 'postgres')!.cast(2147483648)).toThrow(Undecidable);
    expect(kindOf('boolean', 'sqlite')!.cast('f')).toBe(0);
    expect(kindOf('boolean', 'sqlite')!.cast('no')).toBe(1);
    expect(kindOf('time', 'sqlite')!.cast('10:00:00.5')).toBe(36_000_500);
    expect(kindOf('biginteger', 'postgres')!.cast(' 0012 ')).toBe(12n);
  });

  it('has no kind for json, blocks, or anything on MySQL', () => {
    expect(kindOf('json', 'sqlite')).toBeUndefined();
    expect(kindOf('blocks', 'postgres')).toBeUndefined();
    expect(kindOf('string', 'mysql')).toBeUndefined();
  });
});

describe('text as the databases see it', () => {
  it('lower-cases ASCII letters only, like SQLite', () => {
    expect(asciiLower('ÉCOLE Straße İ')).toBe('École straße İ');
  });

  it('orders strings by code point, like memcmp over UTF-8', () => {
    const random = createRandom(7);
    const alphabet = ['a', 'B', 'é', '\uffff', '\ue000', '𝔘', '🎉', '中', ' ', 'z'];
    for (let i = 0; i < 2000; i++) {
      const a = Array.from({ length: random.int(4) }, () => random.pick(alphabet)).join('');
      const b = Array.from({ length: random.int(4) }, () => random.pick(alphabet)).join('');
      expect(Math.sign(compareCodePoints(a, b)), `${a} ${b}`).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
    }
  });

  it('interpolates values as a template string does, refusing objects and broken UTF-16', () => {
    expect(templateText(null)).toBe('null');
    expect(templateText(-0)).toBe('0');
    expect(templateText({})).toBeUndefined();
    expect(templateText('\ud83c')).toBeUndefined();
  });
});

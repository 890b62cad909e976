/**
 * How each attribute type's values are cast, stored and compared, per database: the part of the
 * matcher that must agree with Strapi's `fields/*.toDB` (which runs on the values of `$eq`, `$ne`,
 * `$lt`..., `$in`, `$notIn`, `$between`, `$not` and implicit equality) and with what SQLite and
 * PostgreSQL then do with the bound parameter. Where the outcome depends on something we do not see
 * (a collation, how the server prints a float, a value Strapi would reject), the answer is
 * "undecidable": `cast` throws {@link Undecidable} (the whole filter goes to the database, which may
 * well reject it), a reader returns undefined (this one document goes to the database).
 */
import type { Dialect } from '../model-info';
import { compareCodePoints, isWellFormed } from './text';

/** Thrown while compiling: this filter cannot be evaluated in memory; the database decides. */
export class Undecidable extends Error {}

export type Comparable = string | number | bigint;

export interface Kind {
  readonly type: string;
  /** Strapi's `toDB` for cast operators (null excluded), as the database compares the result. */
  cast(raw: unknown): Comparable;
  /** A state value (as `fromDB` returned it, null excluded); undefined when not in the expected form. */
  read(value: unknown): Comparable | undefined;
  /** Order on this dialect; undefined when it depends on the database (a collation). */
  readonly compare: ((a: Comparable, b: Comparable) => number) | undefined;
  /** The text `column LIKE ?` compares; null when that SQL fails on this dialect; a reader returning undefined when we cannot tell. */
  readonly likeText: ((value: unknown) => string | undefined) | null;
  /** The text Strapi's `LOWER(column)` (PostgreSQL: `LOWER(CAST(column AS VARCHAR))`) lowers. */
  readonly lowerText: (value: unknown) => string | undefined;
  /** A string that is equal for two values exactly when the database finds them equal. */
  key(value: Comparable): string;
  /**
   * Whether `read` (and, where not null, `likeText` and `lowerText`) gives an answer for every
   * non-null value Strapi reads from the database: then only the filter's structure can leave a
   * state undecided (see `CompiledFilter.decisive`).
   */
  readonly total: boolean;
}

const undecidable = (why: string): never => {
  throw new Undecidable(why);
};
const unknownText = (): undefined => undefined;
const numeric = (a: Comparable, b: Comparable) => (a < b ? -1 : a > b ? 1 : 0);
const INT4 = 2147483647;
const INT8_MAX = 2n ** 63n - 1n;
const INT8_MIN = -(2n ** 63n);

/** lodash `toString`, which Strapi's string field applies. */
function lodashToString(raw: unknown): string {
  if (typeof raw === 'string') return isWellFormed(raw) ? raw : undecidable('a lone surrogate reaches the database as U+FFFD');
  if (typeof raw === 'number') return Object.is(raw, -0) ? '-0' : `${raw}`;
  if (typeof raw === 'boolean' || typeof raw === 'bigint') return `${raw}`;
  return undecidable(`cannot cast ${typeof raw} to a string`);
}

/** Strapi's NumberField.toDB. */
function toNumber(raw: unknown): number {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undecidable('not a finite number');
  if (typeof raw === 'string') {
    const trimmed = raw.trim();
    const value = trimmed.length === 0 ? NaN : Number(trimmed);
    return Number.isFinite(value) ? value : undecidable(`"${raw}" is not a number`);
  }
  return undecidable(`${typeof raw} is not a number`);
}

const string = (dialect: Dialect): Kind => ({
  type: 'string',
  total: true,
  cast: lodashToString,
  read: (value) => (typeof value === 'string' ? value : undefined),
  // PostgreSQL orders text by the column's collation, which production databases set linguistically.
  compare: dialect === 'sqlite' ? (a, b) => compareCodePoints(a as string, b as string) : undefined,
  likeText: (value) => (typeof value === 'string' ? value : undefined),
  lowerText: (value) => (typeof value === 'string' ? value : undefined),
  key: (value) => `s:${value as string}`,
});

const integerText = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? `${value}` : undefined);

/** `id` (Strapi's `increments`): not cast at all; the database coerces (SQLite) or rejects (PostgreSQL). */
const id = (dialect: Dialect): Kind => ({
  type: 'increments',
  total: true,
  cast(raw) {
    let value: number | undefined;
    if (typeof raw === 'number' && Number.isSafeInteger(raw)) value = raw;
    else if (typeof raw === 'string' && /^-?\d{1,15}$/.test(raw)) value = Number(raw);
    // SQLite compares an integer with other text as smaller than any text; PostgreSQL throws.
    if (value === undefined) return undecidable(`${JSON.stringify(raw)} is not an id`);
    if (dialect === 'postgres' && Math.abs(value) > INT4) return undecidable('id out of range');
    return value;
  },
  read: (value) => (typeof value === 'number' ? value : undefined),
  compare: numeric,
  likeText: dialect === 'sqlite' ? integerText : null,
  lowerText: integerText,
  key: (value) => `n:${value as number}`,
});

const integer = (dialect: Dialect): Kind => ({
  ...id(dialect),
  type: 'integer',
  cast(raw) {
    const value = toNumber(raw);
    // PostgreSQL reads the parameter as an int4: a fraction or an overflow is an error.
    if (dialect === 'postgres' && (!Number.isInteger(value) || Math.abs(value) > INT4)) return undecidable('not an int4');
    return value;
  },
});

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * better-sqlite3 returns SQLite integers as JavaScript numbers, so a biginteger beyond 2^53 comes
 * back rounded (9007199254740993 reads 9007199254740992): such state values are not trusted there.
 */
function readBigInteger(value: unknown, dialect: Dialect): bigint | undefined {
  let result: bigint | undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) result = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value)) result = BigInt(value);
  if (result !== undefined && dialect === 'sqlite' && (result >= SAFE || result <= -SAFE)) return undefined;
  return result;
}

const biginteger = (dialect: Dialect): Kind => ({
  type: 'biginteger',
  total: false,
  cast(raw) {
    let text: string | undefined;
    if (typeof raw === 'number' && Number.isSafeInteger(raw)) text = `${raw}`;
    else if (typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim())) text = raw.trim();
    if (text === undefined) return undecidable(`${JSON.stringify(raw)} is not a big integer`);
    const value = BigInt(text);
    return value > INT8_MAX || value < INT8_MIN ? undecidable('not an int8') : value;
  },
  read: (value) => readBigInteger(value, dialect),
  compare: numeric,
  likeText: dialect === 'sqlite' ? (value) => readBigInteger(value, dialect)?.toString() : null,
  lowerText: (value) => readBigInteger(value, dialect)?.toString(),
  key: (value) => `n:${(value as bigint).toString()}`,
});

/** float (double precision / REAL) and decimal (numeric(10,2) / NUMERIC): compared as numbers, never as text. */
const real = (dialect: Dialect, type: string): Kind => ({
  type,
  total: false,
  cast: toNumber,
  read: (value) => (typeof value === 'number' ? value : undefined),
  compare: numeric,
  // Both databases print floats their own way ('1.0e+20', '5.10'): text operators go to the database.
  likeText: dialect === 'sqlite' ? unknownText : null,
  lowerText: unknownText,
  key: (value) => `n:${value as number}`,
});

const TRUTHY: readonly unknown[] = ['true', 't', '1', 1];
const FALSY: readonly unknown[] = ['false', 'f', '0', 0];

const boolean = (dialect: Dialect): Kind => ({
  type: 'boolean',
  total: true,
  // Strapi's BooleanField.toDB; SQLite then stores and compares 1/0.
  cast: (raw) => (typeof raw === 'boolean' ? Number(raw) : TRUTHY.includes(raw) ? 1 : FALSY.includes(raw) ? 0 : Number(Boolean(raw))),
  read: (value) => (typeof value === 'boolean' ? Number(value) : undefined),
  compare: numeric,
  likeText: dialect === 'sqlite' ? (value) => (typeof value === 'boolean' ? (value ? '1' : '0') : undefined) : null,
  lowerText: (value) => (typeof value !== 'boolean' ? undefined : dialect === 'sqlite' ? (value ? '1' : '0') : `${value}`),
  key: (value) => `b:${value as number}`,
});

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d{1,3})?))?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DAYS_IN_MONTH = [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 400 === 0 || (year % 4 === 0 && year % 100 !== 0);
const validDay = (year: number, month: number, day: number) =>
  month >= 1 && month <= 12 && day >= 1 && day <= (DAYS_IN_MONTH[month - 1] || (isLeapYear(year) ? 29 : 28));

/**
 * date-fns 2 `parseISO`, which Strapi's datetime and timestamp fields use, for the ISO forms people
 * send (`2024-05-01`, `2024-05-01T10:00:00.000Z`, with or without an offset); the other forms it
 * accepts (week dates, ordinal dates, epoch milliseconds) are left to the database.
 */
export function parseDateTime(raw: unknown): number {
  const match = typeof raw === 'string' ? DATE_TIME.exec(raw) : null;
  if (!match) return undecidable(`${JSON.stringify(raw)} is not an ISO date-time`);
  const [, y, mo, d, h, mi, s, zone] = match as unknown as string[];
  const year = Number(y);
  // PostgreSQL has no year 0, and node-pg writes dates before 1000 in a form we do not reproduce.
  if (year < 1000 || !validDay(year, Number(mo), Number(d))) return undecidable('date out of range');
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) >= 60))) return undecidable('time out of range');
  const date = new Date(0);
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  // The same float arithmetic as date-fns, so fractional seconds round the same way.
  const time = h === undefined ? 0 : parseFloat(h) * 3600000 + parseFloat(mi!) * 60000 + (s === undefined ? 0 : parseFloat(s) * 1000);
  if (zone !== undefined) {
    let offset = 0;
    if (zone !== 'Z') {
      const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
      if (minutes !== undefined && Number(minutes) > 59) return undecidable('bad offset');
      offset = (sign === '+' ? -1 : 1) * (Number(hours) * 3600000 + (minutes ? Number(minutes) : 0) * 60000);
    }
    return new Date(date.getTime() + time + offset).getTime();
  }
  // No offset: local time, as date-fns does.
  const dirty = new Date(date.getTime() + time);
  const result = new Date(0);
  result.setFullYear(dirty.getUTCFullYear(), dirty.getUTCMonth(), dirty.getUTCDate());
  result.setHours(dirty.getUTCHours(), dirty.getUTCMinutes(), dirty.getUTCSeconds(), dirty.getUTCMilliseconds());
  return result.getTime();
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const datetime = (dialect: Dialect, type: 'datetime' | 'timestamp'): Kind => ({
  total: false,
  type,
  cast: parseDateTime,
  read(value) {
    // datetime: `toISOString()`; timestamp: epoch milliseconds as a string.
    if (type === 'datetime') return typeof value === 'string' && ISO_UTC.test(value) ? Date.parse(value) : undefined;
    return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined;
  },
  compare: numeric,
  likeText: dialect === 'sqlite' ? unknownText : null,
  lowerText: unknownText,
  key: (value) => `d:${value as number}`,
});

const DATE_PREFIX = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Strapi's `parseDate`: the yyyy-MM-dd prefix of a string, if it is a real date. */
export function parseDate(raw: unknown): string {
  const prefix = typeof raw === 'string' ? DATE_PREFIX.exec(raw)?.[0] : undefined;
  if (prefix === undefined) return undecidable(`${JSON.stringify(raw)} is not a date`);
  const [year, month, day] = prefix.split('-').map(Number) as [number, number, number];
  return validDay(year, month, day) ? prefix : undecidable('invalid date');
}

const date = (dialect: Dialect): Kind => ({
  type: 'date',
  total: false,
  cast: parseDate,
  read: (value) => (typeof value === 'string' && DATE_ONLY.test(value) ? value : undefined),
  compare: numeric,
  likeText: dialect === 'sqlite' ? (value) => (typeof value === 'string' ? value : undefined) : null,
  // PostgreSQL prints a date by its DateStyle.
  lowerText: dialect === 'sqlite' ? (value) => (typeof value === 'string' ? value : undefined) : unknownText,
  key: (value) => `D:${value as string}`,
});

const TIME = /^(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]{1,3})?$/;
const CANONICAL_TIME = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})$/;
const POSTGRES_TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const millisOfDay = (h: string, m: string, s: string, fraction = '') =>
  Number(h) * 3600000 + Number(m) * 60000 + Number(s) * 1000 + Number(fraction.padEnd(6, '0')) / 1000;

const time = (dialect: Dialect): Kind => ({
  type: 'time',
  total: false,
  // Strapi's parseTime gives HH:mm:ss.SSS; SQLite compares that text, PostgreSQL a time(3).
  cast(raw) {
    const match = typeof raw === 'string' ? TIME.exec(raw) : null;
    if (!match) return undecidable(`${JSON.stringify(raw)} is not a time`);
    return millisOfDay(match[1]!, match[2]!, match[3]!, (match[4] ?? '.').slice(1).padEnd(3, '0'));
  },
  read(value) {
    const match = typeof value === 'string' ? (dialect === 'sqlite' ? CANONICAL_TIME : POSTGRES_TIME).exec(value) : null;
    return match ? millisOfDay(match[1]!, match[2]!, match[3]!, match[4]) : undefined;
  },
  compare: numeric,
  likeText: dialect === 'sqlite' ? (value) => (typeof value === 'string' && CANONICAL_TIME.test(value) ? value : undefined) : null,
  lowerText: dialect === 'sqlite' ? (value) => (typeof value === 'string' && CANONICAL_TIME.test(value) ? value : undefined) : unknownText,
  key: (value) => `t:${value as number}`,
});

const STRING_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'enumeration', 'password']);

/** Builds the kind of an attribute type on a dialect (see {@link kindOf}). */
function createKind(type: string, dialect: Dialect): Kind | undefined {
  if (dialect !== 'sqlite' && dialect !== 'postgres') return undefined;
  if (STRING_TYPES.has(type)) return string(dialect);
  switch (type) {
    case 'increments':
      return id(dialect);
    case 'integer':
      return integer(dialect);
    case 'biginteger':
      return biginteger(dialect);
    case 'float':
    case 'decimal':
      return real(dialect, type);
    case 'boolean':
      return boolean(dialect);
    case 'datetime':
    case 'timestamp':
      return datetime(dialect, type);
    case 'date':
      return date(dialect);
    case 'time':
      return time(dialect);
    default:
      return undefined;
  }
}

/** Kinds are stateless: one per dialect and type, shared by every compiled filter. */
const KINDS = new Map<string, Kind | undefined>();

/**
 * The kind of an attribute type on a dialect; undefined when the matcher does not model it (json,
 * blocks, and every type on MySQL, whose default collation ignores case).
 */
export function kindOf(type: string, dialect: Dialect): Kind | undefined {
  const key = `${dialect}\u0000${type}`;
  if (KINDS.has(key)) return KINDS.get(key);
  const kind = createKind(type, dialect);
  // Types are the models' attribute types: a bounded set, but do not let odd input grow it forever.
  if (KINDS.size < 1000) KINDS.set(key, kind);
  return kind;
}

/**
 * Kinds for index keys, which must not depend on the dialect: PostgreSQL's reader accepts every
 * form either database returns.
 */
export const keyKindOf = (type: string): Kind | undefined => kindOf(type, 'postgres');

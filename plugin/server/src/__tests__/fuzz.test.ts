import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MockInstance } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Socket } from 'socket.io-client';
import type { ErrorCode } from '@strapi-live/client/protocol';
import { bootExampleApp, connect, contentEvents, createApiToken, createRandom, createUser, record, settle, useExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp, Random } from 'example-strapi-app/testing';

/**
 * A fuzz of every message a client may send (`subscribe-entity`, `unsubscribe-entity`,
 * `subscribe`, `unsubscribe`, `io:ping`), of unknown event names and of what is not a Socket.IO
 * message at all: wrong types, huge strings, deep nesting, `__proto__` keys, binary attachments,
 * operators in the wrong places, bursts, several principals in parallel. Every message sent with an
 * acknowledgement is answered `{ success: true, ... }` or `{ success: false, error: { code, message } }`
 * (a code of the protocol, a short message, no stack); a failure sent without one comes back as
 * `io:error`; unknown events are ignored; nothing crashes, rejects unhandled or floods the log, and
 * live queries and memory come back to their level once the sockets are gone.
 *
 * Replay a run with the seed it prints: `FUZZ_SEED=<seed> npx vitest run --project plugin <this file>`
 * (FUZZ_MESSAGES changes how many messages are generated, FUZZ_ACK_TIMEOUT how long an answer may take).
 */

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const COMMENT = 'api::comment.comment';
const TYPES = [ARTICLE, CATEGORY, COMMENT];

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : 0x5eed2026;
/** Generated messages of the main run (each one sent without an ack is sent again with one; checkpoints come on top). */
const MESSAGES = process.env.FUZZ_MESSAGES ? Number(process.env.FUZZ_MESSAGES) : 10_000;
/** Socket.IO's default `maxHttpBufferSize`: the largest WebSocket frame a server accepts. */
const MAX_FRAME = 1_000_000;
/** What one generated message may weigh (its frames stay under MAX_FRAME whatever it holds). */
const MESSAGE_BUDGET = 960_000;
const ACK_TIMEOUT_MS = Number(process.env.FUZZ_ACK_TIMEOUT ?? 30_000);

const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'UNKNOWN_CONTENT_TYPE',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_QUERY',
  'UNAUTHORIZED',
  'DISCONNECTED',
  'LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
] as const satisfies readonly ErrorCode[];
// Every code of the protocol is in the list (a new one fails to compile here).
const everyCode: Exclude<ErrorCode, (typeof ERROR_CODES)[number]> extends never ? true : never = true;
void everyCode;
/** Codes whose answer does not depend on what the connection holds or on the database's rows. */
const STATELESS: readonly string[] = ['INVALID_PAYLOAD', 'INVALID_QUERY', 'UNKNOWN_CONTENT_TYPE', 'FORBIDDEN', 'UNAUTHORIZED'];
const KNOWN = ['subscribe-entity', 'unsubscribe-entity', 'subscribe', 'unsubscribe', 'io:ping'];

// ---------------------------------------------------------------------------------------------
// Process-wide watch: unhandled rejections and uncaught exceptions, from the first boot on.

const processFailures: string[] = [];
const onRejection = (reason: unknown) => processFailures.push(`unhandledRejection: ${(reason as Error)?.stack ?? String(reason)}`);
const onException = (error: Error) => processFailures.push(`uncaughtException: ${error?.stack ?? String(error)}`);
beforeAll(() => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
});
afterAll(() => {
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
});

// ---------------------------------------------------------------------------------------------
// Shapes of answers.

type Answer = { success: true; [key: string]: unknown } | { success: false; error: { code: string; message: string } };

/** Why an acknowledgement is not of the protocol's shape, or undefined when it is. */
function badAnswer(event: string, args: unknown[]): string | undefined {
  if (args.length !== 1) return `${args.length} arguments`;
  const answer = args[0] as Answer;
  if (typeof answer !== 'object' || answer === null) return `not an object: ${preview(answer)}`;
  if (answer.success === true) {
    const expected: Record<string, string[]> = {
      'subscribe-entity': ['documentId', 'success', 'uid'],
      'unsubscribe-entity': ['documentId', 'success', 'uid'],
      subscribe: ['id', 'order', 'rest', 'success', 'uid'],
      unsubscribe: ['id', 'success'],
      'io:ping': ['success', 'ts'],
    };
    const keys = Object.keys(answer).sort();
    if (expected[event] && keys.join() !== expected[event]!.join()) return `success with keys ${keys.join()}`;
    return undefined;
  }
  if (answer.success !== false) return `success is ${preview((answer as { success: unknown }).success)}`;
  if (Object.keys(answer).sort().join() !== 'error,success') return `failure with keys ${Object.keys(answer).join()}`;
  return badError(answer.error);
}

/** Why an `error` (of an ack or of `io:error`) is not `{ code, message }` as the protocol says. */
function badError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return `error is ${preview(error)}`;
  const { code, message } = error as { code: unknown; message: unknown };
  if (Object.keys(error).sort().join() !== 'code,message') return `error with keys ${Object.keys(error).join()}`;
  if (!(ERROR_CODES as readonly unknown[]).includes(code)) return `unknown code ${preview(code)}`;
  if (typeof message !== 'string' || message.length === 0) return `message ${preview(message)}`;
  if (message.length >= 600) return `a message of ${message.length} characters`;
  // A stack frame ("    at fn (/path/file.js:12:34)") or a server path. (Messages may quote a client's own key, newlines and all.)
  if (/\n\s*at [^\n]*:\d+:\d+|node_modules|\/work\/|\.[cm]?[jt]s:\d/.test(message)) return `a stack trace or path in the message: ${message.slice(0, 200)}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Short descriptions of payloads, for failure reports (never the payload itself: some weigh 1 MB).

function preview(value: unknown, depth = 0): string {
  const text = describeValue(value, depth);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function describeValue(value: unknown, depth: number): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return value.length > 60 ? `${JSON.stringify(value.slice(0, 40))}…(${value.length} chars)` : JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  if (Buffer.isBuffer(value) || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return `<binary ${(value as ArrayBuffer).byteLength}>`;
  if (depth > 4) return Array.isArray(value) ? '[…]' : '{…}';
  if (Array.isArray(value)) {
    const items = value.slice(0, 5).map((item) => describeValue(item, depth + 1));
    return `[${items.join(',')}${value.length > 5 ? `,…(${value.length} items)` : ''}]`;
  }
  const keys = Object.keys(value);
  const entries = keys.slice(0, 6).map((key) => `${JSON.stringify(key)}:${describeValue((value as Record<string, unknown>)[key], depth + 1)}`);
  return `{${entries.join(',')}${keys.length > 6 ? `,…(${keys.length} keys)` : ''}}`;
}

// ---------------------------------------------------------------------------------------------
// The generator. Everything it makes comes from the seeded Random, so a seed replays a run.

interface Fixtures {
  documentIds: string[];
  /** Row ids that stay put during the run (drafts, types without draft & publish) and ones that never exist. */
  rowIds: number[];
}

const WHERE_OPERATORS = [
  '$eq', '$eqi', '$ne', '$nei', '$lt', '$lte', '$gt', '$gte', '$in', '$notIn', '$contains', '$notContains', '$containsi',
  '$notContainsi', '$null', '$notNull', '$between', '$startsWith', '$startsWithi', '$endsWith', '$endsWithi', '$not', '$jsonSupersetOf',
];
const GROUP_OPERATORS = ['$and', '$or', '$not'];
const MADE_UP_OPERATORS = ['$regex', '$where', '$exists', '$like', '$raw', '$expr', '$elemMatch', '$size', '$', '$$', '$EQ', '$eq ', 'eq'];
const FIELDS: Record<string, { scalar: string[]; relations: Record<string, string>; hidden: string[] }> = {
  [ARTICLE]: {
    scalar: ['title', 'slug', 'body', 'id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'locale'],
    relations: { category: CATEGORY },
    hidden: ['internalNotes', 'createdBy', 'updatedBy', 'localizations', 'password'],
  },
  [CATEGORY]: {
    scalar: ['name', 'slug', 'id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt'],
    relations: { articles: ARTICLE },
    hidden: ['createdBy', 'updatedBy', 'password', 'localizations'],
  },
  [COMMENT]: {
    scalar: ['text', 'id', 'documentId', 'createdAt', 'updatedAt'],
    relations: { article: ARTICLE },
    hidden: ['createdBy', 'updatedBy', 'publishedAt'],
  },
};
const WEIRD_KEYS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'toJSON', 'then', 'length',
  '', ' ', '0', 'uid', 'id', 'filters', 'status', 'locale', 'nope', 'title.en', 'category.name', '$io:broadcast', '💥', '\u0000',
  'k'.repeat(3_000), 'line\nbreak',
];
const WEIRD_STRINGS = [
  '', ' ', '0', '1', '-1', '01', '1e3', '0x10', '9007199254740993', '99999999999999999999', 'NaN', 'Infinity', 'true', 'false',
  'null', 'undefined', '[]', '{}', '__proto__', 'constructor', 'prototype', 'toString', "' OR 1=1 --", '"; DROP TABLE articles; --',
  '%', '_', '%_%', '\\', '\\%', '.*', '(a+)+$', '$eq', '$or', '$io:broadcast:public', 'api::article.article', 'api::article',
  'article', 'api::article.article.find', 'plugin::users-permissions.user', 'admin::user', 'api::nope.nope', 'api::category.category',
  'api::comment.comment', 'API::ARTICLE.ARTICLE', ' api::article.article', '\u0000', 'api::article.article\u0000', 'é', '💥💥💥',
  '\ud800', '\udfff\ud800', 'ǅ', 'İ', 'ß', '\u202e', '<script>alert(1)</script>', '../../etc/passwd', '2024-01-01',
  '2024-13-45T99:99:99Z', '1970-01-01T00:00:00.000Z', 'T', 'en', 'fr-FR', 'zz', 'a'.repeat(64), 'a'.repeat(65), 'draft',
  'published', 'Published', 'DRAFT', 'Fuzz', 'fuzz', 'First', 'News',
];
const WEIRD_NUMBERS = [
  0, -0, 1, -1, 2, 3, 1.5, -1.5, 0.1, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, NaN, Infinity, -Infinity, 1e21, 123456789,
];
const HUGE_SIZES = [1_000, 10_000, 100_000, 500_000, 900_000];
const hugeStrings = new Map<string, string>();
function hugeString(size: number, unicode: boolean): string {
  const key = `${size}:${unicode}`;
  let text = hugeStrings.get(key);
  if (!text) {
    // Multi-byte text counts twice against the frame (UTF-8): half as many characters.
    text = unicode ? 'é💥'.repeat(Math.floor(size / 6)) : 'fuzz '.repeat(Math.ceil(size / 5)).slice(0, size);
    hugeStrings.set(key, text);
  }
  return text;
}

/** Sets an own key, even `__proto__` (as JSON.parse does). */
function put(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** JSON text of a generated value for a raw packet: binary as a short string, at most a frame's worth. */
function asJson(value: unknown): string {
  const text =
    JSON.stringify(value, (_, item: unknown) =>
      typeof item === 'object' && item !== null && (item as { type?: unknown }).type === 'Buffer' && Array.isArray((item as { data?: unknown }).data)
        ? `<binary ${(item as { data: unknown[] }).data.length}>`
        : item,
    ) ?? 'null';
  return Buffer.byteLength(text) < MESSAGE_BUDGET ? text : 'null';
}

function dropProtoKeys(value: unknown): void {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    if (value.length <= 100) value.forEach(dropProtoKeys);
    return;
  }
  if (Object.hasOwn(value, '__proto__')) delete (value as Record<string, unknown>)['__proto__'];
  Object.values(value).forEach(dropProtoKeys);
}

class Generator {
  /** Bytes the current message may still spend on huge strings, big arrays and binary. */
  private budget = MESSAGE_BUDGET;
  /** Binary attachments of the current message (the server takes at most 10). */
  private attachments = 0;

  constructor(
    private readonly r: Random,
    private readonly fixtures: Fixtures,
  ) {}

  /** Starts a new message: a fresh budget. */
  begin(): void {
    this.budget = MESSAGE_BUDGET;
    this.attachments = 0;
  }

  private spend(bytes: number): boolean {
    if (bytes > this.budget) return false;
    this.budget -= bytes;
    return true;
  }

  scalar(): unknown {
    const r = this.r;
    switch (r.int(7)) {
      case 0:
        return null;
      case 1:
        return r.chance(0.5);
      case 2:
      case 3:
        return r.pick(WEIRD_NUMBERS);
      case 4:
        return r.pick(WEIRD_STRINGS);
      case 5:
        return this.shortString();
      default:
        return r.pick([undefined, new Date(r.int(2 ** 40)), '', 'Fuzz ' + r.int(50)]);
    }
  }

  shortString(): string {
    const r = this.r;
    const alphabet = 'abcXYZ019 _-.:$%\\\'"é💥\u0000\n';
    const chars = [...alphabet];
    return Array.from({ length: r.int(24) }, () => r.pick(chars)).join('');
  }

  huge(): unknown {
    const r = this.r;
    const size = r.pick(HUGE_SIZES);
    const unicode = r.chance(0.3);
    if (!this.spend(unicode ? size * 2 : size + 10)) return this.shortString();
    return hugeString(size, unicode);
  }

  bigArray(): unknown {
    const r = this.r;
    const length = r.pick([1_000, 10_000, 10_000]);
    const item = r.pick<unknown>([0, 1, null, 'x', true, {}, [], 1.5, 'api::article.article']);
    if (!this.spend(length * (JSON.stringify(item).length + 1))) return [];
    return Array.from({ length }, () => item);
  }

  binary(): unknown {
    const r = this.r;
    const size = r.pick([0, 1, 16, 1024, 65_536, r.chance(0.1) ? 600_000 : 4096]);
    if (this.attachments >= 10 || !this.spend(size + 10)) return this.scalar();
    this.attachments += 1;
    const buffer = Buffer.alloc(size);
    for (let i = 0; i < Math.min(size, 64); i++) buffer[i] = r.int(256);
    return buffer;
  }

  /** Objects (or arrays) nested 1 to 50 levels, keys taken among operators, fields and oddities. */
  deep(): unknown {
    const r = this.r;
    const depth = 1 + r.int(50);
    let value: unknown = this.scalar();
    for (let i = 0; i < depth; i++) {
      if (r.chance(0.25)) value = [value];
      else {
        const key = r.pick([...WHERE_OPERATORS, ...GROUP_OPERATORS, ...WEIRD_KEYS, 'title', 'category', 'name', 'articles', 'id']);
        value = put({}, key, value);
      }
    }
    return value;
  }

  /** Any value at all. */
  any(depth = 0): unknown {
    const r = this.r;
    const kind = r.int(depth > 2 ? 6 : 14);
    switch (kind) {
      case 0:
      case 1:
      case 2:
        return this.scalar();
      case 3:
        return Array.from({ length: r.int(4) }, () => this.any(depth + 1));
      case 4:
      case 5:
        return this.object(depth + 1);
      case 6:
        return this.deep();
      case 7:
        return this.huge();
      case 8:
        return this.bigArray();
      case 9:
        return this.binary();
      case 10:
        return this.filters(r.pick(TYPES), 0);
      case 11:
        return this.entityPayload();
      case 12:
        return this.queryPayload();
      default:
        return r.pick([{}, [], [[]], [{}], { '': '' }, JSON.parse('{"__proto__":{"polluted":true}}'), JSON.parse('{"constructor":{"prototype":{"polluted":true}}}')]);
    }
  }

  object(depth: number): Record<string, unknown> {
    const r = this.r;
    const object: Record<string, unknown> = {};
    for (let i = r.int(4); i > 0; i--) put(object, r.chance(0.5) ? r.pick(WEIRD_KEYS) : this.shortString(), this.any(depth + 1));
    return object;
  }

  uid(): unknown {
    const r = this.r;
    const roll = r.next();
    if (roll < 0.55) return ARTICLE;
    if (roll < 0.65) return CATEGORY;
    if (roll < 0.75) return COMMENT;
    if (roll < 0.9) return r.pick(WEIRD_STRINGS);
    return this.any(2);
  }

  /** A value for an operator: often of the type the operator wants, often not. */
  operand(operator: string, uid: string, depth: number): unknown {
    const r = this.r;
    if (r.chance(0.15)) return this.any(3);
    if (['$in', '$notIn', '$between'].includes(operator) && r.chance(0.7)) {
      return Array.from({ length: r.int(operator === '$between' ? 4 : 6) }, () => this.scalar());
    }
    if (['$null', '$notNull'].includes(operator)) return r.pick<unknown>([true, false, 'true', 'false', 1, 0, 't', null, {}, []]);
    if (['$and', '$or'].includes(operator) && r.chance(0.8)) return Array.from({ length: r.int(4) }, () => this.filters(uid, depth + 1));
    if (operator === '$not' && r.chance(0.6)) return this.filters(uid, depth + 1);
    if (r.chance(0.1)) return { [r.pick(WHERE_OPERATORS)]: this.scalar() };
    return this.scalar();
  }

  /** Strapi filters on `uid`, with every operator in right and wrong places. */
  filters(uid: string, depth: number): Record<string, unknown> {
    const r = this.r;
    const fields = Object.hasOwn(FIELDS, uid) ? FIELDS[uid]! : FIELDS[ARTICLE]!;
    const filters: Record<string, unknown> = {};
    const count = depth > 13 ? 0 : 1 + r.int(depth === 0 ? 3 : 2);
    for (let i = 0; i < count; i++) {
      const roll = r.next();
      if (roll < 0.45) {
        const field = r.pick(fields.scalar);
        let value: unknown;
        if (r.chance(0.2)) value = this.scalar();
        else {
          value = {};
          for (let j = 1 + r.int(2); j > 0; j--) {
            const operator = r.chance(0.85) ? r.pick(WHERE_OPERATORS) : r.pick([...MADE_UP_OPERATORS, ...GROUP_OPERATORS]);
            put(value as Record<string, unknown>, operator, this.operand(operator, uid, depth));
          }
        }
        put(filters, field, value);
      } else if (roll < 0.62) {
        const [relation, target] = r.pick(Object.entries(fields.relations));
        const value = r.pick<() => unknown>([
          () => this.filters(target, depth + 1),
          () => this.scalar(),
          () => ({ [r.pick(WHERE_OPERATORS)]: this.operand('$in', target, depth) }),
          () => ({ id: { $in: [1, 2, this.scalar()] } }),
          () => ({ $null: r.chance(0.5) }),
          () => ({ ...this.filters(target, depth + 1), $eq: 1 }),
        ])();
        put(filters, relation, value);
      } else if (roll < 0.82) {
        const operator = r.chance(0.8) ? r.pick(GROUP_OPERATORS) : r.pick(WHERE_OPERATORS);
        put(filters, operator, this.operand(operator, uid, depth));
      } else if (roll < 0.92) {
        put(filters, r.pick(fields.hidden), r.chance(0.5) ? { $eq: this.scalar() } : this.scalar());
      } else {
        put(filters, r.pick([...WEIRD_KEYS, ...MADE_UP_OPERATORS]), this.any(depth + 1));
      }
    }
    return filters;
  }

  documentId(): unknown {
    const r = this.r;
    const roll = r.next();
    if (roll < 0.3) return r.pick(this.fixtures.documentIds);
    if (roll < 0.45) return r.pick(this.fixtures.rowIds);
    if (roll < 0.55) return String(r.pick(this.fixtures.rowIds));
    if (roll < 0.65) return Array.from({ length: 24 }, () => r.pick([...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('');
    if (roll < 0.85) return this.scalar();
    return this.any(2);
  }

  entityPayload(): unknown {
    const r = this.r;
    if (r.chance(0.12)) return this.any(1);
    const payload: Record<string, unknown> = {};
    if (r.chance(0.95)) put(payload, 'uid', this.uid());
    if (r.chance(0.95)) put(payload, 'id', this.documentId());
    if (r.chance(0.08)) put(payload, r.pick(WEIRD_KEYS), this.any(2));
    return payload;
  }

  queryPayload(): unknown {
    const r = this.r;
    if (r.chance(0.12)) return this.any(1);
    const payload: Record<string, unknown> = {};
    const uid = this.uid();
    if (r.chance(0.95)) put(payload, 'uid', uid);
    if (r.chance(0.75)) put(payload, 'filters', r.chance(0.85) ? this.filters(typeof uid === 'string' && Object.hasOwn(FIELDS, uid) ? uid : r.pick(TYPES), 0) : this.any(1));
    if (r.chance(0.2)) put(payload, 'status', r.chance(0.6) ? r.pick(['draft', 'published']) : this.scalar());
    if (r.chance(0.15)) put(payload, 'locale', r.chance(0.6) ? r.pick(['en', 'fr', 'fr-FR', 'zz']) : this.scalar());
    if (r.chance(0.05)) put(payload, r.pick(WEIRD_KEYS), this.any(2));
    return payload;
  }

  unsubscribePayload(): unknown {
    const r = this.r;
    const roll = r.next();
    if (roll < 0.4) return { id: r.chance(0.8) ? String(1 + r.int(120)) : this.scalar() };
    if (roll < 0.45) return put({ id: '1' }, r.pick(WEIRD_KEYS), this.scalar());
    if (roll < 0.85) return this.queryPayload();
    return this.any(1);
  }

  /** The arguments of a message: usually one payload, sometimes none or several. */
  args(payload: () => unknown): unknown[] {
    const r = this.r;
    const roll = r.next();
    let args: unknown[];
    if (roll < 0.05) args = [];
    else if (roll < 0.12) args = Array.from({ length: 2 + r.int(3) }, (_, i) => (i === 0 ? payload() : this.any(2)));
    else args = [payload()];
    // socket.io-client's binary encoder copies objects key by key (`copy[key] = ...`), so an own
    // `__proto__` would become the copy's prototype (and a Date there breaks its JSON): messages with
    // binary attachments carry none. The others do.
    if (this.attachments > 0) args.forEach(dropProtoKeys);
    return args;
  }

  /** One payload alone, as `args` would send it. */
  one(payload: () => unknown): unknown {
    const value = payload();
    if (this.attachments > 0) dropProtoKeys(value);
    return value;
  }

  eventName(): string {
    const r = this.r;
    if (r.chance(0.7)) {
      return r.pick([
        'io:error', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'error', 'article:update',
        'article:create', 'article:delete', 'category:update', 'comment:create', 'io:resync', 'io:subscription-ended', 'subscribe ',
        'Subscribe', 'SUBSCRIBE', 'subscribe\u0000', 'subscribe-entity ', 'unsubscribe-entities', 'io:ping ', 'io:pong', 'ping',
        'pong', 'message', 'connection', 'join', 'leave', '$io:broadcast', '', ' ', '💥', '\ud800', 'x'.repeat(10_000),
      ]);
    }
    return this.shortString();
  }
}

// ---------------------------------------------------------------------------------------------
// A fuzzed socket: what it sent, in order, and what came back, in order.

interface Sent {
  index: number;
  event: string | number;
  known: boolean;
  ack: boolean;
  /** Index of the message sent without an ack that this one repeats with one. */
  twinOf?: number;
  preview: string;
  sentAt: number;
  /** The acknowledgement's arguments, and its place among everything the socket received. */
  response?: unknown[];
  arrival?: number;
  checkpoint?: { resolve(): void };
}

interface Fuzzed {
  name: string;
  socket: Socket;
  sent: Sent[];
  /** `io:error` events, with their place among everything the socket received. */
  errors: { seq: number; error: unknown }[];
  /** Events other than content events, io:error and io:subscription-ended. */
  unexpected: string[];
  disconnects: string[];
  seq: number;
}

interface RawSocket {
  ids: number;
  acks: Record<number, (...args: unknown[]) => void>;
  io: { engine: { write(data: string): void; transport: { ws?: { send(data: string): void } } } };
}

function fuzzed(name: string, socket: Socket): Fuzzed {
  const fz: Fuzzed = { name, socket, sent: [], errors: [], unexpected: [], disconnects: [], seq: 0 };
  socket.onAny((event: string, ...args: unknown[]) => {
    if (event === 'io:error') fz.errors.push({ seq: fz.seq++, error: args[0] });
    else if (!/^[\w-]+:(create|update|delete)$/.test(event) && event !== 'io:subscription-ended' && event !== 'io:related') fz.unexpected.push(`${event} ${preview(args)}`);
  });
  // The generator keeps every frame under maxHttpBufferSize; one over would close the connection.
  (socket.io.engine as unknown as { on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): void }).on('packetCreate', ({ data }) => {
    const size = typeof data === 'string' ? 1 + Buffer.byteLength(data) : ((data as ArrayBuffer | undefined)?.byteLength ?? 0);
    if (size > MAX_FRAME) fz.unexpected.push(`a frame of ${size} bytes was generated, for ${fz.sent.at(-1)?.preview}`);
  });
  socket.on('disconnect', (reason, description) =>
    fz.disconnects.push(`${reason} ${(description as { message?: string; description?: unknown })?.message ?? ''} ${String((description as { description?: unknown })?.description ?? '')} after ${fz.sent.length} sent, ${fz.seq} received`),
  );
  return fz;
}

/**
 * Sends a message, as socket.io-client encodes it or as raw JSON text (`options.raw`, the packet's
 * array, for what the client cannot encode), recording what comes back. Raw packets use the client's
 * internals (`ids`, `acks`, `io.engine`) to carry an ack id.
 */
function send(fz: Fuzzed, event: string | number, args: unknown[], ack: boolean, options: { raw?: string; twinOf?: number } = {}): Sent {
  const sent: Sent = {
    index: fz.sent.length,
    event,
    known: typeof event === 'string' && KNOWN.includes(event),
    ack,
    preview: options.raw !== undefined ? `raw ${options.raw.slice(0, 100)}…(${options.raw.length} chars)` : `${preview(event)} ${preview(args)}`,
    sentAt: Date.now(),
    ...(options.twinOf !== undefined ? { twinOf: options.twinOf } : {}),
  };
  fz.sent.push(sent);
  const answer = (...response: unknown[]) => {
    sent.response = response;
    sent.arrival = fz.seq++;
    sent.checkpoint?.resolve();
  };
  if (options.raw !== undefined) {
    const raw = fz.socket as unknown as RawSocket;
    let id = '';
    if (ack) {
      const n = raw.ids++;
      raw.acks[n] = answer;
      id = String(n);
    }
    // A Socket.IO EVENT packet ("2", the ack id, the JSON array); Engine.IO adds its "4" (message).
    raw.io.engine.write(`2${id}${options.raw}`);
  } else if (ack) fz.socket.emit(event as string, ...args, answer);
  else fz.socket.emit(event as string, ...args);
  return sent;
}

/** Sends `io:ping` with an ack and resolves when it is answered (or after the timeout). */
function checkpoint(fz: Fuzzed): Promise<void> {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const sent = send(fz, 'io:ping', [], true);
  sent.checkpoint = { resolve };
  const timer = setTimeout(resolve, ACK_TIMEOUT_MS);
  return done.finally(() => clearTimeout(timer));
}

/** What is wrong with what a fuzzed socket got back; tallies codes into `codes`. */
function verify(fz: Fuzzed, codes: Map<string, number>): string[] {
  const problems: string[] = [];
  const report = (what: string, sent?: Sent) => problems.push(`${fz.name}: ${what}${sent ? ` — message #${sent.index}: ${sent.preview}` : ''}`);
  const tally = (code: string) => codes.set(code, (codes.get(code) ?? 0) + 1);
  const acked = fz.sent.filter((sent) => sent.known && sent.ack);
  let last = -1;
  for (const sent of acked) {
    if (sent.response === undefined) {
      report(`no answer within ${ACK_TIMEOUT_MS} ms`, sent);
      continue;
    }
    const bad = badAnswer(sent.event as string, sent.response);
    if (bad) report(`answer of the wrong shape (${bad})`, sent);
    const answer = sent.response[0] as Answer;
    const code = typeof answer !== 'object' || answer === null ? 'malformed' : answer.success ? 'success' : String(answer.error?.code);
    tally(code);
    if (code === 'INTERNAL_ERROR') report('INTERNAL_ERROR', sent);
    // One socket's messages are handled in order: their answers come back in order.
    if (sent.arrival! < last) report('answered out of order', sent);
    last = Math.max(last, sent.arrival!);
  }
  for (const sent of fz.sent) {
    if (!sent.known && sent.ack) {
      if (sent.response !== undefined) report(`an unknown event was answered ${preview(sent.response)}`, sent);
      else tally('ignored (unknown event, with ack)');
    }
    if (!sent.known && !sent.ack) tally('ignored (unknown event, no ack)');
  }
  // Each io:error belongs between two answers; only a known message sent without an ack (always
  // followed by its twin with one) may have caused it.
  const answered = acked.filter((sent) => sent.arrival !== undefined).sort((a, b) => a.arrival! - b.arrival!);
  const windows = new Map<Sent, unknown[]>();
  for (const { seq, error } of fz.errors) {
    const bad = badError(error);
    if (bad) report(`io:error of the wrong shape (${bad})`);
    tally(`io:error ${(error as { code?: string })?.code}`);
    const next = answered.find((sent) => sent.arrival! > seq);
    if (!next) {
      report(`io:error ${preview(error)} after the last answer`);
      continue;
    }
    windows.set(next, [...(windows.get(next) ?? []), error]);
  }
  for (const [next, errors] of windows) {
    if (next.twinOf === undefined) report(`io:error ${preview(errors)} with no message sent without an ack before it`, next);
  }
  for (const twin of acked) {
    if (twin.twinOf === undefined || twin.response === undefined) continue;
    const original = fz.sent[twin.twinOf]!;
    const errors = (windows.get(twin) ?? []) as { code?: string }[];
    const answer = twin.response[0] as Answer;
    if (typeof answer !== 'object' || answer === null || (!answer.success && typeof answer.error !== 'object')) continue; // reported above
    if (errors.length > 1) report(`${errors.length} io:error for one message sent without an ack`, original);
    else if (answer.success) {
      if (errors.length === 1 && STATELESS.includes(errors[0]!.code!)) report(`io:error ${errors[0]!.code} without an ack, success with one`, original);
    } else if (STATELESS.includes(answer.error.code)) {
      if (errors.length === 0) report(`silence without an ack, ${answer.error.code} with one`, original);
      else if (errors[0]!.code !== answer.error.code) report(`io:error ${errors[0]!.code} without an ack, ${answer.error.code} with one`, original);
    }
  }
  for (const event of fz.unexpected.slice(0, 5)) report(`unexpected event ${event}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Heap.

function findGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

async function heapUsed(gc: (() => void) | undefined): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the disconnect reason, or 'connected' if none came within `ms`. */
function disconnectedWithin(socket: Socket, ms: number): Promise<string> {
  if (!socket.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('connected'), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

// =============================================================================================

describe('with the default limits (50 messages per second, 150 at once)', () => {
  let app: ExampleApp;
  const open: Socket[] = [];
  beforeAll(async () => {
    app = await bootExampleApp({ seed: false, ioConfig: { contentTypes: TYPES } });
  });
  afterAll(async () => {
    open.forEach((socket) => socket.close());
    await app?.stop();
  });

  it('answers every message of a burst that carries an ack, LIMIT_EXCEEDED past the burst, and goes on once under the rate', async () => {
    const r = createRandom(SEED);
    const generator = new Generator(r, { documentIds: ['zz0nosuchdocument0000000'], rowIds: [987654] });
    const socket = await connect(app.url);
    open.push(socket);
    const received = record(socket);
    const events = ['subscribe-entity', 'unsubscribe-entity', 'subscribe', 'unsubscribe', 'io:ping'];
    const burst = 280;
    const answers = await Promise.all(
      Array.from({ length: burst }, (_, i) => {
        generator.begin();
        const event = events[i % events.length]!;
        const payload = event.includes('entity') ? generator.one(() => generator.entityPayload()) : event === 'io:ping' ? undefined : generator.one(() => generator.queryPayload());
        return socket.timeout(10_000).emitWithAck(event, payload) as Promise<Answer>;
      }),
    );
    const refused = answers.filter((answer) => !answer.success && answer.error.code === 'LIMIT_EXCEEDED');
    console.log(`default limits: a burst of ${burst} messages with acks: ${answers.length} answered, ${refused.length} LIMIT_EXCEEDED`);
    expect(answers).toHaveLength(burst);
    answers.forEach((answer, i) => expect(badAnswer(events[i % events.length]!, [answer])).toBeUndefined());
    expect(refused.length).toBeGreaterThanOrEqual(burst - 150 - 50);
    expect(refused.length).toBeLessThanOrEqual(burst - 150);
    expect(refused[0]).toEqual({ success: false, error: { code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/at most 50 per second/) } });
    // Under the disconnect threshold (150 refused in a row): still connected, served again soon.
    expect(socket.connected).toBe(true);
    await sleep(1_000);
    expect(await socket.timeout(5_000).emitWithAck('io:ping')).toMatchObject({ success: true });
    expect(received.filter(({ event }) => event === 'io:error')).toEqual([]);
  });

  it('a socket that keeps bursting is told LIMIT_EXCEEDED and disconnected; every ack settles; a bystander is served', async () => {
    const bystander = await connect(app.url);
    const abuser = await connect(app.url);
    open.push(bystander, abuser);
    const errors = record(abuser);
    const gone = disconnectedWithin(abuser, 10_000);
    const outcomes = await Promise.allSettled(Array.from({ length: 1_000 }, () => abuser.timeout(10_000).emitWithAck('subscribe', { uid: '💥' })));
    const answered = outcomes.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value as Answer);
    const dropped = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome.reason as Error).message);
    console.log(
      `default limits: 1,000 messages with acks from one socket: ${answered.length} answered (${answered.filter((a) => !a.success && a.error.code === 'LIMIT_EXCEEDED').length} LIMIT_EXCEEDED), ${dropped.length} ended by the disconnect`,
    );
    expect(await gone).toBe('io server disconnect');
    // LIMIT_EXCEEDED until the server gave up on the socket (150 refused in a row); everything else,
    // the messages admitted before but not handled yet included, fails at once on the client: none hangs.
    expect(answered.filter((answer) => !answer.success && answer.error.code === 'LIMIT_EXCEEDED').length).toBeGreaterThanOrEqual(150);
    expect(answered.length + dropped.length).toBe(1_000);
    expect(new Set(dropped)).toEqual(new Set(dropped.length ? ['socket has been disconnected'] : []));
    expect(errors.filter(({ event }) => event === 'io:error').map(({ args }) => (args[0] as { code: string }).code)).toEqual(['LIMIT_EXCEEDED']);
    expect(await bystander.timeout(5_000).emitWithAck('io:ping')).toMatchObject({ success: true });
  });
});

// =============================================================================================

describe('fuzz, with limits high enough that every message reaches validation', () => {
  const example = useExampleApp({
    seed: false,
    ioConfig: { contentTypes: TYPES, limits: { messagesPerSecond: 100_000, messageBurst: 100_000, disconnectAfterRefused: 100_000 } },
  });
  let app: ExampleApp;
  let fixtures: Fixtures;
  let articleIds: string[];
  let categoryIds: string[];
  let commentIds: string[];
  const principals: { name: string; auth?: Record<string, unknown> }[] = [];
  let logError: MockInstance;
  let logWarn: MockInstance;
  const gc = findGc();
  const figures = { heapBefore: 0, liveQueriesBefore: 0 };

  beforeAll(async () => {
    app = example.app;
    const categories = [];
    for (const name of ['News', 'Tutorials']) categories.push(await app.strapi.documents(CATEGORY).create({ data: { name } }));
    categoryIds = categories.map(({ documentId }) => documentId);
    const articles = [];
    for (let i = 0; i < 6; i++) {
      articles.push(
        await app.strapi.documents(ARTICLE).create({
          data: { title: `Fuzz ${i}`, body: 'fuzz', internalNotes: 'secret', category: categoryIds[i % 2] } as never,
          ...(i < 4 ? { status: 'published' as const } : {}),
        }),
      );
    }
    articleIds = articles.map(({ documentId }) => documentId);
    const comments = [];
    for (let i = 0; i < 2; i++) comments.push(await app.strapi.documents(COMMENT).create({ data: { text: `Comment ${i}`, article: articleIds[0] } as never }));
    commentIds = comments.map(({ documentId }) => documentId);
    // Drafts keep their row ids through publishes; categories and comments have no draft & publish.
    const drafts = (await app.strapi.db.query(ARTICLE).findMany({ where: { publishedAt: null }, select: ['id'] })) as { id: number }[];
    const others = [
      ...((await app.strapi.db.query(CATEGORY).findMany({ select: ['id'] })) as { id: number }[]),
      ...((await app.strapi.db.query(COMMENT).findMany({ select: ['id'] })) as { id: number }[]),
    ];
    fixtures = {
      documentIds: [...articleIds, ...categoryIds, ...commentIds],
      rowIds: [...drafts.map(({ id }) => id), ...others.map(({ id }) => id), 987_654, 2 ** 31 - 1, 1e15],
    };
    const { jwt } = await createUser(app.strapi);
    const readOnly = await createApiToken(app.strapi, 'read-only');
    const fullAccess = await createApiToken(app.strapi, 'full-access');
    const custom = await createApiToken(app.strapi, 'custom', [`${ARTICLE}.find`]);
    principals.push(
      { name: 'public' },
      { name: 'public, again' },
      { name: 'user (authenticated role)', auth: { strategy: 'jwt', token: jwt } },
      { name: 'read-only token', auth: { strategy: 'api-token', token: readOnly.accessKey } },
      { name: 'custom token (article find only)', auth: { strategy: 'api-token', token: custom.accessKey } },
      { name: 'full-access token, at its subscription limit', auth: { strategy: 'api-token', token: fullAccess.accessKey } },
      { name: 'full-access token', auth: { strategy: 'api-token', token: fullAccess.accessKey } },
      { name: 'unknown events only', auth: { strategy: 'api-token', token: fullAccess.accessKey } },
    );

    // Warm up what loads lazily (validators, the matcher, the database order), then take the level.
    const warm = await connect(app.url);
    await warm.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $containsi: 'warm' }, category: { name: { $eq: 'News' } } } });
    await warm.emitWithAck('subscribe-entity', { uid: ARTICLE, id: articleIds[0] });
    await warm.emitWithAck('subscribe', { uid: ARTICLE, filters: { $or: [{ title: { $eq: 'x' } }] }, status: 'draft' });
    warm.close();
    for (let i = 0; i < 100 && app.strapi.$io.stats().liveQueries > 0; i++) await sleep(20);
    figures.liveQueriesBefore = app.strapi.$io.stats().liveQueries;
    figures.heapBefore = await heapUsed(gc);
    logError = vi.spyOn(app.strapi.log, 'error');
    logWarn = vi.spyOn(app.strapi.log, 'warn');
  });

  it(`answers or ignores ${MESSAGES.toLocaleString('en')} generated messages from 8 sockets in parallel`, { timeout: 120_000 }, async () => {
    console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}); ${MESSAGES} generated messages`);
    const started = Date.now();
    const sockets: Fuzzed[] = [];
    for (const { name, auth } of principals) sockets.push(fuzzed(name, await connect(app.url, auth ? { auth } : {})));
    try {
      await fuzz(sockets, started);
    } finally {
      sockets.forEach((fz) => fz.socket.close());
    }
  });

  async function fuzz(sockets: Fuzzed[], started: number): Promise<void> {
    // One socket starts at maxSubscriptionsPerSocket (100): its subscribes take the cheap path first
    // (the query id of the unvalidated payload, looked up among those it holds).
    const full = sockets[5]!;
    const prefilled = await Promise.all(
      Array.from({ length: 100 }, (_, i) => full.socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: `Limit ${i}` } } }) as Promise<Answer>),
    );
    expect(prefilled.every((answer) => answer.success)).toBe(true);

    // Meanwhile the content changes, so that the live queries the fuzz leaves are evaluated.
    let writing = true;
    const writeErrors: string[] = [];
    let writes = 0;
    const writer = (async () => {
      const r = createRandom(SEED ^ 0xbadc0de);
      while (writing) {
        try {
          const roll = r.int(4);
          if (roll < 2) {
            await app.strapi.documents(ARTICLE).update({
              documentId: r.pick(articleIds.slice(0, 4)),
              data: { title: r.pick(['Fuzz 1', 'News', 'fuzz', 'é💥', '%_%', 'Limit 3', `Fuzz ${r.int(9)}`]), category: r.pick(categoryIds) } as never,
              status: 'published',
            });
          } else if (roll === 2) await app.strapi.documents(CATEGORY).update({ documentId: r.pick(categoryIds), data: { name: r.pick(['News', 'Tutorials', 'x']) } });
          else await app.strapi.documents(COMMENT).update({ documentId: r.pick(commentIds), data: { text: r.pick(['a', 'fuzz', 'Comment 1']) } as never });
          writes += 1;
        } catch (error) {
          writeErrors.push((error as Error).stack ?? String(error));
        }
        await sleep(40);
      }
    })();

    const statsBefore = app.strapi.$io.stats();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    let generating = 0;
    const perSocket = Math.ceil(MESSAGES / sockets.length);
    const run = async (fz: Fuzzed, n: number) => {
      const r = createRandom((SEED ^ Math.imul(n + 1, 0x9e3779b9)) >>> 0);
      const generator = new Generator(r, fixtures);
      const pending: Promise<void>[] = [];
      const unknownOnly = fz.name === 'unknown events only';
      for (let i = 0; i < perSocket; i++) {
        const begun = performance.now();
        generator.begin();
        const roll = r.next();
        const ack = r.chance(0.7);
        if (unknownOnly || roll < 0.18) {
          // Unknown events: names of content events, reserved-looking names, junk; numbers as names
          // (the parser allows them) and payloads nested deeper than JSON.stringify goes, as raw text.
          if (r.chance(0.05)) send(fz, r.int(1000), [], ack, { raw: `[${r.int(1000)},${asJson(generator.any(1))}]` });
          else send(fz, generator.eventName(), generator.args(() => generator.any(0)), ack);
        } else if (roll < 0.2) {
          // Deeper than 50 levels (up to 100,000), as raw text: too deep for socket.io-client's encoder.
          const event = r.pick(['subscribe', 'unsubscribe', 'subscribe-entity', 'io:ping']);
          const [open, close] = r.pick([['{"$and":[', ']}'], ['{"title":', '}'], ['[', ']'], ['{"__proto__":', '}']]);
          // As deep as fits in one frame.
          const depth = Math.min(r.pick([60, 500, 2_000, 10_000, 100_000]), Math.floor(900_000 / (open!.length + close!.length)));
          const deep = `${open!.repeat(depth)}1${close!.repeat(depth)}`;
          const raw = `["${event}",${r.chance(0.7) ? `{"uid":"${ARTICLE}","filters":${deep}}` : r.chance(0.5) ? `{"uid":"${ARTICLE}","id":${deep}}` : deep}]`;
          const original = send(fz, event, [], ack, { raw });
          if (!ack) send(fz, event, [], true, { raw, twinOf: original.index });
        } else {
          const event = r.pick(['subscribe', 'subscribe', 'subscribe', 'subscribe-entity', 'subscribe-entity', 'unsubscribe', 'unsubscribe', 'unsubscribe-entity', 'io:ping']);
          const payload =
            event === 'subscribe' ? () => generator.queryPayload() : event === 'unsubscribe' ? () => generator.unsubscribePayload() : event === 'io:ping' ? () => generator.any(1) : () => generator.entityPayload();
          const args = generator.args(payload);
          const original = send(fz, event, args, ack);
          if (!ack) send(fz, event, args, true, { twinOf: original.index });
        }
        generating += performance.now() - begun;
        // A checkpoint every 40 messages; at most 4 outstanding, so each socket sends in bursts of ~160.
        if (i % 40 === 39) {
          pending.push(checkpoint(fz));
          if (pending.length > 4) await pending.shift();
          if (!fz.socket.connected) break;
        }
      }
      pending.push(checkpoint(fz));
      await Promise.all(pending);
    };
    // Why the server closed a connection, if it did.
    const serverCloses: string[] = [];
    for (const socket of app.strapi.$io.server.of('/').sockets.values()) {
      socket.conn.on('close', (reason: string, description?: { message?: string; stack?: string }) => serverCloses.push(`${socket.id}: ${reason} ${description?.stack ?? description?.message ?? ''}`));
    }
    const progress = setInterval(() => {
      console.log(
        `progress ${Date.now() - started} ms: ${sockets
          .map((fz) => `${fz.name}: ${fz.sent.length} sent, ${fz.sent.filter((s) => s.known && s.ack && !s.response).length} waiting${fz.disconnects.length ? ` DISCONNECTED ${fz.disconnects}` : ''}`)
          .join('; ')}`,
      );
    }, 5_000);
    await Promise.all(sockets.map((fz, n) => run(fz, n))).finally(() => clearInterval(progress));
    // Anything still unanswered gets until the deadline.
    const deadline = Date.now() + ACK_TIMEOUT_MS;
    const unanswered = () => sockets.reduce((count, fz) => count + fz.sent.filter((sent) => sent.known && sent.ack && !sent.response).length, 0);
    while (unanswered() > 0 && Date.now() < deadline) await sleep(50);
    writing = false;
    await writer;
    // Every live query the fuzz left is judged on a last round of writes to every document.
    for (const documentId of articleIds) {
      for (const title of ['Fuzz 1', 'News', '%', 'Limit 7']) {
        await app.strapi.documents(ARTICLE).update({ documentId, data: { title, body: title, category: categoryIds[writes++ % 2] } as never, status: 'published' });
      }
    }
    for (const documentId of categoryIds) await app.strapi.documents(CATEGORY).update({ documentId, data: { name: 'News' } });
    await app.strapi.$io.idle();
    const { evaluated, fallbackReads, liveQueries } = app.strapi.$io.stats();
    const duration = Date.now() - started;
    loop.disable();

    const codes = new Map<string, number>();
    const problems = sockets.flatMap((fz) => verify(fz, codes));
    const sent = sockets.reduce((count, fz) => count + fz.sent.length, 0);
    const withAck = sockets.reduce((count, fz) => count + fz.sent.filter((s) => s.ack).length, 0);
    console.log(
      [
        `fuzz: ${sent} messages sent (${withAck} with an ack) by ${sockets.length} sockets in ${duration} ms (${generating.toFixed(0)} ms of it generating and encoding them; longest event-loop stall ${(loop.max / 1e6).toFixed(0)} ms); ${writes} writes meanwhile and after, judged by ${liveQueries} live queries (${evaluated - statsBefore.evaluated} evaluations, ${fallbackReads - statsBefore.fallbackReads} database reads)`,
        ...[...codes].sort(([a], [b]) => a.localeCompare(b)).map(([code, count]) => `  ${code.padEnd(36)} ${count}`),
        `  log: ${logError.mock.calls.length} error, ${logWarn.mock.calls.length} warn`,
      ].join('\n'),
    );
    for (const fz of sockets) if (fz.disconnects.length) console.log(`${fz.name} disconnected: ${fz.disconnects.join('; ')}`);
    if (serverCloses.length) console.log(`the server closed: ${serverCloses.join('; ')}`);
    if (processFailures.length > 0) console.log(`process failures:\n${processFailures.slice(0, 5).join('\n---\n')}`);
    if (problems.length > 0) console.log(`${problems.length} problems:\n${problems.slice(0, 40).join('\n')}`);
    if (logError.mock.calls.length > 0) console.log(`first errors logged:\n${logError.mock.calls.slice(0, 3).map((call) => String(call[0]).slice(0, 800)).join('\n---\n')}`);

    expect(sent).toBeGreaterThanOrEqual(10_000 * Math.min(1, MESSAGES / 10_000));
    expect(problems).toEqual([]);
    expect(writeErrors).toEqual([]);
    // No fuzzed socket was dropped by the server.
    expect(sockets.filter((fz) => fz.disconnects.length > 0).map((fz) => `${fz.name}: ${fz.disconnects.join()}`)).toEqual([]);
    expect(sockets.find((fz) => fz.name === 'unknown events only')!.errors).toEqual([]);
    expect(processFailures).toEqual([]);
  }

  it('refuses filters nested 100,000 deep or quoting a 5 kB key as INVALID_QUERY, with a short message, also at the subscription limit', async () => {
    const socket = await connect(app.url);
    const full = await connect(app.url);
    try {
      for (let i = 0; i < 100; i++) expect(await full.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: `Deep ${i}` } } })).toMatchObject({ success: true });
      const deep = (open: string, close: string, depth: number) => `${open.repeat(depth)}1${close.repeat(depth)}`;
      const answers: { what: string; answer: unknown }[] = [];
      const ask = (target: Socket, what: string, event: string, payload: string) =>
        new Promise<void>((resolve) => {
          const raw = target as unknown as RawSocket;
          const id = raw.ids++;
          raw.acks[id] = (answer: unknown) => {
            answers.push({ what, answer });
            resolve();
          };
          raw.io.engine.write(`2${id}["${event}",${payload}]`);
        });
      for (const [name, open, close] of [['objects', '{"title":', '}'], ['$and', '{"$and":[', ']}'], ['arrays', '[', ']'], ['__proto__', '{"__proto__":', '}']] as const) {
        const filters = deep(open, close, Math.floor(900_000 / (open.length + close.length)));
        await ask(socket, `subscribe, ${name}`, 'subscribe', `{"uid":"${ARTICLE}","filters":${filters}}`);
        await ask(socket, `unsubscribe, ${name}`, 'unsubscribe', `{"uid":"${ARTICLE}","filters":${filters}}`);
        await ask(full, `subscribe at the limit, ${name}`, 'subscribe', `{"uid":"${ARTICLE}","filters":${filters}}`);
      }
      const key = JSON.stringify('k'.repeat(5_000));
      await ask(socket, 'a 5 kB key', 'subscribe', `{"uid":"${ARTICLE}","filters":{${key}:1}}`);
      await ask(socket, 'a 5 kB key under $or', 'subscribe', `{"uid":"${ARTICLE}","filters":{"$or":[{${key}:{"$eq":1}}]}}`);
      for (const { what, answer } of answers) {
        expect(badAnswer('subscribe', [answer]), what).toBeUndefined();
        const { error } = answer as { error: { code: string; message: string } };
        expect(error.code, what).toEqual(what.includes('at the limit') ? 'LIMIT_EXCEEDED' : what.startsWith('unsubscribe') ? expect.stringMatching(/^(INVALID_QUERY|INVALID_PAYLOAD)$/) : 'INVALID_QUERY');
      }
    } finally {
      socket.close();
      full.close();
    }
  });

  it('closes a connection that sends what is not a Socket.IO message, or a frame over maxHttpBufferSize, and serves the others', { timeout: 60_000 }, async () => {
    const bystander = await connect(app.url);
    const outcomes: string[] = [];
    /**
     * Opens a socket, does `act`, then pings: the server either closed the connection (the ping is
     * never answered) or answers the ping. Hanging is neither.
     */
    const probe = async (name: string, act: (socket: Socket, raw: RawSocket) => unknown, expected: 'closed' | 'open' | 'either' | 'gone') => {
      const socket = await connect(app.url);
      const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(`closed (${reason})`)));
      await act(socket, socket as unknown as RawSocket);
      const ping = socket
        .timeout(expected === 'gone' ? 1_000 : 5_000)
        .emitWithAck('io:ping')
        .then(
          (answer: Answer) => (answer.success ? 'open' : `ping refused ${preview(answer)}`),
          (error: Error) => `no ping answer (${error.message})`,
        );
      const outcome = await Promise.race([closed, ping]);
      outcomes.push(`${name}: ${outcome}`);
      socket.close();
      const ok =
        expected === 'closed'
          ? outcome.startsWith('closed')
          : expected === 'open'
            ? outcome === 'open'
            : expected === 'gone'
              ? outcome !== 'open'
              : outcome === 'open' || outcome.startsWith('closed');
      expect.soft(ok, `${name}: ${outcome} (expected ${expected})`).toBe(true);
    };
    // Engine.IO's "4" (message), Socket.IO's "2" (event), the ack id, the JSON.
    const frame = (id: number, uidLength: number) => `42${id}["subscribe",{"uid":""}]`.length + uidLength;
    const atLimit = MAX_FRAME - frame(0, 0);

    // The largest frame the server takes is answered; one byte more and Socket.IO closes the connection (by design).
    let answer: unknown;
    await probe('a frame of exactly maxHttpBufferSize', async (socket) => (answer = await socket.emitWithAck('subscribe', { uid: 'x'.repeat(atLimit) })), 'open');
    expect(answer).toMatchObject({ success: false, error: { code: 'INVALID_PAYLOAD' } });
    await probe('a frame one byte over maxHttpBufferSize', (socket) => void socket.emit('subscribe', { uid: 'x'.repeat(atLimit + 1) }, () => {}), 'closed');
    await probe('a frame of 2 MB', (socket) => void socket.emit('io:ping', 'y'.repeat(2 * MAX_FRAME)), 'closed');
    await probe('an attachment of exactly maxHttpBufferSize', async (socket) => (answer = await socket.emitWithAck('subscribe-entity', Buffer.alloc(MAX_FRAME))), 'open');
    expect(answer).toMatchObject({ success: false, error: { code: 'INVALID_PAYLOAD' } });
    await probe('an attachment one byte over', (socket) => void socket.emit('subscribe-entity', Buffer.alloc(MAX_FRAME + 1), () => {}), 'closed');
    await probe('10 attachments', async (socket) => (answer = await socket.emitWithAck('subscribe', Array.from({ length: 10 }, () => Buffer.alloc(8)))), 'open');
    expect(answer).toMatchObject({ success: false, error: { code: 'INVALID_PAYLOAD' } });
    await probe('11 attachments (the parser takes 10)', (socket) => void socket.emit('subscribe', Array.from({ length: 11 }, () => Buffer.alloc(8)), () => {}), 'closed');

    // Reserved event names: socket.io-client refuses to send them, the server's parser closes the connection.
    // (Socket.IO packets as text: "2" EVENT, "3" ACK, "0" CONNECT, "1" DISCONNECT, "4" CONNECT_ERROR, "5"/"6" binary.)
    for (const name of ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']) {
      await probe(`the reserved event "${name}"`, (_, raw) => raw.io.engine.write(`2["${name}","io server disconnect"]`), 'closed');
    }
    // Packets that are not Socket.IO's: closed, by design.
    const malformed = ['', '2', '2[', '2{}', '2"x"', '2[]', '2[null]', '2[{}]', '2[true]', 'x', '9', '7', '2abc["io:ping"]', '21.5["io:ping"]',
      '5-["io:ping"]', '599-["io:ping"]', '51-["subscribe",{"_placeholder":true,"num":5}]', '2/nope,["io:ping"]', '4{}', '4"x"', '0', '2[{"x":1}]'];
    for (const text of malformed) await probe(`the packet ${JSON.stringify(text)}`, (_, raw) => raw.io.engine.write(text), 'either');
    // Valid packets the server has nothing to do with: ignored (or, for a second CONNECT, closed).
    for (const text of ['3[]', '399["x"]', '2[5,"x"]', '212[7]', '299999999999999999999["io:ping"]', '0/admin,{}', '2["__proto__",{}]']) {
      await probe(`the packet ${JSON.stringify(text)}`, (_, raw) => raw.io.engine.write(text), 'either');
    }
    // The DISCONNECT packet: the server forgets the socket (the ping sent after it is dropped; Socket.IO
    // leaves the bare Engine.IO connection open).
    await probe('the packet "1"', (_, raw) => raw.io.engine.write('1'), 'gone');
    // Engine.IO frames that are not: the transport closes (or ignores them).
    for (const text of ['9', 'x', '', '1', '5', '6', '2probe', '3', '4', '40']) {
      await probe(`the Engine.IO frame ${JSON.stringify(text)}`, (_, raw) => raw.io.engine.transport.ws?.send(text), 'either');
    }
    console.log(`wire: ${outcomes.length} cases\n  ${outcomes.join('\n  ')}`);
    expect(await bystander.timeout(5_000).emitWithAck('io:ping')).toMatchObject({ success: true });
    expect(bystander.connected).toBe(true);
    bystander.close();
    expect(processFailures).toEqual([]);
  });

  it('still serves afterwards, logged a handful of errors at most, and is back to its live queries and its memory', { timeout: 60_000 }, async () => {
    // A normal subscriber still gets its events.
    const listener = await connect(app.url);
    const received = record(listener);
    const entity = await connect(app.url);
    const entityReceived = record(entity);
    const { id } = (await listener.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'After the fuzz' } } })) as { id: string };
    expect(await entity.emitWithAck('subscribe-entity', { uid: ARTICLE, id: articleIds[1] })).toMatchObject({ success: true });
    await app.strapi.documents(ARTICLE).update({ documentId: articleIds[1]!, data: { title: 'After the fuzz' }, status: 'published' });
    await settle(app.strapi, listener, entity);
    expect(contentEvents(received).map(({ event, args }) => [event, (args[0] as { documentId: string }).documentId, (args[1] as { subscription?: string }).subscription])).toEqual([
      ['article:create', articleIds[1], id],
    ]);
    expect(contentEvents(entityReceived).map(({ event }) => event)).toEqual(['article:update']);
    listener.close();
    entity.close();

    // Every query the fuzz left is forgotten once its sockets are gone.
    await expect.poll(() => app.strapi.$io.stats().liveQueries, { timeout: 10_000 }).toBe(figures.liveQueriesBefore);
    hugeStrings.clear();
    const heapAfter = await heapUsed(gc);
    const errors = logError.mock.calls.length;
    console.log(
      `heap: ${mb(figures.heapBefore)} before, ${mb(heapAfter)} after (${heapAfter >= figures.heapBefore ? '+' : ''}${mb(heapAfter - figures.heapBefore)}; gc ${gc ? 'forced' : 'not available'}); live queries ${app.strapi.$io.stats().liveQueries}; log.error ${errors}`,
    );
    expect(heapAfter - figures.heapBefore, 'heap growth after the fuzz').toBeLessThan(50 * 1024 * 1024);
    expect(errors, 'log.error calls').toBeLessThanOrEqual(5);
    expect(processFailures).toEqual([]);
  });
});

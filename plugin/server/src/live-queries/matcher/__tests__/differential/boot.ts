/**
 * Boots the example app with one extra, test-only content type, `api::probe.probe`, which holds the
 * attribute kinds the example types lack (numbers, booleans, dates, times, enumerations, json) and
 * relations of the remaining shapes (a one-to-one and a many-to-many to draft & publish articles).
 * The example's schemas stay untouched: the type is added to Strapi's registry between `register()`
 * and `bootstrap()` (where the database schema is built) by wrapping `Strapi.prototype.register`
 * for the duration of the boot.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { bootExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';

const require = createRequire(import.meta.url);

export const PROBE_UID = 'api::probe.probe';

export const PROBE_SCHEMA = {
  kind: 'collectionType',
  collectionName: 'probes',
  info: { singularName: 'probe', pluralName: 'probes', displayName: 'Probe' },
  options: { draftAndPublish: false },
  attributes: {
    label: { type: 'string' },
    note: { type: 'richtext' },
    email: { type: 'email' },
    count: { type: 'integer' },
    big: { type: 'biginteger' },
    ratio: { type: 'float' },
    price: { type: 'decimal' },
    flag: { type: 'boolean' },
    day: { type: 'date' },
    clock: { type: 'time' },
    moment: { type: 'datetime' },
    stamp: { type: 'timestamp' },
    level: { type: 'enumeration', enum: ['low', 'medium', 'high', 'Extra'] },
    data: { type: 'json' },
    article: { type: 'relation', relation: 'oneToOne', target: 'api::article.article' },
    articles: { type: 'relation', relation: 'manyToMany', target: 'api::article.article' },
    category: { type: 'relation', relation: 'manyToOne', target: 'api::category.category' },
  },
};

type StrapiClass = { prototype: { register(this: unknown): Promise<unknown> } };

export async function bootWithProbe(env: Record<string, string> = {}): Promise<ExampleApp> {
  const coreDir = path.dirname(require.resolve('@strapi/core/package.json'));
  const Strapi = require(path.join(coreDir, 'dist', 'Strapi.js')) as StrapiClass;
  const register = Strapi.prototype.register;
  Strapi.prototype.register = async function registerWithProbe(this: { get(name: string): { add(namespace: string, types: object): void } }) {
    const result = await register.call(this);
    this.get('content-types').add('api::probe', { probe: { schema: structuredClone(PROBE_SCHEMA) } });
    return result;
  };
  try {
    return await bootExampleApp({ seed: false, env });
  } finally {
    Strapi.prototype.register = register;
  }
}

/**
 * Seeded random content for the differential test: categories, articles (published, draft-only, and
 * published with a different draft), comments linked to both versions of an article or to one, and
 * probes with every scalar kind, nulls, and relations set and unset. Strings mix case, accents,
 * German ß, Turkish İ, emoji, LIKE wildcards, backslashes, empty strings and digit strings.
 */
import type { Core } from '@strapi/strapi';
import type { Random } from './random';

export const WORDS = [
  'alpha', 'Alpha', 'ALPHA', 'École', 'école', 'ÉCOLE', 'straße', 'STRASSE', 'Straße', 'naïve', 'NAÏVE', '🎉 party', 'emoji 🎉🎉',
  '50%', '100% sure', 'a_b', 'a%b', 'back\\slash', "it's", 'İstanbul', 'ıi', '\u212A kelvin', 'ﬀ', 'Zebra', 'zebra', 'apple', 'Apple',
  'banana', ' ', 'null', 'NULL', '5', '10', '007', 'true', 'x', 'X', 'MiXeD CaSe', 'tab\there', 'e\u0301', '\u00e9', 'Ω', '中文',
  '\uffff', '𝔘nicode', '~tilde', 'a', 'b', 'aa', 'ab', 'B',
];
const SLUGS = ['alpha', 'Alpha', 'ALPHA', 'a-b', 'a_b', 'x.y', '~t', '5', '10', 'zeta', 'Zeta', 'news', 'b'];
export const LEVELS = ['low', 'medium', 'high', 'Extra'];

export function text(random: Random): string {
  const words = Array.from({ length: 1 + random.int(3) }, () => random.pick(WORDS));
  return random.chance(0.15) ? '' : words.join(random.pick([' ', '', '-']));
}

const nullable = <T>(random: Random, value: () => T, probability = 0.2): T | null => (random.chance(probability) ? null : value());

const pad = (value: number, width = 2) => String(value).padStart(width, '0');
function randomDay(random: Random): string {
  return `${random.pick([1999, 2024, 2025])}-${pad(1 + random.int(12))}-${pad(1 + random.int(28))}`;
}
function randomTime(random: Random): string {
  return `${pad(random.int(24))}:${pad(random.pick([0, 0, 30, random.int(60)]))}:${pad(random.pick([0, random.int(60)]))}.${pad(random.pick([0, 0, 500, random.int(1000)]), 3)}`;
}
function randomMoment(random: Random): string {
  return new Date(Date.UTC(2024, random.int(12), 1 + random.int(28), random.int(24), random.pick([0, 30, random.int(60)]), random.int(60), random.pick([0, random.int(1000)]))).toISOString();
}

export interface Seeded {
  categories: string[];
  articles: string[];
  comments: number;
  probes: number;
}

async function tryCreate<T>(create: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch {
    return fallback().catch((error: Error & { details?: unknown }) => {
      throw new Error(`seeding failed: ${error.message} ${JSON.stringify(error.details)}`);
    });
  }
}

export async function seedContent(strapi: Core.Strapi, random: Random, size = { categories: 10, articles: 45, comments: 45, probes: 55 }): Promise<Seeded> {
  const documents = (uid: string) => strapi.documents(uid as never) as unknown as {
    create(params: Record<string, unknown>): Promise<{ documentId: string }>;
    update(params: Record<string, unknown>): Promise<unknown>;
    publish(params: Record<string, unknown>): Promise<unknown>;
    unpublish(params: Record<string, unknown>): Promise<unknown>;
  };
  const categories: string[] = [];
  for (let i = 0; i < size.categories; i++) {
    const data = { name: text(random) || 'unnamed', slug: nullable(random, () => `${random.pick(SLUGS)}`) };
    const created = await tryCreate(() => documents('api::category.category').create({ data }), () => documents('api::category.category').create({ data: { ...data, slug: `c${i}` } }));
    categories.push(created.documentId);
  }
  const categoryOf = () => (random.chance(0.25) ? null : random.pick(categories));

  const articles: string[] = [];
  const draftOnly: string[] = [];
  for (let i = 0; i < size.articles; i++) {
    const data = () => ({
      title: text(random) || 'untitled',
      slug: nullable(random, () => random.pick(SLUGS), 0.3),
      body: nullable(random, () => text(random), 0.3),
      internalNotes: nullable(random, () => text(random), 0.5),
      category: categoryOf(),
    });
    const published = random.chance(0.7);
    const initial = data();
    const created = await tryCreate(
      () => documents('api::article.article').create({ data: initial, ...(published ? { status: 'published' } : {}) }),
      () => documents('api::article.article').create({ data: { ...initial, slug: `s${i}` }, ...(published ? { status: 'published' } : {}) }),
    );
    articles.push(created.documentId);
    if (!published) draftOnly.push(created.documentId);
    // A published article whose draft has moved on: the two rows differ.
    else if (random.chance(0.4)) await documents('api::article.article').update({ documentId: created.documentId, data: { ...data(), slug: `d${i}` } }).catch(() => {});
  }

  const articleLink = () => {
    if (random.chance(0.2)) return null;
    const documentId = random.pick(articles);
    // Without a status, a relation from a type without draft & publish links both rows.
    return random.chance(0.7) ? documentId : { documentId, status: random.pick(['published', 'draft']) };
  };

  let comments = 0;
  for (let i = 0; i < size.comments; i++) {
    const article = articleLink();
    const data = { text: text(random) || 'no comment', article: article === null ? null : typeof article === 'string' ? article : { connect: [article] } };
    await tryCreate(() => documents('api::comment.comment').create({ data }), () => documents('api::comment.comment').create({ data: { ...data, article: null } }));
    comments += 1;
  }

  let probes = 0;
  for (let i = 0; i < size.probes; i++) {
    const article = articleLink();
    const data = {
      label: nullable(random, () => text(random)),
      note: nullable(random, () => text(random)),
      email: nullable(random, () => `${random.pick(['a', 'B', 'x_y', 'z%'])}@${random.pick(['example.com', 'EXAMPLE.com'])}`),
      count: nullable(random, () => random.pick([0, 1, -1, 5, 10, 42, 2147483647, -7, random.int(100)])),
      big: nullable(random, () => random.pick(['0', '1', '-1', '9007199254740993', '-9223372036854775808', '9223372036854775807', String(random.int(1000))])),
      ratio: nullable(random, () => random.pick([0, 0.1, 0.5, 1.5, -2.25, 1e20, 3.14159, random.int(100) / 8])),
      price: nullable(random, () => random.pick([0, 0.1, 9.99, 10, 100.5, -3.25, random.int(10000) / 100])),
      flag: nullable(random, () => random.chance(0.5)),
      day: nullable(random, () => randomDay(random)),
      clock: nullable(random, () => randomTime(random)),
      moment: nullable(random, () => randomMoment(random)),
      stamp: nullable(random, () => randomMoment(random)),
      level: nullable(random, () => random.pick(LEVELS)),
      data: nullable(random, () => random.pick([{ a: 1 }, ['x'], 5, { nested: { b: 'B' } }])),
      article: article === null ? null : typeof article === 'string' ? article : { connect: [article] },
      articles: random.some(articles, 4),
      category: categoryOf(),
    };
    // Linking the published row of a draft-only article fails: keep the probe, without it.
    await tryCreate(() => documents('api::probe.probe').create({ data }), () => documents('api::probe.probe').create({ data: { ...data, article: null } }));
    probes += 1;
  }

  // Links made before a first publish, and unpublished documents, as people's data has them.
  for (const documentId of draftOnly.filter(() => random.chance(0.3))) await documents('api::article.article').publish({ documentId }).catch(() => {});
  for (const documentId of articles.filter(() => random.chance(0.08))) await documents('api::article.article').unpublish({ documentId }).catch(() => {});

  return { categories, articles, comments, probes };
}

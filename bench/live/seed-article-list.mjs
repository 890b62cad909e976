/**
 * A large published article list for the example app's pages (bench/live/browser-longtasks.mjs):
 * `count` articles titled `Story 00000`, `Story 00001`, ... inserted straight through the query
 * engine (bench/lib/seed-articles.mjs: no Document Service, no content events, a few seconds for
 * 10,000), each linked to one of the seeded categories and authors as the seeded articles are, so a
 * card shows what the example cards show (category tag, author name and avatar).
 *
 * The links go into the relations' join tables directly (names and columns from the schema's
 * metadata): the draft row of an article to the author's draft, the published row to the author's
 * published version (as Strapi links them), the category (no draft & publish) to both. A later
 * `documents(uid).update(..., status: 'published')` publishes the draft with its links, so a
 * written article keeps its category and author.
 */
import { insertPublishedDocuments } from '../lib/seed-articles.mjs';

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const AUTHOR = 'api::author.author';

export const storyTitle = (index) => `Story ${String(index).padStart(5, '0')}`;

/** Inserts the articles and their links; resolves with their documentIds, in title order. */
export async function seedArticleList(strapi, count) {
  if (count <= 0) return [];
  const articles = strapi.db.query(ARTICLE);
  const [last] = await articles.findMany({ select: ['id'], orderBy: { id: 'desc' }, limit: 1 });
  const documentIds = await insertPublishedDocuments(strapi, ARTICLE, count, (i) => ({
    title: storyTitle(i),
    slug: `story-${i}`,
    body: `Body of story ${i}, one of ${count} articles in the list.`,
  }));
  const rows = await articles.findMany({ select: ['id', 'documentId', 'publishedAt'], where: { id: { $gt: last?.id ?? 0 } }, orderBy: { id: 'asc' } });
  const position = new Map(documentIds.map((documentId, index) => [documentId, index]));

  const categories = (await strapi.db.query(CATEGORY).findMany({ select: ['id'], orderBy: { id: 'asc' } })).map(({ id }) => ({ draft: id, published: id }));
  const authorRows = await strapi.db.query(AUTHOR).findMany({ select: ['id', 'documentId', 'publishedAt'], orderBy: { id: 'asc' } });
  const authorsById = new Map();
  for (const { id, documentId, publishedAt } of authorRows) {
    const entry = authorsById.get(documentId) ?? {};
    entry[publishedAt ? 'published' : 'draft'] = id;
    authorsById.set(documentId, entry);
  }
  const authors = [...authorsById.values()].filter((author) => author.draft !== undefined && author.published !== undefined);

  const knex = strapi.db.connection;
  const { attributes } = strapi.db.metadata.get(ARTICLE);
  for (const [attribute, targets] of [
    ['category', categories],
    ['author', authors],
  ]) {
    if (targets.length === 0) continue;
    const { name, joinColumn, inverseJoinColumn, inverseOrderColumnName } = attributes[attribute].joinTable;
    // Each target's articles keep their order: new links go after the existing ones.
    const next = new Map();
    for (const { target, ord } of await knex(name).select({ target: inverseJoinColumn.name }).max({ ord: inverseOrderColumnName }).groupBy(inverseJoinColumn.name)) {
      next.set(target, ord ?? 0);
    }
    const links = rows.map((row) => {
      const target = targets[position.get(row.documentId) % targets.length][row.publishedAt ? 'published' : 'draft'];
      const ord = (next.get(target) ?? 0) + 1;
      next.set(target, ord);
      return { [joinColumn.name]: row.id, [inverseJoinColumn.name]: target, [inverseOrderColumnName]: ord };
    });
    await knex.transaction((trx) => knex.batchInsert(name, links, 500).transacting(trx));
  }
  return documentIds;
}

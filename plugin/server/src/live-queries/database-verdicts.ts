/**
 * The database's answer, for several live queries at once, to "does this document match?", for the
 * queries the in-memory matcher cannot decide (a database-dependent text form, a collation). One
 * statement, `SELECT EXISTS (…) AS q0, EXISTS (…) AS q1, …`, each subquery built by Strapi's own
 * query builder from the query's filters as the Document Service would run them, inside the write's
 * transaction (so it sees the state the write is at).
 */
import type { Core } from '@strapi/strapi';
import type { DocumentStatus } from '@strapi-live/client/protocol';

interface Knex {
  select(columns: Record<string, unknown>): { first(): Promise<Record<string, unknown> | undefined> };
  raw(sql: string, bindings: unknown[]): unknown;
}

interface QueryBuilder {
  init(params: Record<string, unknown>): QueryBuilder;
  getKnexQuery(): unknown;
}

const CHUNK = 500;

export interface DocumentKey {
  documentId: string;
  locale: string | null;
  status: DocumentStatus;
}

export async function databaseVerdicts(
  strapi: Core.Strapi,
  trx: Knex,
  uid: string,
  key: DocumentKey,
  filters: readonly Record<string, unknown>[],
): Promise<boolean[]> {
  if (filters.length === 0) return [];
  const model = strapi.getModel(uid as never) as { options?: { draftAndPublish?: boolean } } | undefined;
  const lookup: Record<string, unknown> = { documentId: key.documentId };
  if (model?.options?.draftAndPublish) lookup.publishedAt = key.status === 'published' ? { $notNull: true } : { $null: true };
  if (key.locale !== null) lookup.locale = key.locale;
  // A statement has a column per filter: SQLite allows 2,000, so long lists go in chunks.
  if (filters.length > CHUNK) {
    const answers: boolean[] = [];
    for (let from = 0; from < filters.length; from += CHUNK) answers.push(...(await databaseVerdicts(strapi, trx, uid, key, filters.slice(from, from + CHUNK))));
    return answers;
  }
  const queryParams = strapi.get('query-params') as { transform(uid: string, params: Record<string, unknown>): { where?: Record<string, unknown> } };
  const entityManager = (strapi.db as unknown as { entityManager: { createQueryBuilder(uid: string): QueryBuilder } }).entityManager;
  const columns: Record<string, unknown> = {};
  filters.forEach((filter, i) => {
    const { where = {} } = queryParams.transform(uid, { filters: filter });
    const subquery = entityManager.createQueryBuilder(uid).init({ where: { $and: [where, lookup] }, select: ['id'] }).getKnexQuery();
    // knex puts the subquery in parentheses itself.
    columns[`q${i}`] = trx.raw('exists ?', [subquery]);
  });
  const row = (await trx.select(columns).first()) ?? {};
  // SQLite answers 0/1, PostgreSQL true/false.
  return filters.map((_, i) => Boolean(Number(row[`q${i}`])));
}

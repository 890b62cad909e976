/**
 * How the database orders what a REST `sort` compares, sent to clients in the subscribe
 * acknowledgement so that the SDK keeps a live list in the order REST returns it. The SDK compares
 * text by code point: right on SQLite (BINARY collation) and on a PostgreSQL database whose collation
 * is C or POSIX, not under the linguistic collations most production databases use (`a < B < é`),
 * where it reads the list again instead of placing a document itself.
 */
import type { Core } from '@strapi/strapi';
import type { DatabaseOrder } from '@strapi-live/client/protocol';
import type { Dialect } from './model-info';

/** The columns of `pg_database` that decide (named per version: `daticulocale` on 15-16, `datlocale` from 17). */
export interface PostgresCollation {
  datcollate?: string | null;
  /** `c` libc, `i` ICU, `b` builtin (17+); absent before 15 (libc). */
  datlocprovider?: string | null;
  datlocale?: string | null;
  daticulocale?: string | null;
}

/** libc locales whose collation is code point order (glibc's C.UTF-8 compares code points since 2.35). */
const LIBC_BINARY = new Set(['C', 'POSIX', 'C.UTF-8', 'C.utf8']);
/** The builtin provider's locales (PostgreSQL 17+), both code point order. */
const BUILTIN_BINARY = new Set(['C', 'C.UTF-8']);

/**
 * The order of a database of `dialect`; `collation` is what PostgreSQL's `pg_database` row says (its
 * columns vary by version, so the whole row), undefined when it could not be read.
 */
export function orderOf(dialect: Dialect, collation?: PostgresCollation): DatabaseOrder {
  // MySQL: NULL lowest as in SQLite; its default collations are linguistic (and ignore case).
  if (dialect === 'sqlite') return { text: 'binary', nulls: 'first' };
  if (dialect === 'mysql') return { text: 'collation', nulls: 'first' };
  // PostgreSQL: NULL is larger than every value. Text: binary only where the catalog says so.
  const provider = collation?.datlocprovider ?? 'c';
  let binary = false;
  if (provider === 'c') binary = LIBC_BINARY.has(collation?.datcollate ?? '');
  else if (provider === 'b') binary = BUILTIN_BINARY.has(collation?.datlocale ?? '');
  return { text: binary ? 'binary' : 'collation', nulls: 'last' };
}

/**
 * The database's order, read once (PostgreSQL's catalog; nothing to read on SQLite and MySQL) and
 * kept: a collation does not change under a running app. A failed read says `collation`, which
 * costs the SDK reads but never a wrong order.
 */
export function createDatabaseOrder(strapi: Core.Strapi, dialect: Dialect): () => Promise<DatabaseOrder> {
  let order: Promise<DatabaseOrder> | undefined;
  const read = async (): Promise<DatabaseOrder> => {
    if (dialect !== 'postgres') return orderOf(dialect);
    try {
      const result = (await strapi.db.connection.raw('SELECT * FROM pg_database WHERE datname = current_database()')) as { rows?: PostgresCollation[] };
      const row = result.rows?.[0];
      if (row) return orderOf(dialect, row);
    } catch (error) {
      strapi.log.warn(`[io] could not read the database's collation (${(error as Error).message}); clients will read sorted lists again rather than order text themselves`);
    }
    return { text: 'collation', nulls: 'last' };
  };
  return () => (order ??= read());
}

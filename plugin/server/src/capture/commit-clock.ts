import type { Core } from '@strapi/strapi';
import { dialectOf } from '../live-queries/model-info';

interface RawRunner {
  raw(sql: string): Promise<unknown>;
}

/**
 * The time of a write, in milliseconds since the epoch, for `meta.ts`, by which clients order the
 * events of one document. On PostgreSQL and MySQL it is the database's clock, read inside the
 * write's transaction after its statements took their row locks: a later write of the same
 * document waits for those locks, so it reads a later time, on whichever Strapi node it runs (node
 * clocks drift; there is one database clock). SQLite runs in one process: its clock is ours.
 */
export async function commitClock(strapi: Core.Strapi, trx: RawRunner): Promise<number> {
  const dialect = dialectOf(strapi);
  if (dialect === 'postgres') {
    const result = (await trx.raw('select extract(epoch from clock_timestamp()) * 1000 as ms')) as { rows: { ms: string | number }[] };
    return Number(result.rows[0]!.ms);
  }
  if (dialect === 'mysql') {
    const [rows] = (await trx.raw('select unix_timestamp(now(6)) * 1000 as ms')) as [{ ms: string | number }[]];
    return Number(rows[0]!.ms);
  }
  return Date.now();
}

import type { Core } from '@strapi/strapi';
import type { DocumentState } from '../live-queries/matcher';
import type { DependentKey } from '../live-queries/state-loader';
import { databaseVerdicts } from '../live-queries/database-verdicts';
import { inSavepoint } from '../live-queries/savepoint';
import { createThrottledLog } from '../socket/throttled-log';
import type { LiveQuery } from './live-query-registry';

/**
 * Whether a document's states match live queries: judged inside the write's transaction where the
 * matcher may need the database, matched in memory after the commit otherwise, and asked of the
 * database after the commit for a query the states cannot decide.
 */
export function createQueryVerdicts({
  strapi,
  stats,
  candidates,
}: {
  strapi: Core.Strapi;
  stats: { evaluated: number; fallbackReads: number };
  /** The queries a state of `uid` can concern that must be judged inside the write. */
  candidates: (uid: string, key: DependentKey, state: DocumentState) => Iterable<LiveQuery>;
}) {
  /** Filters the database refuses on a write: logged once a minute per type. */
  const logRefusal = createThrottledLog((line) => strapi.log.error(line));

  /**
   * Each state's verdicts, taken inside the write's transaction (per state object, so they go with
   * the change that carries the state): in memory where the matcher decides, else the database's.
   */
  const verdicts = new WeakMap<object, Map<string, boolean>>();

  /**
   * Decides the live queries a state can concern while the write's transaction holds it: in
   * memory, and the ones the matcher cannot decide in one statement to the database.
   */
  async function judge(uid: string, state: DocumentState, key: DependentKey, trx: unknown): Promise<void> {
    const judged = new Map<string, boolean>();
    const undecided: LiveQuery[] = [];
    for (const query of candidates(uid, key, state)) {
      stats.evaluated += 1;
      const verdict = query.compiled.matches(state);
      if (verdict === undefined) undecided.push(query);
      else judged.set(query.id, verdict);
    }
    if (undecided.length > 0) {
      stats.fallbackReads += 1;
      const outcome = await inSavepoint(trx, () => databaseVerdicts(strapi, trx as never, uid, key, undecided.map((query) => query.def.filters)));
      if (outcome.ok) undecided.forEach((query, i) => judged.set(query.id, outcome.value[i]!));
      else logRefusal(uid, () => `[io] live queries: the database refused to evaluate ${undecided.length} filter(s) of ${uid}; they miss this change: ${outcome.error.message.slice(0, 300)}`);
    }
    if (judged.size > 0) verdicts.set(state, judged);
  }

  const noState = (): boolean => false;

  /**
   * Whether a state matches a live query: as judged during the write where that may need the
   * database, else matched now on the state. Undefined when the state lacks what the query reads
   * (subscribed while the write was in flight; see {@link matchesNow}). Taken once per state, as a
   * write may ask it of thousands of queries.
   */
  function matcherOf(state: DocumentState | null): (query: LiveQuery) => boolean | undefined {
    if (state === null) return noState;
    const judged = verdicts.get(state);
    return (query) => {
      const verdict = judged?.get(query.id);
      if (verdict !== undefined) return verdict;
      stats.evaluated += 1;
      return query.compiled.matches(state);
    };
  }

  /**
   * Whether the document matches a query now, asked of the database after the write committed: for
   * a query subscribed while the write was in flight, whose paths the write's states do not hold.
   */
  async function matchesNow(query: LiveQuery, key: { documentId: string; locale: string | null; status: 'published' | 'draft' }): Promise<boolean | undefined> {
    stats.fallbackReads += 1;
    try {
      return await documentMatches(query, key);
    } catch (error) {
      // One query the database refuses must not keep the change from everyone else.
      logRefusal(query.def.uid, () => `[io] live queries: the database refused to evaluate a filter of ${query.def.uid}; it misses this change: ${(error as Error).message.slice(0, 300)}`);
      return undefined;
    }
  }

  async function documentMatches(query: LiveQuery, key: { documentId: string; locale: string | null; status: 'published' | 'draft' }): Promise<boolean> {
    const found = await strapi.documents(query.def.uid as never).findFirst({
      filters: { $and: [query.def.filters, { documentId: { $eq: key.documentId } }] },
      status: key.status,
      ...(key.locale ? { locale: key.locale } : {}),
      fields: ['documentId'],
    } as never);
    return found !== null && found !== undefined;
  }

  return { judge, matcherOf, matchesNow };
}

export type QueryVerdicts = ReturnType<typeof createQueryVerdicts>;

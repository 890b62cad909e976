import { LiveError } from './live-error';
import type { RestInfo, StrapiDocument } from './protocol';
import type { NormalizedQuery } from './query-options';
import type { Pagination, RestClient } from './rest';

/**
 * How each kind of live query reads Strapi's REST API: a collection its list (one page, or every
 * page), an entity `/:documentId`, a single type its one entry. Pure mapping, no query state.
 */

/**
 * Why a query cannot read this type (a single type has no list and no `/:documentId` route; a
 * collection type has no one entry), or undefined when it can.
 */
export function wrongKind(query: NormalizedQuery, rest: RestInfo): LiveError | undefined {
  if (query.kind === 'single' && rest.kind !== 'singleType') {
    return new LiveError('INVALID_QUERY', `${query.uid} is a collection type, not a single type: read it with live.collection or live.entity (useLiveCollection, useLiveEntity)`);
  }
  if (query.kind !== 'single' && rest.kind === 'singleType') {
    return new LiveError('INVALID_QUERY', `${query.uid} is a single type: read it with live.single (useLiveSingle), not live.${query.kind}`);
  }
  return undefined;
}

export interface QueryRead<T> {
  /** The documents read: the list, or the one document ([] when there is none for this reader). */
  items: T[];
  /** The page's pagination, for a query that asked for a page. */
  pagination?: Pagination;
  /** REST requests the read took: a list read in several may have shifted between them. */
  pages: number;
}

/** Reads what `query` shows, as the socket's principal (`rest.path` is where its type is served). */
export async function readQuery<T extends StrapiDocument>(client: RestClient, query: NormalizedQuery, rest: RestInfo): Promise<QueryRead<T>> {
  const params = query.rest;
  if (query.kind === 'entity') {
    const document = await client.one<T>(rest.path, query.documentId!, params);
    return { items: document ? [document] : [], pages: 1 };
  }
  if (query.kind === 'single') {
    const document = await client.single<T>(rest.path, params);
    return { items: document ? [document] : [], pages: 1 };
  }
  if (query.page) {
    const { data, pagination } = await client.list<T>(rest.path, params, query.page);
    return { items: data, pagination, pages: 1 };
  }
  const { data, pages } = await client.listAll<T>(rest.path, params);
  return { items: data, pages };
}

/** Whether two paginations say the same (a snapshot is replaced only when something changed). */
export function samePagination(a: Pagination | undefined, b: Pagination | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.page === b.page && a.pageSize === b.pageSize && a.pageCount === b.pageCount && a.total === b.total;
}

import { LiveError } from './live-error';
import type { StrapiDocument } from './protocol';
import { restQueryString } from './query-string';

export { restQueryString };

/** `meta.pagination` of a Strapi REST list response. */
export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
}

export interface RestList<T> {
  data: T[];
  pagination: Pagination | undefined;
}

/** The largest page Strapi's REST API serves by default (`api.rest.maxLimit`); it caps bigger ones. */
export const FETCH_ALL_PAGE_SIZE = 100;

/**
 * Pages of a whole list read at once, once the first page has said how many there are: a list of
 * 10,000 is 100 pages, and read one after another it waits 100 round trips. Four leaves room for
 * the app's own requests among the six connections a browser opens to one host over HTTP/1.1.
 */
export const FETCH_ALL_CONCURRENCY = 4;

function withQuery(url: string, params: Record<string, unknown>): string {
  const query = restQueryString(params);
  return query ? `${url}?${query}` : url;
}

function codeForStatus(status: number): LiveError['code'] {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 400) return 'INVALID_QUERY';
  return 'HTTP_ERROR';
}

export interface RestClientOptions {
  /** The Strapi base URL, without a trailing slash. */
  baseUrl: string;
  fetch: typeof fetch;
  /** The bearer token of the principal the socket is connected as, or null for Public. */
  token: () => string | null;
}

/** Reads Strapi's REST API as the socket's principal. */
export function createRestClient({ baseUrl, fetch: fetchImpl, token }: RestClientOptions) {
  async function get(url: string): Promise<{ status: number; body: { data?: unknown; meta?: { pagination?: Pagination }; error?: { message?: string } } | null }> {
    const bearer = token();
    let response: Response;
    try {
      response = await fetchImpl(url, { headers: { accept: 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) } });
    } catch (error) {
      throw new LiveError('NETWORK_ERROR', `GET ${url} failed: ${(error as Error).message}`, { cause: error });
    }
    let body = null;
    try {
      body = (await response.json()) as never;
    } catch (error) {
      if (response.ok) throw new LiveError('NETWORK_ERROR', `GET ${url} did not answer JSON (HTTP ${response.status})`, { cause: error, status: response.status });
    }
    return { status: response.status, body };
  }

  function fail(url: string, status: number, body: { error?: { message?: string } } | null): never {
    const reason = body?.error?.message ?? `HTTP ${status}`;
    throw new LiveError(codeForStatus(status), `GET ${url} answered ${status}: ${reason}`, { status });
  }

  /** A read of one document: its `data`, or null for a 404 (nothing there for this reader: not an error). */
  async function document<T extends StrapiDocument>(url: string): Promise<T | null> {
    const { status, body } = await get(url);
    if (status === 404) return null;
    if (status < 200 || status >= 300 || !body || typeof body.data !== 'object') fail(url, status, body);
    return (body.data as T | null) ?? null;
  }

  return {
    /** One page of a collection. */
    async list<T extends StrapiDocument>(path: string, params: Record<string, unknown>, page: { page: number; pageSize: number }): Promise<RestList<T>> {
      const url = withQuery(`${baseUrl}${path}`, { ...params, pagination: page });
      const { status, body } = await get(url);
      if (status < 200 || status >= 300 || !body || !Array.isArray(body.data)) fail(url, status, body);
      return { data: body.data as T[], pagination: body.meta?.pagination };
    },

    /**
     * Every page of a collection, in order. The first page says how many there are; the others are
     * then read {@link FETCH_ALL_CONCURRENCY} at a time (and past the count, should a later page
     * say the list grew). A server that does not count pages is read one page after another.
     * `pages` says how many requests it took: a list read in several requests may have shifted
     * between them.
     */
    async listAll<T extends StrapiDocument>(path: string, params: Record<string, unknown>): Promise<{ data: T[]; pages: number }> {
      const read = (page: number) => this.list<T>(path, params, { page, pageSize: FETCH_ALL_PAGE_SIZE });
      const first = await read(1);
      const counted = first.pagination?.pageCount;
      if (counted === undefined) {
        // A server that does not count: one page after another, until one comes back short.
        const data = [...first.data];
        let page = 1;
        for (let last = first; last.data.length > 0 && last.data.length >= (last.pagination?.pageSize ?? FETCH_ALL_PAGE_SIZE); ) {
          page += 1;
          last = await read(page);
          data.push(...last.data);
        }
        return { data, pages: page };
      }
      let pageCount = counted;
      const pages: T[][] = [first.data];
      let next = 2;
      let requests = 1;
      let failed = false;
      const readOn = async (): Promise<void> => {
        while (next <= pageCount && !failed) {
          const page = next++;
          const result = await read(page).catch((error: unknown) => {
            failed = true; // the read has failed: the other lanes send no more requests
            throw error;
          });
          requests += 1;
          pages[page - 1] = result.data;
          pageCount = Math.max(pageCount, result.pagination?.pageCount ?? 0);
        }
      };
      await Promise.all(Array.from({ length: Math.max(0, Math.min(FETCH_ALL_CONCURRENCY, pageCount - 1)) }, readOn));
      const data: T[] = [];
      for (const items of pages) if (items) data.push(...items);
      return { data, pages: requests };
    },

    /** One document, or null when it does not exist for this reader (404). */
    one<T extends StrapiDocument>(path: string, documentId: string, params: Record<string, unknown>): Promise<T | null> {
      return document<T>(withQuery(`${baseUrl}${path}/${encodeURIComponent(documentId)}`, params));
    },

    /** A single type's entry (`GET /api/<singular>`), or null while it has none for this reader (404). */
    single<T extends StrapiDocument>(path: string, params: Record<string, unknown>): Promise<T | null> {
      return document<T>(withQuery(`${baseUrl}${path}`, params));
    },
  };
}

export type RestClient = ReturnType<typeof createRestClient>;

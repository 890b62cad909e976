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
     * Every page of a collection, in order. `pages` says how many requests it took: a list read in
     * several requests may have shifted between them.
     */
    async listAll<T extends StrapiDocument>(path: string, params: Record<string, unknown>): Promise<{ data: T[]; pages: number }> {
      const data: T[] = [];
      for (let page = 1; ; page += 1) {
        const result = await this.list<T>(path, params, { page, pageSize: FETCH_ALL_PAGE_SIZE });
        data.push(...result.data);
        const pageCount = result.pagination?.pageCount;
        const pageSize = result.pagination?.pageSize ?? FETCH_ALL_PAGE_SIZE;
        const more = pageCount !== undefined ? page < pageCount : result.data.length >= pageSize;
        if (!more || result.data.length === 0) return { data, pages: page };
      }
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

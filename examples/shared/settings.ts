/**
 * What the three example pages share: where Strapi is, and the live query the controls build.
 * Each page imports this file directly (it is not a package).
 */
import type { DocumentShape } from '@strapi-live/client';

/**
 * The Strapi base URL, in this order: `?api=<url>` in the page's address (tests point the page at an
 * app on another port this way), `VITE_STRAPI_URL` at build time, else the page's own origin: in
 * `npm start` Strapi serves the built pages itself (http://localhost:1337/react/), and `vite dev`
 * proxies `/api` and `/socket.io` to Strapi, so the origin is right in both.
 *
 * Read once: the pages never change their address, and {@link mediaUrl} asks for it for every
 * card's avatar (parsing `location.search` each time cost a list of 10,000 cards ~240 ms a render).
 */
export function strapiUrl(): string {
  if (resolvedUrl === undefined) {
    const fromQuery = new URLSearchParams(window.location.search).get('api');
    const configured = fromQuery || import.meta.env.VITE_STRAPI_URL || window.location.origin;
    resolvedUrl = configured.replace(/\/+$/, '');
  }
  return resolvedUrl;
}

let resolvedUrl: string | undefined;

export const ARTICLE_UID = 'api::article.article';
export const CATEGORY_UID = 'api::category.category';

export type SortKey = 'title' | 'updatedAt';

export const SORT_OPTIONS: { value: SortKey; label: string }[] = [
  { value: 'title', label: 'Title (A–Z)' },
  { value: 'updatedAt', label: 'Last updated' },
];

const SORTS: Record<SortKey, string> = { title: 'title:asc', updatedAt: 'updatedAt:desc' };

/** `''` stands for every category. */
export interface ArticleControls {
  category: string;
  sort: SortKey;
}

/**
 * The live query of the article list: published articles (the default view), with their category
 * and their author's name and avatar, filtered by category slug when one is chosen. A renamed
 * category or author reaches the cards too: the server says `io:related` and the SDK reads again
 * the queries that show it populated.
 */
export function articleQuery({ category, sort }: ArticleControls) {
  return {
    ...(category ? { filters: { category: { slug: { $eq: category } } } } : {}),
    sort: [SORTS[sort]],
    populate: { category: true, author: { populate: ['avatar'] } },
  } as const;
}

export const categoryQuery = { sort: ['name:asc'], fields: ['name', 'slug'] } as const;

/** What the pages show, typed from the registered schema (strapi-live.d.ts) as REST returns it. */
export type Article = DocumentShape<typeof ARTICLE_UID, ReturnType<typeof articleQuery>>;
export type Category = DocumentShape<typeof CATEGORY_UID, typeof categoryQuery>;

/** The category filter's choices: a category without a slug cannot be filtered by it. */
export function categoryOptions(categories: readonly Category[] | undefined): { key: string; value: string; label: string }[] {
  return (categories ?? []).flatMap(({ documentId, slug, name }) => (slug ? [{ key: documentId, value: slug, label: name }] : []));
}

/**
 * A media file's URL as an `<img src>`: the local upload provider answers with a path on the Strapi
 * server, which is not the page's origin when the page is pointed elsewhere (`?api=`).
 */
export const mediaUrl = (url: string): string => (url.startsWith('/') && !url.startsWith('//') ? `${strapiUrl()}${url}` : url);

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' });

export const formatDate = (iso: string | null): string => (iso ? dateFormat.format(new Date(iso)) : 'never');

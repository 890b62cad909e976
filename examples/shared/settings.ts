/**
 * What the three example pages share: where Strapi is, and the live query the controls build.
 * Each page imports this file directly (it is not a package).
 */

/**
 * The Strapi base URL, in this order: `?api=<url>` in the page's address (tests point the page at an
 * app on another port this way), `VITE_STRAPI_URL` at build time, else the page's own origin: in
 * `npm start` Strapi serves the built pages itself (http://localhost:1337/react/), and `vite dev`
 * proxies `/api` and `/socket.io` to Strapi, so the origin is right in both.
 */
export function strapiUrl(): string {
  const fromQuery = new URLSearchParams(window.location.search).get('api');
  const configured = fromQuery || import.meta.env.VITE_STRAPI_URL || window.location.origin;
  return configured.replace(/\/+$/, '');
}

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
 * The live query of the article list: published articles (the default view), with their category,
 * filtered by category slug when one is chosen.
 */
export function articleQuery({ category, sort }: ArticleControls) {
  return {
    ...(category ? { filters: { category: { slug: { $eq: category } } } } : {}),
    sort: [SORTS[sort]],
    populate: ['category'],
  };
}

export const categoryQuery = { sort: ['name:asc'], fields: ['name', 'slug'] };

export interface Category {
  documentId: string;
  name: string;
  slug: string;
}

export interface Article {
  documentId: string;
  title: string;
  slug?: string | null;
  body?: string | null;
  updatedAt: string;
  category?: Category | null;
}

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' });

export const formatDate = (iso: string): string => dateFormat.format(new Date(iso));

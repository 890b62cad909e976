/**
 * The localized content the three pages show next to the articles: the example app's locales, the
 * live list of pages in the chosen one, and (with {@link homepageQuery}) the homepage's headline.
 */
import type { DocumentShape } from '@strapi-live/client';

export const PAGE_UID = 'api::page.page';
export const HOMEPAGE_UID = 'api::homepage.homepage';

/** The example app's locales (examples/strapi-app/src/bootstrap/locales.ts); `en` is Strapi's default. */
export const LOCALES = [
  { code: 'en', label: 'English' },
  { code: 'fr', label: 'Français' },
  { code: 'de', label: 'Deutsch' },
] as const;

export type Locale = (typeof LOCALES)[number]['code'];

export const DEFAULT_LOCALE: Locale = 'en';

/** A `<select>`'s value as a locale: anything else falls back to the default. */
export const toLocale = (value: string): Locale => LOCALES.find(({ code }) => code === value)?.code ?? DEFAULT_LOCALE;

/**
 * The live list of pages in one locale: its published versions (a locale still in draft is not
 * listed), by title. `links` and `cover` are populated as plainly as the server's event `populate`
 * has them, so an event updates the list without a REST read.
 */
export function pageQuery(locale: Locale) {
  return { locale, sort: ['title:asc'], populate: { links: true, cover: true } } as const;
}

export type Page = DocumentShape<typeof PAGE_UID, ReturnType<typeof pageQuery>>;

/** The homepage's entry in one locale: only its headline is shown. */
export function homepageQuery(locale: Locale) {
  return { locale, fields: ['headline'] } as const;
}

export type Homepage = DocumentShape<typeof HOMEPAGE_UID, ReturnType<typeof homepageQuery>>;

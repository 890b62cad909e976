import type { Core } from '@strapi/strapi';

/** The example's languages; English is Strapi's default locale, created by the i18n plugin. */
export const EXAMPLE_LOCALES = [
  { code: 'en', name: 'English (en)' },
  { code: 'fr', name: 'French (fr)' },
  { code: 'de', name: 'German (de)' },
] as const;

export type ExampleLocale = (typeof EXAMPLE_LOCALES)[number]['code'];

/** Adds the example's locales that are missing (kept if an administrator renames them). */
export async function ensureExampleLocales(strapi: Core.Strapi): Promise<void> {
  const locales = strapi.plugin('i18n').service('locales');
  for (const locale of EXAMPLE_LOCALES) {
    if (!(await locales.findByCode(locale.code))) await locales.create({ code: locale.code, name: locale.name });
  }
}

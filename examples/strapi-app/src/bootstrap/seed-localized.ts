import type { Core } from '@strapi/strapi';
import type { ExampleLocale } from './locales';
import type { SeedImage } from './seed-media';

type Translations<T> = Record<ExampleLocale, T>;

const HOMEPAGE: Translations<{ headline: string; intro: string }> = {
  en: { headline: 'Welcome to the live example', intro: 'Everything on these pages follows the content as editors change it.' },
  fr: { headline: "Bienvenue dans l'exemple en direct", intro: 'Tout sur ces pages suit le contenu dès que les rédacteurs le changent.' },
  de: { headline: 'Willkommen beim Live-Beispiel', intro: 'Alles auf diesen Seiten folgt den Inhalten, sobald die Redaktion sie ändert.' },
};

type PageContent = { title: string; links: { label: string; url: string }[]; body: string; quote: string };

const PAGES: { slug: string; published: ExampleLocale[]; translations: Partial<Translations<PageContent>>; cover?: SeedImage }[] = [
  {
    slug: 'welcome',
    published: ['en', 'fr', 'de'],
    cover: 'cover-welcome',
    translations: {
      en: { title: 'Welcome', links: [{ label: 'Articles', url: '/react/' }], body: 'A page made of **components**.', quote: 'Content that stays in sync.' },
      fr: { title: 'Bienvenue', links: [{ label: 'Articles', url: '/react/' }], body: 'Une page faite de **composants**.', quote: 'Un contenu toujours à jour.' },
      de: { title: 'Willkommen', links: [{ label: 'Artikel', url: '/react/' }], body: 'Eine Seite aus **Komponenten**.', quote: 'Inhalte, die synchron bleiben.' },
    },
  },
  {
    slug: 'about',
    // German is still a draft: readers of the published view see the page in English and French only.
    published: ['en', 'fr'],
    translations: {
      en: { title: 'About', links: [], body: 'Made with Strapi and Socket.IO.', quote: 'Real time, for real.' },
      fr: { title: 'À propos', links: [], body: 'Fait avec Strapi et Socket.IO.', quote: 'Du temps réel, pour de vrai.' },
      de: { title: 'Über uns', links: [], body: 'Gebaut mit Strapi und Socket.IO.', quote: 'Echtzeit, wirklich.' },
    },
  },
];

function pageData(slug: string, content: PageContent, cover: number | undefined) {
  return {
    title: content.title,
    slug,
    links: content.links,
    sections: [
      { __component: 'page.rich-text' as const, body: content.body },
      { __component: 'page.quote' as const, text: content.quote, by: 'The example app' },
    ],
    ...(cover ? { cover } : {}),
  };
}

/** The localized page type in every locale (one draft), and the homepage single type. */
export async function seedLocalizedContent(strapi: Core.Strapi, media: Map<SeedImage, number>): Promise<void> {
  if ((await strapi.documents('api::page.page').count({})) === 0) {
    for (const page of PAGES) {
      let documentId: string | undefined;
      for (const [locale, content] of Object.entries(page.translations) as [ExampleLocale, PageContent][]) {
        const status = page.published.includes(locale) ? ({ status: 'published' } as const) : {};
        const data = pageData(page.slug, content, page.cover && media.get(page.cover));
        // The first locale creates the document; the others are locales of the same document.
        const written = documentId
          ? await strapi.documents('api::page.page').update({ documentId, locale, data, ...status })
          : await strapi.documents('api::page.page').create({ locale, data, ...status });
        documentId ??= written?.documentId;
      }
    }
  }
  if (!(await strapi.documents('api::homepage.homepage').findFirst({ locale: 'en' }))) {
    let documentId: string | undefined;
    for (const [locale, data] of Object.entries(HOMEPAGE) as [ExampleLocale, (typeof HOMEPAGE)['en']][]) {
      const written = documentId
        ? await strapi.documents('api::homepage.homepage').update({ documentId, locale, data, status: 'published' })
        : await strapi.documents('api::homepage.homepage').create({ locale, data, status: 'published' });
      documentId ??= written?.documentId;
    }
  }
}

import type { Core } from '@strapi/strapi';

const CATEGORIES = [
  { name: 'News', slug: 'news' },
  { name: 'Tutorials', slug: 'tutorials' },
  { name: 'Releases', slug: 'releases' },
];

const ARTICLES = [
  { title: 'Strapi goes real-time', category: 'news', published: true, body: 'Every change reaches the page as it happens.' },
  { title: 'Live collections in React', category: 'tutorials', published: true, body: 'useLiveCollection keeps a list in sync.' },
  { title: 'Live collections in Vue', category: 'tutorials', published: true, body: 'The same, as composables.' },
  { title: 'Release notes 0.1', category: 'releases', published: true, body: 'The first release.' },
  { title: 'Draft: what comes next', category: 'news', published: false, body: 'Not for readers yet.' },
];

const slugify = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Seeds a few categories, published and draft articles, and comments, once. */
export async function seedExampleContent(strapi: Core.Strapi): Promise<void> {
  if ((await strapi.documents('api::category.category').count({})) > 0) return;
  const categoryIds = new Map<string, string>();
  for (const category of CATEGORIES) {
    const created = await strapi.documents('api::category.category').create({ data: category });
    categoryIds.set(category.slug, created.documentId);
  }
  for (const article of ARTICLES) {
    const created = await strapi.documents('api::article.article').create({
      data: {
        title: article.title,
        slug: slugify(article.title),
        body: article.body,
        internalNotes: 'Editors only: never sent to readers.',
        category: categoryIds.get(article.category),
      },
      ...(article.published ? { status: 'published' as const } : {}),
    });
    if (article.published) {
      await strapi.documents('api::comment.comment').create({
        data: { text: `First comment on "${article.title}"`, article: created.documentId },
      });
    }
  }
}

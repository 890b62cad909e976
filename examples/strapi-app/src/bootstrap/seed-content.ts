import type { Core } from '@strapi/strapi';
import { seedLocalizedContent } from './seed-localized';
import { seedMedia } from './seed-media';
import type { SeedImage } from './seed-media';

const CATEGORIES = [
  { name: 'News', slug: 'news' },
  { name: 'Tutorials', slug: 'tutorials' },
  { name: 'Releases', slug: 'releases' },
];

const AUTHORS: { key: string; name: string; bio: string; avatar: SeedImage }[] = [
  { key: 'ada', name: 'Ada Lovelace', bio: 'Writes about what machines can do.', avatar: 'avatar-ada' },
  { key: 'grace', name: 'Grace Hopper', bio: 'Writes the tutorials.', avatar: 'avatar-grace' },
  { key: 'alan', name: 'Alan Turing', bio: 'Keeps the release notes.', avatar: 'avatar-alan' },
];

const ARTICLES = [
  { title: 'Strapi goes real-time', category: 'news', author: 'ada', published: true, body: 'Every change reaches the page as it happens.' },
  { title: 'Live collections in React', category: 'tutorials', author: 'grace', published: true, body: 'useLiveCollection keeps a list in sync.' },
  { title: 'Live collections in Vue', category: 'tutorials', author: 'grace', published: true, body: 'The same, as composables.' },
  { title: 'Release notes 0.1', category: 'releases', author: 'alan', published: true, body: 'The first release.' },
  { title: 'Draft: what comes next', category: 'news', author: 'ada', published: false, body: 'Not for readers yet.' },
];

const ANNOUNCEMENT = { message: 'Live updates are on: edit this banner in the admin and watch it change.', level: 'info', active: true } as const;

const slugify = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Categories, authors, published and draft articles with comments: once, on an empty database. */
async function seedArticles(strapi: Core.Strapi, media: Map<SeedImage, number>): Promise<void> {
  if ((await strapi.documents('api::category.category').count({})) > 0) return;
  const categoryIds = new Map<string, string>();
  for (const category of CATEGORIES) {
    const created = await strapi.documents('api::category.category').create({ data: category });
    categoryIds.set(category.slug, created.documentId);
  }
  const authorIds = new Map<string, string>();
  for (const { key, avatar, ...author } of AUTHORS) {
    const created = await strapi.documents('api::author.author').create({ data: { ...author, avatar: media.get(avatar) }, status: 'published' });
    authorIds.set(key, created.documentId);
  }
  for (const article of ARTICLES) {
    const created = await strapi.documents('api::article.article').create({
      data: {
        title: article.title,
        slug: slugify(article.title),
        body: article.body,
        internalNotes: 'Editors only: never sent to readers.',
        category: categoryIds.get(article.category),
        author: authorIds.get(article.author),
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

/** Seeds every example type once; each part checks its own type, so older databases get the new ones. */
export async function seedExampleContent(strapi: Core.Strapi): Promise<void> {
  const media = await seedMedia(strapi);
  await seedArticles(strapi, media);
  await seedLocalizedContent(strapi, media);
  if (!(await strapi.documents('api::announcement.announcement').findFirst({}))) {
    await strapi.documents('api::announcement.announcement').create({ data: ANNOUNCEMENT });
  }
}

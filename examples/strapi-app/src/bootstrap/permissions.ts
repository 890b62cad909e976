import type { Core } from '@strapi/strapi';

const READ_EVERYTHING_PUBLIC = [
  'api::article.article.find',
  'api::article.article.findOne',
  'api::category.category.find',
  'api::category.category.findOne',
  'api::author.author.find',
  'api::author.author.findOne',
  'api::page.page.find',
  'api::page.page.findOne',
  // Single types have one REST read: GET /api/homepage, GET /api/announcement.
  'api::homepage.homepage.find',
  'api::announcement.announcement.find',
];

const ROLE_PERMISSIONS: Record<'public' | 'authenticated', string[]> = {
  public: READ_EVERYTHING_PUBLIC,
  authenticated: [...READ_EVERYTHING_PUBLIC, 'api::comment.comment.find', 'api::comment.comment.findOne', 'api::comment.comment.create'],
};

/** What the first version of this file granted, recorded then as `permissionsGranted: true`. */
const FIRST_GRANT = [
  'public:api::article.article.find',
  'public:api::article.article.findOne',
  'public:api::category.category.find',
  'public:api::category.category.findOne',
  ...['article', 'category', 'comment'].flatMap((type) => [`authenticated:api::${type}.${type}.find`, `authenticated:api::${type}.${type}.findOne`]),
  'authenticated:api::comment.comment.create',
];

/**
 * Grants the example roles their REST permissions, each once: a permission removed in the admin
 * later stays removed, and a permission added to this file reaches databases seeded before it.
 */
export async function grantExamplePermissions(strapi: Core.Strapi): Promise<void> {
  const store = strapi.store({ type: 'plugin', name: 'example-app' });
  const granted = new Set<string>(((await store.get({ key: 'grantedPermissions' })) as string[] | null) ?? []);
  if (await store.get({ key: 'permissionsGranted' })) FIRST_GRANT.forEach((key) => granted.add(key));
  const before = granted.size;
  for (const [type, actions] of Object.entries(ROLE_PERMISSIONS)) {
    const pending = actions.filter((action) => !granted.has(`${type}:${action}`));
    if (pending.length === 0) continue;
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type } });
    if (!role) throw new Error(`The users-permissions role "${type}" is missing`);
    for (const action of pending) {
      const existing = await strapi.db.query('plugin::users-permissions.permission').findOne({ where: { action, role: role.id } });
      if (!existing) await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
      granted.add(`${type}:${action}`);
    }
  }
  if (granted.size !== before) await store.set({ key: 'grantedPermissions', value: [...granted] });
}

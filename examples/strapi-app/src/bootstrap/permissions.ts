import type { Core } from '@strapi/strapi';

const ROLE_PERMISSIONS: Record<'public' | 'authenticated', string[]> = {
  public: ['api::article.article.find', 'api::article.article.findOne', 'api::category.category.find', 'api::category.category.findOne'],
  authenticated: [
    'api::article.article.find',
    'api::article.article.findOne',
    'api::category.category.find',
    'api::category.category.findOne',
    'api::comment.comment.find',
    'api::comment.comment.findOne',
    'api::comment.comment.create',
  ],
};

/** Grants the example roles their REST permissions once; later edits in the admin are kept. */
export async function grantExamplePermissions(strapi: Core.Strapi): Promise<void> {
  const store = strapi.store({ type: 'plugin', name: 'example-app' });
  if (await store.get({ key: 'permissionsGranted' })) return;
  for (const [type, actions] of Object.entries(ROLE_PERMISSIONS)) {
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type } });
    if (!role) throw new Error(`The users-permissions role "${type}" is missing`);
    for (const action of actions) {
      const existing = await strapi.db.query('plugin::users-permissions.permission').findOne({ where: { action, role: role.id } });
      if (!existing) await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
    }
  }
  await store.set({ key: 'permissionsGranted', value: true });
}

import { describe, expect, it } from 'vitest';
import { bootExampleApp } from 'example-strapi-app/testing';

describe('start-up with a bad option', () => {
  it('refuses an unknown action before Socket.IO starts', async () => {
    await expect(bootExampleApp({ seed: false, ioConfig: { contentTypes: [{ uid: 'api::article.article', actions: ['publish'] }] } })).rejects.toThrow(
      'Error regarding io config: "contentTypes[0].actions[0]" must be one of create, update, delete (got "publish")',
    );
  });
});

describe('start-up with colliding event names', () => {
  it('refuses two watched types with the same singularName', async () => {
    await expect(bootExampleApp({ seed: false, ioConfig: { contentTypes: ['plugin::users-permissions.user', 'admin::user'] } })).rejects.toThrow(
      'Error regarding io config: "plugin::users-permissions.user" and "admin::user" both have singularName "user", so their events would collide; watch only one of them',
    );
  });
});

describe('start-up with a populate the schema does not have', () => {
  it('refuses a name that is not a relation of the type, naming the key and the type', async () => {
    await expect(
      bootExampleApp({ seed: false, ioConfig: { contentTypes: ['api::category.category', { uid: 'api::article.article', populate: ['category', 'writer'] }] } }),
    ).rejects.toThrow(
      'Error regarding io config: "contentTypes[1].populate" names "writer", which is not a relation, media, component or dynamic zone of api::article.article (it can populate: category, author)',
    );
  });
});

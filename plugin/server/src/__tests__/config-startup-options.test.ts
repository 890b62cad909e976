import { describe, expect, it } from 'vitest';
import { bootExampleApp } from 'example-strapi-app/testing';

describe('start-up with a bad option', () => {
  it('refuses an unknown action before Socket.IO starts', async () => {
    await expect(bootExampleApp({ seed: false, ioConfig: { contentTypes: [{ uid: 'api::article.article', actions: ['publish'] }] } })).rejects.toThrow(
      'Error regarding io config: "contentTypes[0].actions[0]" must be one of create, update, delete (got "publish")',
    );
  });
});

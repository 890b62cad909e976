import { describe, expect, it } from 'vitest';
import { bootExampleApp } from 'example-strapi-app/testing';

describe('start-up with a bad config', () => {
  it('stops Strapi with a message that names the key and what was expected', async () => {
    await expect(
      bootExampleApp({ seed: false, ioConfig: { contentTypes: ['api::article.article', { uid: 'api::nope.nope' }] } }),
    ).rejects.toThrow(/Error regarding io config: "contentTypes\[1\]\.uid" must be a content type of this app \(got "api::nope\.nope"; api content types: .*api::article\.article/);
  });

  it('stops Strapi when Redis cannot be reached, naming redis.url', async () => {
    // Nothing listens on port 1.
    await expect(bootExampleApp({ seed: false, ioConfig: { redis: { url: 'redis://127.0.0.1:1' } } })).rejects.toThrow(
      /Error regarding io config: "redis\.url" redis:\/\/127\.0\.0\.1:1: cannot connect to Redis \(.*ECONNREFUSED/,
    );
  });
});

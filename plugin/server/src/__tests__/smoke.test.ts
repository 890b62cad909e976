import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootExampleApp, connect, contentEvents, record, settle } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';

describe('smoke', () => {
  let app: ExampleApp;
  beforeAll(async () => {
    app = await bootExampleApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('sends article:update to a public socket when a published article changes', async () => {
    const socket = await connect(app.url);
    const received = record(socket);
    const article = await app.strapi.documents('api::article.article').create({ data: { title: 'Hello' }, status: 'published' });
    await app.strapi.documents('api::article.article').update({ documentId: article.documentId, data: { title: 'Hello 2' }, status: 'published' });
    await settle(app.strapi, socket);
    console.log(JSON.stringify(received, null, 1));
    expect(contentEvents(received).map((r) => r.event)).toEqual(['article:create', 'article:update']);
    socket.close();
  });
});

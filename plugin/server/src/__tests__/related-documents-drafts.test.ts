import { expect, it } from 'vitest';
import { settle, useExampleApp } from 'example-strapi-app/testing';

/**
 * With drafts not served to everyone who may `find` (`security.draftView` other than 'rest'),
 * `io:related` never names a document that exists only as a draft: its documentId is not the
 * public's to know.
 */
const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';

const example = useExampleApp({
  seed: false,
  ioConfig: { contentTypes: [{ uid: ARTICLE, populate: ['author'] }, AUTHOR], security: { draftView: 'authenticated' } },
});

it('names only the documents with a published version', async () => {
  const { strapi } = example.app;
  const author = (await strapi.documents(AUTHOR).create({ data: { name: 'Grace' }, status: 'published' })).documentId;
  const published = (await strapi.documents(ARTICLE).create({ data: { title: 'Out', author }, status: 'published' })).documentId;
  const draft = (await strapi.documents(ARTICLE).create({ data: { title: 'Secret', author } })).documentId;
  const { socket, received } = await example.listen();
  expect(await socket.emitWithAck('subscribe', { uid: ARTICLE, populates: ['author'] })).toMatchObject({ success: true });
  await strapi.documents(AUTHOR).update({ documentId: author, data: { name: 'Grace Hopper' }, status: 'published' });
  await settle(strapi, socket);
  const told = received.filter(({ event }) => event === 'io:related').map(({ args }) => args[0]);
  expect(told).toEqual([{ uid: AUTHOR, documentId: author, locale: null, parents: { [ARTICLE]: [published] } }]);
  expect(JSON.stringify(received)).not.toContain(draft);
});

import { beforeAll, describe, expect, it } from 'vitest';
import { createRole, createUser, settle, useExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';

/**
 * `io:related`: when a document other watched documents show populated changes (an author renamed,
 * unpublished, published again; a category created with articles), readers of both types are told
 * which document changed and which documents point at it now, so that clients read again exactly
 * the queries concerned. No content travels with it.
 */
const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';
const CATEGORY = 'api::category.category';

const example = useExampleApp({ seed: false });
let app: ExampleApp;
let author: string;
let articles: string[];

beforeAll(async () => {
  app = example.app;
  author = (await app.strapi.documents(AUTHOR).create({ data: { name: 'Ada' }, status: 'published' })).documentId;
  articles = [];
  for (const title of ['One', 'Two']) {
    articles.push((await app.strapi.documents(ARTICLE).create({ data: { title, author }, status: 'published' })).documentId);
  }
  await app.strapi.documents(ARTICLE).create({ data: { title: 'Someone else' }, status: 'published' });
});

const related = (received: Received[]) => received.filter(({ event }) => event === 'io:related').map(({ args }) => args[0]);

describe('io:related', () => {
  it('names the changed document and the documents pointing at it, on rename, unpublish and publish again', async () => {
    const { socket, received } = await example.listen();
    const authors = app.strapi.documents(AUTHOR);
    await authors.update({ documentId: author, data: { name: 'Ada Lovelace' }, status: 'published' });
    await authors.unpublish({ documentId: author });
    await authors.publish({ documentId: author });
    await settle(app.strapi, socket);
    const expected = { uid: AUTHOR, documentId: author, locale: null, parents: { [ARTICLE]: expect.arrayContaining(articles) } };
    const told = related(received) as { parents: Record<string, string[]> }[];
    // The publish again matters most: articles that showed no author now show one, and nothing
    // they hold names it, so only the list of parents tells a client which queries to read again.
    expect(told).toEqual([expected, expected, expected]);
    for (const { parents } of told) expect(parents[ARTICLE]).toHaveLength(2);
  });

  it('tells of a document created with documents attached on its side of the relation', async () => {
    const { socket, received } = await example.listen();
    const category = await app.strapi.documents(CATEGORY).create({ data: { name: 'Fresh', articles: [articles[0]!] } });
    await settle(app.strapi, socket);
    expect(related(received)).toEqual([{ uid: CATEGORY, documentId: category.documentId, locale: null, parents: { [ARTICLE]: [articles[0]] } }]);
  });

  it('is not sent to a principal that cannot read a type relating to it, and lists only the types it reads', async () => {
    const authorsOnly = await createRole(app.strapi, [`${AUTHOR}.find`, `${AUTHOR}.findOne`]);
    const { jwt } = await createUser(app.strapi, { roleId: authorsOnly.id });
    const reader = await example.listen({ strategy: 'jwt', token: jwt });
    await app.strapi.documents(AUTHOR).update({ documentId: author, data: { bio: 'Poet of science' }, status: 'published' });
    await settle(app.strapi, reader.socket);
    expect(related(reader.received)).toEqual([]);
  });
});

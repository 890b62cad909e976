import { beforeAll, describe, expect, it } from 'vitest';
import { createRole, createUser, settle, useExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';

/**
 * `io:related`: when a document other watched documents show populated changes (an author renamed,
 * unpublished, published again; a category created with articles), the subscriptions whose reads
 * populate its type (`populates` in `subscribe`) are told which document changed and which
 * documents point at it now, so that clients read again exactly the queries concerned. No content
 * travels with it, and nobody else receives it.
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

/** A socket subscribed to every article, its reads populating `populates`. */
async function articleReader(populates: unknown[] | undefined, auth?: Parameters<typeof example.listen>[0]) {
  const reader = await example.listen(auth);
  const ack = await reader.socket.emitWithAck('subscribe', { uid: ARTICLE, ...(populates ? { populates } : {}) });
  expect(ack).toMatchObject({ success: true });
  return { ...reader, id: (ack as { id: string }).id };
}

describe('io:related', () => {
  it('names the changed document and the documents pointing at it, on rename, unpublish and publish again', async () => {
    const { socket, received } = await articleReader([{ author: { populate: ['avatar'] } }]);
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
    const { socket, received } = await articleReader(['category']);
    const category = await app.strapi.documents(CATEGORY).create({ data: { name: 'Fresh', articles: [articles[0]!] } });
    await settle(app.strapi, socket);
    expect(related(received)).toEqual([{ uid: CATEGORY, documentId: category.documentId, locale: null, parents: { [ARTICLE]: [articles[0]] } }]);
  });

  it('is not sent to a principal that cannot read a type relating to it, and lists only the types it reads', async () => {
    const authorsOnly = await createRole(app.strapi, [`${AUTHOR}.find`, `${AUTHOR}.findOne`]);
    const { jwt } = await createUser(app.strapi, { roleId: authorsOnly.id });
    const reader = await example.listen({ strategy: 'jwt', token: jwt });
    expect(await reader.socket.emitWithAck('subscribe', { uid: AUTHOR, populates: ['articles'] })).toMatchObject({ success: true });
    await app.strapi.documents(AUTHOR).update({ documentId: author, data: { bio: 'Poet of science' }, status: 'published' });
    await settle(app.strapi, reader.socket);
    expect(related(reader.received)).toEqual([]);
  });
  it('reaches only subscriptions that populate the changed type, and stops when the last one goes', async () => {
    const categories = await articleReader(['category']);
    const plain = await articleReader(undefined);
    const broadcast = await example.listen();
    const authors = app.strapi.documents(AUTHOR);
    await authors.update({ documentId: author, data: { bio: 'Countess' }, status: 'published' });
    await app.strapi.documents(ARTICLE).update({ documentId: articles[0]!, data: { title: 'One again' }, status: 'published' });
    await settle(app.strapi, categories.socket, plain.socket, broadcast.socket);
    // Nobody populates authors here, and no subscription populates articles: not a packet.
    for (const { received } of [categories, plain, broadcast]) expect(related(received)).toEqual([]);

    // Widened by a second subscribe of the same query (another read shape sharing it): same id.
    const again = await categories.socket.emitWithAck('subscribe', { uid: ARTICLE, populates: ['author'] });
    expect(again).toMatchObject({ success: true, id: categories.id });
    await authors.update({ documentId: author, data: { bio: 'Analyst' }, status: 'published' });
    await settle(app.strapi, categories.socket);
    expect(related(categories.received).map((info) => (info as { uid: string }).uid)).toEqual([AUTHOR]);

    expect(await categories.socket.emitWithAck('unsubscribe', { id: categories.id })).toMatchObject({ success: true });
    await authors.update({ documentId: author, data: { bio: 'Enchantress of numbers' }, status: 'published' });
    await settle(app.strapi, categories.socket);
    expect(related(categories.received)).toHaveLength(1);
  });

  it('refuses populates that are not a short list', async () => {
    const { socket } = await example.listen();
    const refused = await socket.emitWithAck('subscribe', { uid: ARTICLE, populates: 'author' });
    expect(refused).toMatchObject({ success: false, error: { code: 'INVALID_QUERY' } });
    const tooMany = await socket.emitWithAck('subscribe', { uid: ARTICLE, populates: Array.from({ length: 17 }, () => 'author') });
    expect(tooMany).toMatchObject({ success: false, error: { code: 'INVALID_QUERY', message: expect.stringContaining('16') } });
  });
  it('follows a user moved to another role: still told, under the new role', async () => {
    const reads = [`${ARTICLE}.find`, `${ARTICLE}.findOne`, `${AUTHOR}.find`, `${AUTHOR}.findOne`];
    const { id, jwt } = await createUser(app.strapi, { roleId: (await createRole(app.strapi, reads)).id });
    const reader = await articleReader(['author'], { strategy: 'jwt', token: jwt });
    const next = await createRole(app.strapi, reads);
    await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id }, data: { role: next.id } });
    await app.strapi.$io.idle();
    await app.strapi.documents(AUTHOR).update({ documentId: author, data: { bio: 'Moved' }, status: 'published' });
    await settle(app.strapi, reader.socket);
    expect(related(reader.received)).toEqual([expect.objectContaining({ uid: AUTHOR, documentId: author })]);
  });
});

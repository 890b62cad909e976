import { beforeAll, describe, expect, it } from 'vitest';
import { useExampleApp, connect, contentEvents, createRole, createUser, record, setRolePermissions, settle } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';

let news: string;
let tutorials: string;

const example = useExampleApp({ seed: false });
const listen = example.listen;
let app: ExampleApp;

beforeAll(async () => {
  app = example.app;
  news = (await app.strapi.documents(CATEGORY).create({ data: { name: 'News', slug: 'news' } })).documentId;
  tutorials = (await app.strapi.documents(CATEGORY).create({ data: { name: 'Tutorials', slug: 'tutorials' } })).documentId;
});


const articles = () => app.strapi.documents(ARTICLE);
/** `[event, documentId, meta.subscription]` of each content event, then clears the record. */
function take(received: Received[]): [string, string, string | undefined][] {
  const events = contentEvents(received).map(({ event, args }) => [
    event,
    (args[0] as { documentId: string }).documentId,
    (args[1] as { subscription?: string }).subscription,
  ]) as [string, string, string | undefined][];
  received.length = 0;
  return events;
}

describe('subscribe', () => {
  it('acknowledges an id (the same for the same query), how to read the type over REST and how the database orders', async () => {
    const { socket } = await listen();
    const first = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'x' }, slug: { $null: true } } });
    const second = await socket.emitWithAck('subscribe', { filters: { slug: { $null: true }, title: { $eq: 'x' } }, uid: ARTICLE });
    expect(first).toEqual({
      success: true,
      id: expect.any(String),
      uid: ARTICLE,
      // `populate`: what the events carry (the example's config), so that a query reading exactly that takes them as they are.
      rest: {
        path: '/api/articles',
        singularName: 'article',
        pluralName: 'articles',
        kind: 'collectionType',
        draftAndPublish: true,
        localized: false,
        populate: { category: true, author: { populate: ['avatar'] } },
      },
      // What the SDK orders a sort by. SQLite: text by code point, NULL lowest. PostgreSQL: NULL
      // highest, text as its collation (database-order.test.ts; ICU in the client's convergence test).
      order: process.env.STRAPI_TEST_DATABASE === 'postgres' ? { text: expect.stringMatching(/^(binary|collation)$/), nulls: 'last' } : { text: 'binary', nulls: 'first' },
    });
    expect(second.id).toBe(first.id);
  });

  it("numbers subscriptions per connection and never gives an id twice, so a late event of an ended one reaches no other", async () => {
    const { socket, received } = await listen();
    const first = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Numbered one' } } });
    const second = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Numbered two' } } });
    expect([first.id, second.id]).toEqual(['1', '2']);
    expect(await socket.emitWithAck('unsubscribe', { id: first.id })).toEqual({ success: true, id: first.id });
    const third = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Numbered one' } } });
    expect(third.id).toBe('3');
    // Unsubscribing by the query finds the id it is held under; one not held is a clear error.
    expect(await socket.emitWithAck('unsubscribe', { uid: ARTICLE, filters: { title: { $eq: 'Numbered two' } } })).toEqual({ success: true, id: '2' });
    expect(await socket.emitWithAck('unsubscribe', { uid: ARTICLE, filters: { title: { $eq: 'Never held' } } })).toMatchObject({
      success: false,
      error: { code: 'NOT_FOUND' },
    });
    const doc = await articles().create({ data: { title: 'Numbered one' }, status: 'published' });
    await settle(app.strapi, socket);
    expect(take(received).map(([event, documentId, subscription]) => [event, documentId, subscription])).toEqual([['article:create', doc.documentId, '3']]);
  });

  it('sends create when a document enters the query, update while it matches, delete when it leaves', async () => {
    const { socket, received } = await listen();
    const { id } = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Live' } } });
    const doc = await articles().create({ data: { title: 'Other' }, status: 'published' });
    const documentId = doc.documentId;
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([]); // not matching, and the socket left the broadcast

    // One at a time: events describe the document as it is when they are delivered, so writes in
    // quick succession may fold into fewer events (ending in the same state).
    for (const title of ['Live one', 'Live two', 'Dead']) {
      await articles().update({ documentId, data: { title }, status: 'published' });
      await app.strapi.$io.idle();
    }
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([
      ['article:create', documentId, id],
      ['article:update', documentId, id],
      ['article:delete', documentId, id],
    ]);
  });

  it('an unpublish is a leave and a publish an enter for a published-view query', async () => {
    const doc = await articles().create({ data: { title: 'Pub cycle' }, status: 'published' });
    await app.strapi.$io.idle();
    const { socket, received } = await listen();
    const { id } = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Pub cycle' } } });
    await articles().unpublish({ documentId: doc.documentId });
    await articles().publish({ documentId: doc.documentId });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([
      ['article:delete', doc.documentId, id],
      ['article:create', doc.documentId, id],
    ]);
  });

  it('follows relation filters: moving a document between categories, and renaming a category', async () => {
    const { socket, received } = await listen();
    const { id } = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { category: { slug: { $eq: 'news' } } } });
    const doc = await articles().create({ data: { title: 'Moving', category: tutorials }, status: 'published' });
    await articles().update({ documentId: doc.documentId, data: { category: news }, status: 'published' });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([['article:create', doc.documentId, id]]);

    await app.strapi.documents(CATEGORY).update({ documentId: news, data: { slug: 'headlines' } });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([['article:delete', doc.documentId, id]]);
    await app.strapi.documents(CATEGORY).update({ documentId: news, data: { slug: 'news' } });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([['article:create', doc.documentId, id]]);
  });

  it('follows a relation edited from the other side: a category connecting an article moves it between queries', async () => {
    const { socket, received } = await listen();
    const fromTutorials = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Linked' }, category: { slug: { $eq: 'tutorials' } } } });
    const toNews = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Linked' }, category: { slug: { $eq: 'news' } } } });
    const doc = await articles().create({ data: { title: 'Linked', category: tutorials }, status: 'published' });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([['article:create', doc.documentId, fromTutorials.id]]);

    // The write is the category's; the article it links was in another category until now.
    await app.strapi.documents(CATEGORY).update({ documentId: news, data: { articles: { connect: [doc.documentId] } } as never });
    await settle(app.strapi, socket);
    expect(take(received).sort()).toEqual(
      [
        ['article:delete', doc.documentId, fromTutorials.id],
        ['article:create', doc.documentId, toNews.id],
      ].sort(),
    );
    const rest = await app.strapi.documents(ARTICLE).findMany({ filters: { title: { $eq: 'Linked' }, category: { slug: { $eq: 'news' } } } });
    expect(rest.map(({ documentId }) => documentId)).toEqual([doc.documentId]);
  });

  it('a draft-view query sees drafts; a published-view query does not', async () => {
    const drafts = await listen();
    const published = await listen();
    const draftSub = await drafts.socket.emitWithAck('subscribe', { uid: ARTICLE, status: 'draft', filters: { title: { $contains: 'Drafty' } } });
    await published.socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $contains: 'Drafty' } } });
    const doc = await articles().create({ data: { title: 'Drafty', internalNotes: 'hush' } });
    await settle(app.strapi, drafts.socket, published.socket);
    const draftEvents = contentEvents(drafts.received);
    expect(take(drafts.received)).toEqual([['article:create', doc.documentId, draftSub.id]]);
    expect((draftEvents[0]?.args[1] as { status: string }).status).toBe('draft');
    expect(JSON.stringify(draftEvents)).not.toContain('hush');
    expect(take(published.received)).toEqual([]);
  });

  it('identical queries share one evaluation, and each subscriber receives once', async () => {
    const { jwt } = await createUser(app.strapi);
    const listeners = [await listen(), await listen(), await listen({ strategy: 'jwt', token: jwt })];
    for (const { socket } of listeners) await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Shared' } } });
    const before = app.strapi.$io.stats().evaluated;
    await articles().create({ data: { title: 'Shared' }, status: 'published' });
    await settle(app.strapi, ...listeners.map(({ socket }) => socket));
    expect(app.strapi.$io.stats().evaluated - before).toBe(1);
    for (const { received } of listeners) expect(take(received).map(([event]) => event)).toEqual(['article:create']);
  });

  it('unsubscribe by id ends the events and returns the socket to the broadcast', async () => {
    const { socket, received } = await listen();
    const { id } = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Never' } } });
    expect(await socket.emitWithAck('unsubscribe', { id })).toEqual({ success: true, id });
    const doc = await articles().create({ data: { title: 'Broadcast again' }, status: 'published' });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([['article:create', doc.documentId, undefined]]);
  });

  it('evaluates a one-document query only for that document', async () => {
    const one = await articles().create({ data: { title: 'Entity one' }, status: 'published' });
    const two = await articles().create({ data: { title: 'Entity two' }, status: 'published' });
    await app.strapi.$io.idle();
    const { socket, received } = await listen();
    for (const doc of [one, two]) await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { documentId: { $eq: doc.documentId } } });
    await app.strapi.$io.idle();
    const before = app.strapi.$io.stats().evaluated;
    await articles().update({ documentId: one.documentId, data: { title: 'Entity one, edited' }, status: 'published' });
    await settle(app.strapi, socket);
    // One query (the other document's is never looked at), on the state before and after the write.
    expect(app.strapi.$io.stats().evaluated - before).toBe(2);
    expect(take(received).map(([event, documentId]) => [event, documentId])).toEqual([['article:update', one.documentId]]);
  });

  it("handles one socket's messages in order: a subscribe and its unsubscribe sent together leave no subscription", async () => {
    const { socket, received } = await listen();
    const subscribed = socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Racing' } } });
    const { id } = await subscribed.then((ack) => ack).catch(() => ({ id: '' }));
    // Sent back to back without waiting: the unsubscribe is cheap, the subscribe is not.
    const again = socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Racing' } } });
    const gone = socket.emitWithAck('unsubscribe', { id });
    expect((await again).success).toBe(true);
    expect(await gone).toEqual({ success: true, id });
    const doc = await articles().create({ data: { title: 'Racing' }, status: 'published' });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([['article:create', doc.documentId, undefined]]);
  });

  it('keeps a collection subscription live when its user moves to another role', async () => {
    const { id: userId, jwt } = await createUser(app.strapi);
    const { socket, received } = await listen({ strategy: 'jwt', token: jwt });
    const { id } = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Moved role' } } });
    const readers = await createRole(app.strapi, [`${ARTICLE}.find`, `${ARTICLE}.findOne`]);
    await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: userId }, data: { role: readers.id } });
    await app.strapi.$io.idle();
    const doc = await articles().create({ data: { title: 'Moved role 1' }, status: 'published' });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([['article:create', doc.documentId, id]]);
  });

  it('ends a subscription whose filter reads what its role may no longer read, and tells the socket', async () => {
    const role = await createRole(app.strapi, [`${ARTICLE}.find`, `${ARTICLE}.findOne`, `${CATEGORY}.find`, `${CATEGORY}.findOne`]);
    const { jwt } = await createUser(app.strapi, { roleId: role.id });
    const { socket, received } = await listen({ strategy: 'jwt', token: jwt });
    const byCategory = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Oracle' }, category: { name: { $eq: 'News' } } } });
    const plain = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Oracle' } } });
    expect([byCategory.success, plain.success]).toEqual([true, true]);
    const ended = new Promise<unknown>((resolve) => socket.once('io:subscription-ended', resolve));
    await setRolePermissions(app.strapi, role.id, [`${ARTICLE}.find`, `${ARTICLE}.findOne`]);
    await app.strapi.$io.idle();
    expect(await ended).toMatchObject({ id: byCategory.id, code: 'INVALID_QUERY' });
    // The other one holds: its filter reads nothing the role lost.
    const doc = await articles().create({ data: { title: 'Oracle one', category: news }, status: 'published' });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([['article:create', doc.documentId, plain.id]]);
    // The category filter no longer answers anything: renaming the category moves nothing.
    await app.strapi.documents(CATEGORY).update({ documentId: news, data: { name: 'Renamed news' } });
    await app.strapi.documents(CATEGORY).update({ documentId: news, data: { name: 'News' } });
    await settle(app.strapi, socket);
    expect(take(received).filter(([, , subscription]) => subscription === byCategory.id)).toEqual([]);
  });

  it.each([
    ['null', null, 'INVALID_PAYLOAD'],
    ['no uid', { filters: {} }, 'INVALID_PAYLOAD'],
    ['an unknown key', { uid: ARTICLE, where: {} }, 'INVALID_PAYLOAD'],
    ['an unknown uid', { uid: 'api::nope.nope' }, 'UNKNOWN_CONTENT_TYPE'],
    ['a type the socket may not read', { uid: 'api::comment.comment' }, 'FORBIDDEN'],
    ['filters that are a string', { uid: ARTICLE, filters: 'title=1' }, 'INVALID_QUERY'],
    ['a filter on a private field', { uid: ARTICLE, filters: { internalNotes: { $contains: 'secret' } } }, 'INVALID_QUERY'],
    ['a filter on an unknown field', { uid: ARTICLE, filters: { nope: { $eq: 1 } } }, 'INVALID_QUERY'],
    ['an unknown operator', { uid: ARTICLE, filters: { title: { $regex: '.*' } } }, 'INVALID_QUERY'],
    ['filters nested too deep', { uid: ARTICLE, filters: JSON.parse('{"$and":['.repeat(20) + '{}' + ']}'.repeat(20)) }, 'INVALID_QUERY'],
    ['10 kB of filters', { uid: ARTICLE, filters: { title: { $eq: 'x'.repeat(10_000) } } }, 'INVALID_QUERY'],
    ['a bad status', { uid: ARTICLE, status: 'archived' }, 'INVALID_QUERY'],
    ['a draft status on a type without drafts', { uid: CATEGORY, status: 'draft' }, 'INVALID_QUERY'],
    ['a bad locale', { uid: ARTICLE, locale: '../../etc' }, 'INVALID_QUERY'],
    ['an $or that is not a list, under an attribute', { uid: ARTICLE, filters: { title: { $eq: 'x', $or: 'y' } } }, 'INVALID_QUERY'],
    ['an $or that is not a list', { uid: ARTICLE, filters: { $or: { title: { $eq: 'x' } } } }, 'INVALID_QUERY'],
    ['an $and of strings', { uid: ARTICLE, filters: { $and: ['title'] } }, 'INVALID_QUERY'],
    ['a $not that is a string', { uid: ARTICLE, filters: { $not: 'x' } }, 'INVALID_QUERY'],
    ['a key that is not an operator under an attribute', { uid: ARTICLE, filters: { title: { contains: 'x' } } }, 'INVALID_QUERY'],
    ['an object where a value goes', { uid: ARTICLE, filters: { title: { $eq: { $gt: 1 } } } }, 'INVALID_QUERY'],
    ['a NUL character in a filter (PostgreSQL would refuse it on every write)', { uid: ARTICLE, filters: { title: { $nei: 'a\u0000b' } } }, 'INVALID_QUERY'],
    ['__proto__ in filters', { uid: ARTICLE, filters: JSON.parse('{"__proto__":{"polluted":true},"title":{"$eq":"x"}}') }, 'INVALID_QUERY'],
  ])('refuses %s with an error ack and changes nothing', async (_, payload, code) => {
    const { socket, received } = await listen();
    const response = (await socket.emitWithAck('subscribe', payload)) as { success: boolean; error: { code: string; message: string } };
    expect(response).toMatchObject({ success: false, error: { code } });
    expect(response.error.message.length).toBeLessThan(600);
    // An error never lists what exists (the types that are enabled).
    if (code === 'UNKNOWN_CONTENT_TYPE') expect(response.error.message).not.toMatch(/api::article/);
    const doc = await articles().create({ data: { title: 'Still broadcast' }, status: 'published' });
    await settle(app.strapi, socket);
    expect(take(received)).toEqual([['article:create', doc.documentId, undefined]]);
  });
});

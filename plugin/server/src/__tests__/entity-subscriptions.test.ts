import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { useExampleApp, connect, contentEvents, createUser, record, settle } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';

const ARTICLE = 'api::article.article';

let first: string;
let second: string;

const example = useExampleApp({ seed: false, ioConfig: { contentTypes: [ARTICLE, 'api::comment.comment'], maxSubscriptionsPerSocket: 3 } });
const listen = example.listen;
let app: ExampleApp;

beforeAll(async () => {
  app = example.app;
  first = (await app.strapi.documents(ARTICLE).create({ data: { title: 'First' }, status: 'published' })).documentId;
  second = (await app.strapi.documents(ARTICLE).create({ data: { title: 'Second' }, status: 'published' })).documentId;
});


/** Updates both articles and returns the documentIds each listener received an update for. */
async function updateBoth(...listeners: { socket: Socket; received: Received[] }[]): Promise<string[][]> {
  listeners.forEach(({ received }) => (received.length = 0));
  for (const documentId of [first, second]) {
    await app.strapi.documents(ARTICLE).update({ documentId, data: { title: `t${Math.random()}` }, status: 'published' });
  }
  await settle(app.strapi, ...listeners.map(({ socket }) => socket));
  return listeners.map(({ received }) => contentEvents(received).map(({ args }) => (args[0] as { documentId: string }).documentId));
}

describe('subscribe-entity', () => {
  it("narrows a socket to what it subscribed to, with the seed's ack", async () => {
    const subscriber = await listen();
    const bystander = await listen();
    const response = await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: first });
    expect(response).toEqual({ success: true, uid: ARTICLE, documentId: first });
    expect(await updateBoth(subscriber, bystander)).toEqual([[first], [first, second]]);
  });

  it('never duplicates: subscribing twice still delivers each event once', async () => {
    const subscriber = await listen();
    await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: first });
    await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: first });
    await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: second });
    expect(await updateBoth(subscriber)).toEqual([[first, second]]);
  });

  it('accepts the numeric row id and answers with the documentId', async () => {
    const row = (await app.strapi.db.query(ARTICLE).findOne({ where: { documentId: first, publishedAt: { $notNull: true } } })) as { id: number };
    const subscriber = await listen();
    expect(await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: row.id })).toEqual({
      success: true,
      uid: ARTICLE,
      documentId: first,
    });
    expect(await updateBoth(subscriber)).toEqual([[first]]);
  });

  it('unsubscribing from the last entity returns the socket to the broadcast', async () => {
    const subscriber = await listen();
    await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: first });
    await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: second });
    await subscriber.socket.emitWithAck('unsubscribe-entity', { uid: ARTICLE, id: second });
    expect(await updateBoth(subscriber)).toEqual([[first]]);
    expect(await subscriber.socket.emitWithAck('unsubscribe-entity', { uid: ARTICLE, id: first })).toEqual({ success: true, uid: ARTICLE, documentId: first });
    expect(await updateBoth(subscriber)).toEqual([[first, second]]);
  });

  it('delivers unpublish of a subscribed entity as delete', async () => {
    const doc = await app.strapi.documents(ARTICLE).create({ data: { title: 'Watched' }, status: 'published' });
    await app.strapi.$io.idle();
    const subscriber = await listen();
    await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: doc.documentId });
    await app.strapi.documents(ARTICLE).unpublish({ documentId: doc.documentId });
    await settle(app.strapi, subscriber.socket);
    expect(contentEvents(subscriber.received).map(({ event, args }) => [event, args[0]])).toEqual([
      ['article:delete', { documentId: doc.documentId, locale: null }],
    ]);
  });

  const TEN_KB = 'x'.repeat(10_000);
  it.each([
    ['null', null, 'INVALID_PAYLOAD'],
    ['a number', 42, 'INVALID_PAYLOAD'],
    ['a string', 'api::article.article', 'INVALID_PAYLOAD'],
    ['an array', [ARTICLE, 'x'], 'INVALID_PAYLOAD'],
    ['no id', { uid: ARTICLE }, 'INVALID_PAYLOAD'],
    ['no uid', { id: 'abc' }, 'INVALID_PAYLOAD'],
    ['a negative id', { uid: ARTICLE, id: -1 }, 'INVALID_PAYLOAD'],
    ['an id object', { uid: ARTICLE, id: { $ne: null } }, 'INVALID_PAYLOAD'],
    ['an unknown uid', { uid: 'api::nope.nope', id: 'abc' }, 'UNKNOWN_CONTENT_TYPE'],
    ['a type that sends no events', { uid: 'api::category.category', id: 'abc' }, 'UNKNOWN_CONTENT_TYPE'],
    ['a type the socket may not read', { uid: 'api::comment.comment', id: 'abc' }, 'FORBIDDEN'],
    ['a 10 kB uid', { uid: TEN_KB, id: 'abc' }, 'INVALID_PAYLOAD'],
    ['a 10 kB id', { uid: ARTICLE, id: TEN_KB }, 'INVALID_PAYLOAD'],
    ['a row id that does not exist', { uid: ARTICLE, id: 987654 }, 'NOT_FOUND'],
    ['a row id larger than a database integer (PostgreSQL would refuse the query)', { uid: ARTICLE, id: 2_147_483_648 }, 'INVALID_PAYLOAD'],
    ['a row id as a string that does not exist', { uid: ARTICLE, id: '987654' }, 'NOT_FOUND'],
    ['a row id string of 0', { uid: ARTICLE, id: '0' }, 'INVALID_PAYLOAD'],
    ['a row id string past the safe integers', { uid: ARTICLE, id: '99999999999999999999' }, 'INVALID_PAYLOAD'],
    ['a made-up documentId', { uid: ARTICLE, id: 'zz0nosuchdocument0000000' }, 'NOT_FOUND'],
  ])('refuses %s with an error ack and changes nothing', async (_, payload, code) => {
    const subscriber = await listen();
    const response = (await subscriber.socket.emitWithAck('subscribe-entity', payload)) as { success: boolean; error: { code: string; message: string } };
    expect(response.success).toBe(false);
    expect(response.error.code).toBe(code);
    expect(response.error.message.length).toBeGreaterThan(10);
    expect(response.error.message.length).toBeLessThan(400);
    expect(await updateBoth(subscriber)).toEqual([[first, second]]);
  });

  it('answers a bad message sent without a callback with an io:error event', async () => {
    const subscriber = await listen();
    const error = new Promise((resolve) => subscriber.socket.once('io:error', resolve));
    subscriber.socket.emit('subscribe-entity', null);
    expect(await error).toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  it('caps the subscriptions of one socket', async () => {
    const ids: string[] = [];
    for (const title of ['c1', 'c2', 'c3', 'c4']) ids.push((await app.strapi.documents(ARTICLE).create({ data: { title }, status: 'published' })).documentId);
    await app.strapi.$io.idle();
    const subscriber = await listen();
    for (const id of ids.slice(0, 3)) {
      expect((await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id })).success).toBe(true);
    }
    const response = await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: ids[3] });
    expect(response).toMatchObject({ success: false, error: { code: 'LIMIT_EXCEEDED' } });
  });

  it('refuses a collection subscription over the cap before validating its filters, and still answers one it holds', async () => {
    const subscriber = await listen();
    const held = { uid: ARTICLE, filters: { title: { $startsWith: 'Capped' } } };
    const first = await subscriber.socket.emitWithAck('subscribe', held);
    expect(first).toMatchObject({ success: true });
    for (const title of ['cap-a', 'cap-b']) {
      expect(await subscriber.socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: title } } })).toMatchObject({ success: true });
    }
    const validate = vi.spyOn(app.strapi.contentAPI.validate, 'filters');
    try {
      // About 9.9 KB of filters: validated, it would cost tens of milliseconds.
      const big = { uid: ARTICLE, filters: { $or: Array.from({ length: 200 }, (_, i) => ({ title: { $containsi: `needle-${i}-xxxxxxxxxxxxxx` } })) } };
      expect(await subscriber.socket.emitWithAck('subscribe', big)).toMatchObject({ success: false, error: { code: 'LIMIT_EXCEEDED' } });
      expect(await subscriber.socket.emitWithAck('subscribe', { nonsense: true })).toMatchObject({ success: false, error: { code: 'LIMIT_EXCEEDED' } });
      expect(validate).not.toHaveBeenCalled();
      // The same query again (a client that missed the acknowledgement): the same id.
      expect(await subscriber.socket.emitWithAck('subscribe', held)).toEqual(first);
    } finally {
      validate.mockRestore();
    }
  });

  it('takes a row id sent as a string of digits (as read from a URL) like the number', async () => {
    const row = (await app.strapi.db.query(ARTICLE).findOne({ where: { documentId: second, publishedAt: { $notNull: true } } })) as { id: number };
    const subscriber = await listen();
    const payload = { uid: ARTICLE, id: String(row.id) };
    expect(await subscriber.socket.emitWithAck('subscribe-entity', payload)).toEqual({ success: true, uid: ARTICLE, documentId: second });
    expect(await subscriber.socket.emitWithAck('unsubscribe-entity', payload)).toEqual({ success: true, uid: ARTICLE, documentId: second });
    expect(await subscriber.socket.emitWithAck('subscribe-entity', payload)).toEqual({ success: true, uid: ARTICLE, documentId: second });
    expect(await updateBoth(subscriber)).toEqual([[second]]);
  });

  it('answers NOT_FOUND for a documentId that does not exist and leaves the socket on the broadcast', async () => {
    const subscriber = await listen();
    const response = await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: 'zz0nosuchdocument0000000' });
    expect(response).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'No published article has documentId "zz0nosuchdocument0000000"; a draft that was never published is not found, as with REST' },
    });
    expect(await updateBoth(subscriber)).toEqual([[first, second]]);
  });

  it('treats a draft that was never published as not found, as REST findOne does, by documentId and by row id', async () => {
    const draft = await app.strapi.documents(ARTICLE).create({ data: { title: 'Draft only' } });
    await app.strapi.$io.idle();
    expect((await fetch(`${app.url}/api/articles/${draft.documentId}`)).status).toBe(404);
    const subscriber = await listen();
    for (const id of [draft.documentId, draft.id, String(draft.id)]) {
      expect(await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id })).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    }
    expect(await updateBoth(subscriber)).toEqual([[first, second]]);
    // Once published it is found, whichever of its rows the id names (here the draft's).
    await app.strapi.documents(ARTICLE).publish({ documentId: draft.documentId });
    await app.strapi.$io.idle();
    expect(await subscriber.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: String(draft.id) })).toEqual({
      success: true,
      uid: ARTICLE,
      documentId: draft.documentId,
    });
  });

  it('a reader allowed to read comments may subscribe to one', async () => {
    const { jwt } = await createUser(app.strapi);
    const comment = await app.strapi.documents('api::comment.comment').create({ data: { text: 'hi' } });
    await app.strapi.$io.idle();
    const subscriber = await listen({ strategy: 'jwt', token: jwt });
    expect((await subscriber.socket.emitWithAck('subscribe-entity', { uid: 'api::comment.comment', id: comment.documentId })).success).toBe(true);
    await app.strapi.documents('api::comment.comment').update({ documentId: comment.documentId, data: { text: 'hello' } });
    await settle(app.strapi, subscriber.socket);
    expect(contentEvents(subscriber.received).map(({ event }) => event)).toEqual(['comment:update']);
  });
});

describe('strapi.$io.subscribeToEntity', () => {
  it('answers NOT_FOUND for an id that does not resolve and leaves the socket on the broadcast', async () => {
    const subscriber = await listen();
    const id = subscriber.socket.id!;
    expect(await app.strapi.$io.subscribeToEntity(id, ARTICLE, 'zz0nosuchdocument0000000')).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(await app.strapi.$io.subscribeToEntity(id, ARTICLE, '987654')).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(await app.strapi.$io.getEntitySubscriptions(id)).toEqual([]);
    expect(await updateBoth(subscriber)).toEqual([[first, second]]);
  });

  it('takes a row id as a string of digits', async () => {
    const row = (await app.strapi.db.query(ARTICLE).findOne({ where: { documentId: first, publishedAt: { $notNull: true } } })) as { id: number };
    const subscriber = await listen();
    expect(await app.strapi.$io.subscribeToEntity(subscriber.socket.id!, ARTICLE, String(row.id))).toEqual({ success: true, uid: ARTICLE, documentId: first });
    expect(await updateBoth(subscriber)).toEqual([[first]]);
  });
});

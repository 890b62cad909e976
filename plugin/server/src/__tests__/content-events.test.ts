import { beforeAll, describe, expect, it } from 'vitest';
import { useExampleApp, connect, contentEvents, createApiToken, createUser, record, settle } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';

const ARTICLE = 'api::article.article';
const COMMENT = 'api::comment.comment';


const example = useExampleApp();
const listen = example.listen;
let app: ExampleApp;

beforeAll(async () => {
  app = example.app;
});


const articles = () => app.strapi.documents(ARTICLE);
const names = (received: Received[]) => contentEvents(received).map(({ event }) => event);

describe('draft & publish: what a published-view reader receives', () => {
  it('follows DESIGN.md §2 row by row, one event per document action', async () => {
    const { socket, received } = await listen();
    const step = async (write: () => Promise<unknown>) => {
      received.length = 0;
      await write();
      await settle(app.strapi, socket);
      return contentEvents(received);
    };

    const draft = await articles().create({ data: { title: 'Row by row', internalNotes: 'secret-notes' } });
    const documentId = draft.documentId;
    expect(await step(async () => {})).toEqual([]); // create (draft): nothing

    const [created] = await step(() => articles().publish({ documentId }));
    expect(created?.event).toBe('article:create');
    expect(created?.args[0]).toMatchObject({ documentId, title: 'Row by row' });

    expect(await step(() => articles().update({ documentId, data: { title: 'Edited draft' } }))).toEqual([]);

    const [updated] = await step(() => articles().publish({ documentId }));
    expect(updated?.event).toBe('article:update');
    expect(updated?.args[0]).toMatchObject({ documentId, title: 'Edited draft' });

    const [unpublished] = await step(() => articles().unpublish({ documentId }));
    expect(unpublished?.event).toBe('article:delete');
    expect(unpublished?.args[0]).toEqual({ documentId, locale: null });

    expect(names(await step(() => articles().publish({ documentId })))).toEqual(['article:create']);
    await step(() => articles().update({ documentId, data: { title: 'To be discarded' } }));
    expect(await step(() => articles().discardDraft({ documentId }))).toEqual([]);

    expect(names(await step(() => articles().delete({ documentId })))).toEqual(['article:delete']);
  });

  it('a document created published arrives as create', async () => {
    const { socket, received } = await listen();
    const doc = await articles().create({ data: { title: 'Born published' }, status: 'published' });
    await settle(app.strapi, socket);
    expect(names(received)).toEqual(['article:create']);
    expect(received[0]?.args[0]).toMatchObject({ documentId: doc.documentId, title: 'Born published' });
  });

  it('deleting a never-published draft tells published readers nothing', async () => {
    const { socket, received } = await listen();
    const doc = await articles().create({ data: { title: 'Secret draft' } });
    await articles().delete({ documentId: doc.documentId });
    await settle(app.strapi, socket);
    expect(names(received)).toEqual([]);
  });

  it('carries metadata as the second argument', async () => {
    const { socket, received } = await listen();
    const doc = await articles().create({ data: { title: 'Meta' }, status: 'published' });
    await articles().update({ documentId: doc.documentId, data: { title: 'Meta 2' }, status: 'published' });
    await settle(app.strapi, socket);
    const [first, second] = contentEvents(received).map(({ args }) => args[1] as Record<string, unknown>);
    expect(first).toMatchObject({ uid: ARTICLE, action: 'create', cause: 'create', documentId: doc.documentId, locale: null, status: 'published' });
    expect(second).toMatchObject({ action: 'update', cause: 'update' });
    expect(typeof first?.eventId).toBe('string');
    expect(first?.eventId).not.toBe(second?.eventId);
    expect(String(first?.eventId) < String(second?.eventId)).toBe(true);
    expect(typeof first?.ts).toBe('number');
  });

  it('sends the document as REST returns it: configured populate, no private field', async () => {
    const { socket, received } = await listen();
    const category = await app.strapi.documents('api::category.category').findFirst({ filters: { slug: 'news' } });
    const doc = await articles().create({
      data: { title: 'Populated', internalNotes: 'never-leak-this', category: category!.documentId },
      status: 'published',
    });
    await settle(app.strapi, socket);
    const payload = received.find(({ event }) => event === 'article:create')?.args[0] as Record<string, unknown>;
    const rest = (await (await fetch(`${app.url}/api/articles/${doc.documentId}?populate[category]=true&populate[author][populate][0]=avatar`)).json()) as { data: unknown };
    expect(payload).toEqual(rest.data);
    expect(payload.category).toMatchObject({ slug: 'news', name: 'News' });
    expect(JSON.stringify(received)).not.toContain('never-leak-this');
    expect(payload).not.toHaveProperty('internalNotes');
  });

  it('a REST write over HTTP produces the same event', async () => {
    const { socket, received } = await listen();
    const { accessKey } = await createApiToken(app.strapi, 'full-access');
    const response = await fetch(`${app.url}/api/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessKey}` },
      body: JSON.stringify({ data: { title: 'Over REST', internalNotes: 'rest-secret' } }),
    });
    expect(response.status).toBe(201);
    await settle(app.strapi, socket);
    expect(names(received)).toEqual(['article:create']);
    expect(JSON.stringify(received)).not.toContain('rest-secret');
  });
});

describe('writes that do not commit', () => {
  it('a write that fails validation emits nothing', async () => {
    const { socket, received } = await listen();
    await expect(articles().create({ data: { body: 'no title' } as never, status: 'published' })).rejects.toThrow();
    await settle(app.strapi, socket);
    expect(names(received)).toEqual([]);
  });

  it('a write rolled back with its transaction emits nothing, a committed one emits after commit', async () => {
    const { socket, received } = await listen();
    await expect(
      app.strapi.db.transaction(async () => {
        await articles().create({ data: { title: 'Rolled back' }, status: 'published' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await settle(app.strapi, socket);
    expect(names(received)).toEqual([]);

    let seenInsideTransaction = -1;
    await app.strapi.db.transaction(async () => {
      await articles().create({ data: { title: 'Committed' }, status: 'published' });
      await app.strapi.$io.idle();
      seenInsideTransaction = contentEvents(received).length;
    });
    await settle(app.strapi, socket);
    expect(seenInsideTransaction).toBe(0);
    expect(names(received)).toEqual(['article:create']);
  });
});

describe('content types without draft & publish', () => {
  it('comment create, update and delete reach a reader allowed to find comments', async () => {
    const { jwt } = await createUser(app.strapi);
    const { socket, received } = await listen({ strategy: 'jwt', token: jwt });
    const comments = app.strapi.documents(COMMENT);
    const comment = await comments.create({ data: { text: 'first' } });
    await comments.update({ documentId: comment.documentId, data: { text: 'second' } });
    // Each event carries the document as it is when delivered: let the update go out before the delete.
    await app.strapi.$io.idle();
    await comments.delete({ documentId: comment.documentId });
    await settle(app.strapi, socket);
    expect(names(received)).toEqual(['comment:create', 'comment:update', 'comment:delete']);
    const events = contentEvents(received);
    expect(events[1]?.args[0]).toMatchObject({ documentId: comment.documentId, text: 'second' });
    expect(events[2]?.args[0]).toEqual({ documentId: comment.documentId, locale: null });
  });
});

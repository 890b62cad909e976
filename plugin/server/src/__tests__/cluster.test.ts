import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { contentEvents, useCluster } from 'example-strapi-app/testing';
import type { ClusterNode, Listener } from 'example-strapi-app/testing';

/**
 * Two example apps as separate processes on one PostgreSQL database and one Redis (`config.redis`):
 * every node delivers every change, whichever node wrote it, to its own sockets, exactly once.
 * Needs Redis at REDIS_URL (default redis://127.0.0.1:6379) and PostgreSQL at 127.0.0.1:5432.
 */

const ARTICLE = 'api::article.article';
/** How long a missing event is waited for before the test reports what arrived. */
const WAIT_MS = 3_000;
/** After everything expected arrived: how long a duplicate (or a stray event) gets to show up. */
const GRACE_MS = 250;

const cluster = useCluster();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let counter = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${(counter++).toString(36)}`;

interface Watcher extends Listener {
  /** `<node>: <role>`, the key in the reports. */
  label: string;
  node: ClusterNode;
}

const node = (index: number): ClusterNode => {
  const found = cluster.nodes[index];
  if (!found) throw new Error(`The cluster has no node ${index}`);
  return found;
};

async function watch(on: ClusterNode, role: string): Promise<Watcher> {
  const listener = await cluster.listen(on);
  return { ...listener, label: `${on.name}: ${role} (${listener.socket.id})`, node: on };
}

/** One line per content event: `article:update <documentId> "title" sub=<subscription id>`. */
function describeEvents(watcher: Watcher): string[] {
  return contentEvents(watcher.received).map(({ event, args }) => {
    const data = (args[0] ?? {}) as { documentId?: string; title?: string };
    const meta = (args[1] ?? {}) as { subscription?: string };
    return [event, data.documentId, data.title === undefined ? undefined : JSON.stringify(data.title), meta.subscription === undefined ? undefined : `sub=${meta.subscription}`]
      .filter((part) => part !== undefined)
      .join(' ');
  });
}

/** Every watcher's content events, by label: a failing comparison shows which node/socket missed or duplicated what. */
const report = (watchers: Watcher[], lines: (watcher: Watcher) => string[] = describeEvents) =>
  Object.fromEntries(watchers.map((watcher) => [watcher.label, lines(watcher)]));

/**
 * Waits until every node has delivered what it had and every socket has read everything sent
 * before a round trip, repeating (up to WAIT_MS) until `done`; then gives duplicates GRACE_MS.
 */
async function settle(watchers: Watcher[], done?: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await Promise.all(cluster.nodes.map((each) => each.idle()));
    await Promise.all(watchers.map(({ socket }) => socket.timeout(5_000).emitWithAck('io:ping')));
    if (!done || done() || Date.now() > deadline) break;
    await sleep(50);
  }
  await sleep(GRACE_MS);
  await Promise.all(cluster.nodes.map((each) => each.idle()));
  await Promise.all(watchers.map(({ socket }) => socket.timeout(5_000).emitWithAck('io:ping')));
}

/**
 * Settles until the report equals `expected` (or WAIT_MS passed), then asserts it; softly, so the
 * next steps of the test run (and report) too.
 */
async function expectDelivered(watchers: Watcher[], expected: Record<string, string[]>, lines = describeEvents): Promise<void> {
  await settle(watchers, () => isDeepStrictEqual(report(watchers, lines), expected));
  expect.soft(report(watchers, lines)).toEqual(expected);
}

const clear = (watchers: Watcher[]) => watchers.forEach(({ received }) => (received.length = 0));

/** Creates a published article through `on`, and waits until every node has delivered it. */
async function createArticle(on: ClusterNode, title: string, watchers: Watcher[] = []): Promise<string> {
  const { documentId } = await on.documents(ARTICLE, 'create', { data: { title }, status: 'published' });
  await settle(watchers);
  return documentId;
}

describe('a cluster of two nodes', () => {
  it('boots both nodes on one database: REST and sockets on each', async () => {
    const [a, b] = [node(0), node(1)];
    for (const each of cluster.nodes) console.info(`node ${each.name}: pid ${each.pid}, ${each.url}, ready in ${each.bootMs} ms`);
    const titles = await Promise.all(
      [a, b].map(async (each) => {
        const response = await fetch(`${each.url}/api/articles?sort=title`);
        expect(response.status, `GET /api/articles on node ${each.name}`).toBe(200);
        return ((await response.json()) as { data: { title: string }[] }).data.map(({ title }) => title);
      }),
    );
    expect(titles[0]?.length).toBeGreaterThan(0); // node A seeded the example content...
    expect(titles[1]).toEqual(titles[0]); // ...and node B reads the same database
    const watchers = [await watch(a, 'socket'), await watch(b, 'socket')];
    for (const { socket, label } of watchers) expect(socket.connected, label).toBe(true);
    expect(await Promise.all(watchers.map(({ socket }) => socket.timeout(5_000).emitWithAck('io:ping')))).toHaveLength(2);
  });

  it('broadcast: a write through either node reaches the sockets of both, once', async () => {
    const [a, b] = [node(0), node(1)];
    const watchers = [await watch(a, 'no subscription'), await watch(b, 'no subscription')];
    const title = unique('Broadcast');
    const { documentId } = await a.documents(ARTICLE, 'create', { data: { title }, status: 'published' });
    const created = `article:create ${documentId} ${JSON.stringify(title)}`;
    await expectDelivered(watchers, Object.fromEntries(watchers.map(({ label }) => [label, [created]])));

    clear(watchers);
    const edited = `${title} (edited on B)`;
    await b.documents(ARTICLE, 'update', { documentId, data: { title: edited }, status: 'published' });
    const updated = `article:update ${documentId} ${JSON.stringify(edited)}`;
    await expectDelivered(watchers, Object.fromEntries(watchers.map(({ label }) => [label, [updated]])));
  });

  it('entity subscription on node B: a write through node A reaches it once, other documents not at all', async () => {
    const [a, b] = [node(0), node(1)];
    const watched = await createArticle(a, unique('Watched'));
    const other = await createArticle(a, unique('Not watched'));
    await sleep(GRACE_MS); // a late copy of those creations must not land in the records below

    // The socket on A is the same-node reference for the one on B.
    const watchers = [await watch(b, 'subscribed to one document'), await watch(a, 'subscribed to one document')];
    for (const { socket, label } of watchers) {
      expect(await socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: watched }), label).toEqual({ success: true, uid: ARTICLE, documentId: watched });
    }
    clear(watchers);
    const title = unique('Watched, edited on A');
    await a.documents(ARTICLE, 'update', { documentId: watched, data: { title }, status: 'published' });
    await a.documents(ARTICLE, 'update', { documentId: other, data: { title: unique('Not watched, edited on A') }, status: 'published' });
    const updated = `article:update ${watched} ${JSON.stringify(title)}`;
    await expectDelivered(watchers, Object.fromEntries(watchers.map(({ label }) => [label, [updated]])));
  });

  it('filtered collection subscriptions on both nodes: create, update, delete as a document enters, stays, leaves', async () => {
    const [a, b] = [node(0), node(1)];
    const onA = await watch(a, 'subscribed to "Cluster*"');
    const onB = await watch(b, 'subscribed to "Cluster*"');
    const watchers = [onA, onB];
    // A first subscription that nothing matches, so B's socket holds the query under id 2 and A's under 1.
    expect(await onB.socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'no article has this title' } } })).toMatchObject({ success: true, id: '1' });
    const ids = new Map<Watcher, string>();
    for (const watcher of watchers) {
      const ack = (await watcher.socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Cluster' } } })) as { success: boolean; id: string };
      expect(ack, watcher.label).toMatchObject({ success: true, id: expect.any(String) });
      ids.set(watcher, ack.id);
    }
    expect([ids.get(onA), ids.get(onB)]).toEqual(['1', '2']);
    await settle(watchers);
    clear(watchers);

    // One write at a time, each through a different node; events describe the document as it is
    // when delivered, so writes in quick succession could fold into fewer events.
    const expected = (lines: (watcher: Watcher) => string[]) => Object.fromEntries(watchers.map((watcher) => [watcher.label, lines(watcher)]));
    const sub = (watcher: Watcher) => `sub=${ids.get(watcher)}`;
    const first = unique('Cluster one');
    const { documentId } = await a.documents(ARTICLE, 'create', { data: { title: first }, status: 'published' });
    const steps: ((watcher: Watcher) => string)[] = [(w) => `article:create ${documentId} ${JSON.stringify(first)} ${sub(w)}`];
    await settle(watchers, () => isDeepStrictEqual(report(watchers), expected((w) => steps.map((step) => step(w)))));

    const second = unique('Cluster two');
    await b.documents(ARTICLE, 'update', { documentId, data: { title: second }, status: 'published' });
    steps.push((w) => `article:update ${documentId} ${JSON.stringify(second)} ${sub(w)}`);
    await settle(watchers, () => isDeepStrictEqual(report(watchers), expected((w) => steps.map((step) => step(w)))));

    await a.documents(ARTICLE, 'update', { documentId, data: { title: unique('Left the cluster filter') }, status: 'published' });
    steps.push((w) => `article:delete ${documentId} ${sub(w)}`);
    await expectDelivered(watchers, expected((w) => steps.map((step) => step(w))));
  });

  it("strapi.$io helpers on node A find and reach a socket of node B", async () => {
    const [a, b] = [node(0), node(1)];
    const onB = await watch(b, 'private messages');
    const id = onB.socket.id!;
    // Same node first (the reference), then across.
    expect((await b.io('getSocketsInRoom', id)).map((socket) => socket.id), 'getSocketsInRoom on node B (its own socket)').toEqual([id]);
    expect.soft((await a.io('getSocketsInRoom', id)).map((socket) => socket.id), "getSocketsInRoom on node A (node B's socket)").toEqual([id]);

    await a.io('sendPrivateMessage', id, 'hello', 1);
    const hellos = (watcher: Watcher) => watcher.received.filter(({ event }) => event === 'hello').map(({ args }) => `hello ${JSON.stringify(args)}`);
    await expectDelivered([onB], { [onB.label]: ['hello [1]'] }, hellos);
  });

  it('strapi.$io.emit on node A reaches the readers on node B, sanitized there', async () => {
    const [a, b] = [node(0), node(1)];
    const onB = await watch(b, 'emit');
    await a.io('emit', { event: 'highlight', schema: ARTICLE, data: { documentId: 'x', title: 'Shown' } });
    const highlights = (watcher: Watcher) => watcher.received.filter(({ event }) => event === 'article:highlight').map(({ args }) => JSON.stringify(args[0]));
    await expectDelivered([onB], { [onB.label]: [JSON.stringify({ documentId: 'x', title: 'Shown' })] }, highlights);
  });

  it("a permission revoked through node A stops node B's sockets from receiving within a second", async () => {
    const [a, b] = [node(0), node(1)];
    const CATEGORY = 'api::category.category';
    const PERMISSION = 'plugin::users-permissions.permission';
    const onB = await watch(b, 'Public broadcast');
    const categories = (watcher: Watcher) => contentEvents(watcher.received).filter(({ event }) => event.startsWith('category:')).map(({ event }) => event);

    // Node B has read (and cached) Public's right to categories.
    await a.documents(CATEGORY, 'create', { data: { name: unique('Before revoke') } });
    await expectDelivered([onB], { [onB.label]: ['category:create'] }, categories);

    const [permission] = (await a.documents(PERMISSION, 'findMany', { filters: { action: `${CATEGORY}.find`, role: { type: 'public' } }, populate: ['role'] })) as { documentId: string; role: { id: number } }[];
    expect(permission, 'the example app grants Public category.find').toBeDefined();
    await a.documents(PERMISSION, 'delete', { documentId: permission!.documentId });
    try {
      await sleep(1_000);
      await a.documents(CATEGORY, 'create', { data: { name: unique('After revoke') } });
      await settle([onB]);
      expect(categories(onB), `${onB.label} must not hear of categories once Public may no longer read them`).toEqual(['category:create']);
    } finally {
      await a.documents(PERMISSION, 'create', { data: { action: `${CATEGORY}.find`, role: permission!.role.id } });
    }
  });

  it('a live query held only on node B, through a relation, is matched on what node A read for it', async () => {
    const [a, b] = [node(0), node(1)];
    const CATEGORY = 'api::category.category';
    // The Document Service does not fill uid fields: the slugs are given.
    const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const newsName = unique('Cluster news');
    const otherName = unique('Cluster other');
    const news = await a.documents(CATEGORY, 'create', { data: { name: newsName, slug: slug(newsName) } });
    const other = await a.documents(CATEGORY, 'create', { data: { name: otherName, slug: slug(otherName) } });
    const onB = await watch(b, 'articles by category slug');
    const ack = (await onB.socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { category: { slug: { $eq: news.slug } } } })) as { id: string };
    // Node A learns within about a second which paths node B's live queries read.
    await sleep(1_500);
    const title = unique('By category');
    const { documentId } = await a.documents(ARTICLE, 'create', { data: { title, category: news.documentId }, status: 'published' });
    await a.documents(ARTICLE, 'update', { documentId, data: { title: `${title}, edited` }, status: 'published' });
    await a.documents(ARTICLE, 'update', { documentId, data: { category: other.documentId }, status: 'published' });
    const moved = (await a.documents(ARTICLE, 'findOne', { documentId, populate: ['category'] })) as { category: { slug: string } | null };
    expect(moved.category?.slug, 'the article moved to the other category').toBe(other.slug);
    const statsBefore = await b.stats();
    await expectDelivered([onB], {
      [onB.label]: [
        `article:create ${documentId} ${JSON.stringify(title)} sub=${ack.id}`,
        `article:update ${documentId} ${JSON.stringify(`${title}, edited`)} sub=${ack.id}`,
        `article:delete ${documentId} sub=${ack.id}`,
      ],
    });
    // Decided on the states node A read inside its writes: node B asked its database nothing.
    expect((await b.stats()).fallbackReads - statsBefore.fallbackReads).toBe(0);
  });
});

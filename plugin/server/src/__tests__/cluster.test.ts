import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { connect, contentEvents, record, startBalancer, useCluster } from 'example-strapi-app/testing';
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
    // The last argument is the connection state recovery offset, as on one node.
    const hellos = (watcher: Watcher) => watcher.received.filter(({ event }) => event === 'hello').map(({ args }) => `hello ${JSON.stringify(args.slice(0, -1))}`);
    await expectDelivered([onB], { [onB.label]: ['hello [1]'] }, hellos);
  });

  it('every other strapi.$io helper on node A acts on the sockets of node B', async () => {
    const [a, b] = [node(0), node(1)];
    const target = await watch(b, 'target');
    const bystander = await watch(b, 'bystander');
    const id = target.socket.id!;
    const { documentId } = await a.documents(ARTICLE, 'create', { data: { title: unique('Helpers') }, status: 'published' });
    await settle([target, bystander]);
    clear([target, bystander]);

    expect(await a.io('joinRoom', id, 'vip')).toBe(true);
    expect((await a.io('getSocketsInRoom', 'vip')).map((socket) => socket.id)).toEqual([id]);
    a.io('raw', { event: 'offer', data: { n: 1 }, rooms: ['vip'] });
    await a.io('broadcast', 'hello-all', { n: 2 });
    expect(await a.io('subscribeToEntity', id, ARTICLE, documentId)).toEqual({ success: true, uid: ARTICLE, documentId });
    expect(await a.io('getEntitySubscriptions', id)).toEqual([{ uid: ARTICLE, documentId }]);
    expect((await a.io('getEntityRoomSockets', ARTICLE, documentId)).map((socket) => socket.id)).toEqual([id]);
    await a.io('emitToEntity', ARTICLE, documentId, 'article:typing', { user: 'ann' });
    expect(await a.io('leaveRoom', id, 'vip')).toBe(true);
    await a.io('raw', { event: 'offer', data: { n: 3 }, rooms: ['vip'] });
    // The namespace exists on node B once something there made it (as on one node).
    await b.io('emitToNamespace', 'ops', 'warm-up', {});
    const ops = await connect(`${b.url}/ops`);
    try {
      const opsReceived = record(ops);
      await a.io('emitToNamespace', 'ops', 'alert', { level: 1 });
      const custom = (watcher: Watcher) => watcher.received.filter(({ event }) => !event.startsWith('io:')).map(({ event, args }) => `${event} ${JSON.stringify(args[0])}`);
      await expectDelivered(
        [target, bystander],
        { [target.label]: ['offer {"n":1}', 'hello-all {"n":2}', 'article:typing {"user":"ann"}'], [bystander.label]: ['hello-all {"n":2}'] },
        custom,
      );
      await expect.poll(() => opsReceived.map(({ event }) => event)).toEqual(['alert']);
    } finally {
      ops.close();
    }

    const gone = new Promise<string>((resolve) => target.socket.once('disconnect', resolve));
    expect(await a.io('disconnectSocket', id, 'Kicked from node A')).toBe(true);
    expect(await gone).toBe('io server disconnect');
    expect(target.received.filter(({ event }) => event === 'io:error').map(({ args }) => args[0])).toEqual([{ code: 'DISCONNECTED', message: 'Kicked from node A' }]);
    expect(await a.io('joinRoom', id, 'vip'), 'a socket gone from every node').toBe(false);
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

  it('a write on node A right after a live query starts on node B (before A hears of it) still reaches it', async () => {
    const [a, b] = [node(0), node(1)];
    const CATEGORY = 'api::category.category';
    const onB = await watch(b, 'categories, subscribed just now');
    const name = unique('Named at once');
    const before = await b.stats();
    const ack = (await onB.socket.emitWithAck('subscribe', { uid: CATEGORY, filters: { name: { $eq: name } } })) as { success: boolean; id: string };
    expect(ack).toMatchObject({ success: true });
    // No wait: node A may write before it knows of any live query on categories, and send no states.
    const { documentId } = await a.documents(CATEGORY, 'create', { data: { name, slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-') } });
    const lines = (watcher: Watcher) =>
      contentEvents(watcher.received).map(({ event, args }) => `${event} ${(args[0] as { documentId: string }).documentId} sub=${(args[1] as { subscription?: string }).subscription}`);
    await expectDelivered([onB], { [onB.label]: [`category:create ${documentId} sub=${ack.id}`] }, lines);
    // Usually A had not heard yet: B then asked its database (once for the one query).
    console.log(`node B decided it with ${(await b.stats()).fallbackReads - before.fallbackReads} database read(s)`);
  });

  it('a client moved from node A to node B during writes recovers there: every event once, in order', async () => {
    const [a, b] = [node(0), node(1)];
    const balancer = await startBalancer(a.url);
    try {
      const prefix = unique('Moving');
      const docs: { documentId: string }[] = [];
      for (let i = 0; i < 3; i++) docs.push(await a.documents(ARTICLE, 'create', { data: { title: `${prefix} ${i} start` }, status: 'published' }));
      // Back 300 ms after the cut: several writes happen while it is away, more after it is back.
      const socket = await connect(balancer.url, { reconnection: true, reconnectionDelay: 300, reconnectionDelayMax: 300, randomizationFactor: 0 });
      const moving: Watcher = { socket, received: record(socket), label: 'moved from A to B', node: b };
      const control = await watch(a, 'stays on A');
      try {
        for (const watcher of [moving, control]) {
          expect(await watcher.socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: prefix } } }), watcher.label).toMatchObject({ success: true, id: '1' });
          expect(await watcher.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: docs[0]!.documentId }), watcher.label).toMatchObject({ success: true });
        }
        await settle([moving, control]);
        clear([moving, control]);
        const before = await b.stats();

        // Writes through both nodes; after the 8th the balancer sends new connections to B and cuts
        // the open ones: the client reconnects (to B) while the writes go on.
        // They go on until 8 more were made after it is back.
        let back: number | undefined;
        for (let round = 1; round < (back ?? 200) + 8; round++) {
          const title = round % 7 === 0 ? `Left ${round}` : `${prefix} ${round % 3} round ${round}`;
          await (round % 2 ? a : b).documents(ARTICLE, 'update', { documentId: docs[round % 3]!.documentId, data: { title }, status: 'published' });
          if (round === 8) {
            balancer.pointTo(b.url);
            balancer.cut();
            await sleep(20);
            expect(socket.connected, 'the client saw the cut').toBe(false);
          }
          if (round > 8 && back === undefined && socket.connected) back = round;
        }
        expect(back, 'the moved client reconnected').toBeDefined();
        expect(socket.recovered, 'the moved client recovered its session on node B').toBe(true);

        // Per document, the same events in the same order as the socket that never moved.
        const withIds = (watcher: Watcher) =>
          describeEvents(watcher).map((line, i) => `${line} ${(contentEvents(watcher.received)[i]!.args[1] as { eventId: string }).eventId}`);
        const byDocument = (watcher: Watcher) => {
          const lines: Record<string, string[]> = {};
          for (const line of withIds(watcher)) (lines[line.split(' ')[1]!] ??= []).push(line);
          return lines;
        };
        await settle([moving, control], () => isDeepStrictEqual(byDocument(moving), byDocument(control)));
        expect(byDocument(moving)).toEqual(byDocument(control));
        expect(new Set(withIds(moving)).size, 'no event twice').toBe(withIds(moving).length);
        // Node B took the session over from A and sent it what it missed meanwhile.
        const after = await b.stats();
        expect(after.movedIn - before.movedIn, 'sessions node B took over').toBe(1);
        expect(after.replayed - before.replayed, 'events node B replayed to it').toBeGreaterThan(1);
        console.log(`moved client: ${withIds(moving).length} events (back after write ${back}), ${after.replayed - before.replayed} replayed by node B`);
      } finally {
        socket.close();
      }
    } finally {
      await balancer.close();
    }
  });

  it('a client that drops and comes back to the same node recovers there, with what it missed', async () => {
    const [a, b] = [node(0), node(1)];
    const balancer = await startBalancer(b.url);
    try {
      const { documentId } = await a.documents(ARTICLE, 'create', { data: { title: unique('Blink') }, status: 'published' });
      const socket = await connect(balancer.url, { reconnection: true, reconnectionDelay: 300, reconnectionDelayMax: 300, randomizationFactor: 0 });
      const back: Watcher = { socket, received: record(socket), label: 'dropped, back on B', node: b };
      try {
        expect(await socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: documentId })).toMatchObject({ success: true });
        // An event first: a client recovers from the offset of the last event it got.
        const titles = [unique('Blink zero')];
        await a.documents(ARTICLE, 'update', { documentId, data: { title: titles[0] }, status: 'published' });
        await settle([back], () => describeEvents(back).length === 1);
        const before = await b.stats();
        balancer.cut();
        titles.push(unique('Blink one'), unique('Blink two'));
        for (const [i, title] of titles.slice(1).entries()) await (i ? b : a).documents(ARTICLE, 'update', { documentId, data: { title }, status: 'published' });
        const expected = titles.map((title) => `article:update ${documentId} ${JSON.stringify(title)}`);
        await settle([back], () => socket.connected && isDeepStrictEqual(describeEvents(back), expected));
        expect(socket.recovered).toBe(true);
        expect(describeEvents(back)).toEqual(expected);
        expect((await b.stats()).movedIn - before.movedIn, 'sessions node B took from another node').toBe(0);
      } finally {
        socket.close();
      }
    } finally {
      await balancer.close();
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { connect, contentEvents, record, useCluster } from 'example-strapi-app/testing';
import type { ClusterNode, Received } from 'example-strapi-app/testing';
import { adminCall, connectAdmin } from './admin-helpers';

/**
 * The admin panel with two nodes (separate processes, one PostgreSQL database, one Redis): a save
 * on one node applies on the other at once, and the monitoring routes and channel see every
 * node's sockets. Needs Redis and PostgreSQL, like cluster.test.ts.
 */
const ARTICLE = 'api::article.article';

const cluster = useCluster();
let a: ClusterNode;
let b: ClusterNode;
let token: string;

beforeAll(async () => {
  [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
  // The first administrator, registered as the admin panel's first visit does.
  const response = await fetch(`${a.url}/admin/register-admin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'first@example.com', firstname: 'First', lastname: 'Admin', password: 'First-admin-1' }),
  });
  if (!response.ok) throw new Error(`register-admin answered ${response.status}: ${await response.text()}`);
  token = ((await response.json()) as { data: { token: string } }).data.token;
});

const events = (received: Received[]) => contentEvents(received).map(({ event }) => event);
/** Both nodes delivered what they had, and the sockets read everything sent before a round trip. */
async function settleOn(node: ClusterNode, ...sockets: Socket[]) {
  await a.idle();
  await node.idle();
  await Promise.all(sockets.map((socket) => socket.timeout(5000).emitWithAck('io:ping')));
}

describe('settings saved on one node', () => {
  it('apply on the other at once: article:update stops there and comes back', async () => {
    const { socket, received } = await cluster.listen(b);
    const doc = await a.documents<{ documentId: string }>(ARTICLE, 'create', { data: { title: 'Clustered' }, status: 'published' });
    // The create crosses to node B through Redis after A is idle: wait for it, or it may land among
    // the events the next step expects none of (seen on a loaded machine).
    await expect.poll(() => events(received)).toContain('article:create');
    await settleOn(b, socket);
    received.length = 0;

    const off = await adminCall(a.url, 'PUT', '/io/settings', token, { contentTypes: [{ uid: ARTICLE, actions: ['create', 'delete'] }] });
    expect(off.status).toBe(200);
    await expect
      .poll(async () => (await adminCall<{ data: { contentTypes: { uid: string; actions: string[] }[] } }>(b.url, 'GET', '/io/settings', token)).body.data.contentTypes.find(({ uid }) => uid === ARTICLE)?.actions)
      .toEqual(['create', 'delete']);
    await a.documents(ARTICLE, 'update', { documentId: doc.documentId, data: { title: 'Not sent' }, status: 'published' });
    await settleOn(b, socket);
    expect(events(received)).toEqual([]);

    await adminCall(a.url, 'PUT', '/io/settings', token, { contentTypes: [{ uid: ARTICLE, actions: ['create', 'update', 'delete'] }] });
    await expect
      .poll(async () => (await adminCall<{ data: { sources: Record<string, string> } }>(b.url, 'GET', '/io/settings', token)).body.data.sources[`contentTypes.${ARTICLE}`])
      .toBe('file');
    await a.documents(ARTICLE, 'update', { documentId: doc.documentId, data: { title: 'Sent again' }, status: 'published' });
    await settleOn(b, socket);
    expect(events(received)).toEqual(['article:update']);
  });

  it('require credentials on every node: a Public socket on the other node is told UNAUTHORIZED and disconnected', async () => {
    const { socket, received } = await cluster.listen(b);
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect((await adminCall(a.url, 'PUT', '/io/settings', token, { security: { requireAuthentication: true } })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect(received.find(({ event }) => event === 'io:error')?.args[0]).toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(connect(b.url)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    await adminCall(a.url, 'PUT', '/io/settings', token, { security: { requireAuthentication: false } });
    await expect.poll(() => connect(b.url).then((again) => (again.close(), true), () => false)).toBe(true);
  });
});

describe('monitoring with two nodes', () => {
  it("lists and disconnects the other node's sockets, and pushes its connections to an admin on this node", async () => {
    const admin = await connectAdmin(a.url, { token });
    await expect.poll(() => admin.received.some(({ event }) => event === 'monitor:snapshot')).toBe(true);
    // The admin on A is announced to B, which then pushes its connections.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { socket } = await cluster.listen(b);
    const id = socket.id!;
    await expect.poll(() => admin.received.some(({ event, args }) => event === 'monitor:connection' && (args[0] as { connection: { id: string } }).connection.id === id)).toBe(true);

    const rows = (await adminCall<{ data: { id: string; transport: string; principal: { label: string } }[] }>(a.url, 'GET', '/io/monitoring/connections', token)).body.data;
    expect(rows.find((row) => row.id === id)).toMatchObject({ transport: 'websocket', principal: { label: 'Public' } });

    const messages = record(socket);
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect((await adminCall(a.url, 'DELETE', `/io/monitoring/connections/${id}`, token)).body).toEqual({ data: { disconnected: true } });
    expect(await gone).toBe('io server disconnect');
    expect(messages.find(({ event }) => event === 'io:error')?.args[0]).toMatchObject({ code: 'DISCONNECTED' });
    await expect.poll(() => admin.received.some(({ event, args }) => event === 'monitor:connection' && (args[0] as { type: string; connection: { id: string } }).type === 'disconnected' && (args[0] as { connection: { id: string } }).connection.id === id)).toBe(true);
    admin.close();
  });
});

import { expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { useExampleApp } from 'example-strapi-app/testing';
import { adminCall, loginAdmin } from './admin-helpers';

/**
 * An app that serves Socket.IO on its own path: the admin pages learn where the live channel is
 * from `GET /io/monitoring/channel` (monitoring.read), and it answers there.
 */
const example = useExampleApp({ seed: false, ioConfig: { contentTypes: ['api::article.article'], socket: { serverOptions: { path: '/live' } } } });

it('tells where the admin live channel is, and the channel answers there', async () => {
  const { strapi, url } = example.app;
  const admin = await loginAdmin(strapi, url);
  const answer = await adminCall<{ data: { namespace: string; path: string } }>(url, 'GET', '/io/monitoring/channel', admin.token);
  expect(answer.status).toBe(200);
  expect(answer.body.data).toEqual({ namespace: '/io-admin', path: '/live' });

  const channel = io(`${url}/io-admin`, { path: '/live', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: admin.token } });
  try {
    const snapshot = await new Promise<{ connections: unknown[] }>((resolve, reject) => {
      channel.once('monitor:snapshot', resolve);
      channel.once('connect_error', reject);
    });
    expect(Array.isArray(snapshot.connections)).toBe(true);
  } finally {
    channel.close();
  }

  const editor = await loginAdmin(strapi, url, 'editor');
  expect((await adminCall(url, 'GET', '/io/monitoring/channel', editor.token)).status).toBe(403);
  expect((await adminCall(url, 'GET', '/io/monitoring/channel')).status).toBe(401);
});

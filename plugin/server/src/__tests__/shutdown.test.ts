import { afterAll, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { bootExampleApp, connect } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';

let app: ExampleApp | undefined;
afterAll(async () => {
  await app?.stop();
});

it('lets clients reconnect after Strapi stops (a restart or a deploy is not "the server ended your session")', async () => {
  app = await bootExampleApp({ seed: false });
  const socket: Socket = await connect(app.url, { reconnection: true, reconnectionDelay: 60_000 });
  const reason = new Promise<string>((resolve) => socket.once('disconnect', resolve));
  await app.stop();
  app = undefined;
  // 'io server disconnect' would tell socket.io-client never to reconnect by itself.
  expect(await reason).toBe('transport close');
  expect(socket.active).toBe(true);
  socket.close();
});

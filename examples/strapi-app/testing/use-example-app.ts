import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Socket } from 'socket.io-client';
import { bootExampleApp } from './boot-example-app';
import type { BootOptions, ExampleApp } from './boot-example-app';
import { connect, record } from './clients';
import type { Received } from './clients';

export interface Listener {
  socket: Socket;
  /** Everything the socket received, in order. */
  received: Received[];
}

/**
 * The usual test file: one example app for the file (booted before its tests, stopped after), and
 * sockets that are closed after each test.
 */
export function useExampleApp(options: BootOptions = {}) {
  let app: ExampleApp | undefined;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    app = await bootExampleApp(options);
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });
  afterAll(async () => {
    await app?.stop();
  });

  const running = (): ExampleApp => {
    if (!app) throw new Error('The example app is not booted yet: use it inside a test or hook');
    return app;
  };

  return {
    get app(): ExampleApp {
      return running();
    },
    /** A connected socket (closed after the test) that records what it receives. */
    async listen(auth?: Record<string, unknown>, options: Parameters<typeof connect>[1] = {}): Promise<Listener> {
      const socket = await connect(running().url, { ...(auth ? { auth } : {}), ...options });
      sockets.push(socket);
      return { socket, received: record(socket) };
    },
  };
}

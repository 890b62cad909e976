import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import type { Core } from '@strapi/strapi';

export type Received = { event: string; args: unknown[] };

/**
 * A real socket.io-client connection; resolves once connected, rejects with the connect_error (of
 * the first attempt: a socket with `reconnection: true` keeps trying by itself once connected).
 */
export function connect(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  return new Promise((resolve, reject) => {
    const connected = () => {
      socket.off('connect_error', failed);
      resolve(socket);
    };
    const failed = (error: Error) => {
      socket.off('connect', connected);
      socket.close();
      reject(error);
    };
    socket.once('connect', connected);
    socket.once('connect_error', failed);
  });
}

/** Everything a socket receives, in order. */
export function record(socket: Socket): Received[] {
  const received: Received[] = [];
  socket.onAny((event: string, ...args: unknown[]) => received.push({ event, args }));
  return received;
}

/**
 * Waits until the server has delivered every committed change and the socket has read everything
 * sent before a round trip: after this, an event that did not arrive was never sent.
 */
export async function settle(strapi: Core.Strapi, ...sockets: Socket[]): Promise<void> {
  await strapi.$io.idle();
  await Promise.all(sockets.map((socket) => socket.timeout(5000).emitWithAck('io:ping')));
}

/** Content events only (`<singular>:<action>`), without the round-trip and error events. */
export const contentEvents = (received: Received[]) => received.filter(({ event }) => /^[\w-]+:(create|update|delete)$/.test(event));

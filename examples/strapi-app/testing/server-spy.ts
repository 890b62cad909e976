import type { Core } from '@strapi/strapi';
import type { Socket } from 'socket.io';

export interface ServerMessage {
  socket: string;
  event: string;
  payload: unknown;
}

/**
 * What the example app's Socket.IO server sees: connections, disconnections and every message
 * clients send (`subscribe`, `unsubscribe`, ...), so tests count server subscriptions on the
 * server rather than trusting the client.
 */
export function spyOnServer(strapi: Core.Strapi) {
  const connected: string[] = [];
  const disconnected: string[] = [];
  const messages: ServerMessage[] = [];
  strapi.$io.server.on('connection', (socket: Socket) => {
    connected.push(socket.id);
    socket.onAny((event: string, payload: unknown) => messages.push({ socket: socket.id, event, payload }));
    socket.on('disconnect', () => disconnected.push(socket.id));
  });
  return {
    connected,
    disconnected,
    messages,
    /** `subscribe` messages for `uid`, in order. */
    subscribes: (uid: string) => messages.filter((m) => m.event === 'subscribe' && (m.payload as { uid?: string }).uid === uid),
    unsubscribes: () => messages.filter((m) => m.event === 'unsubscribe'),
    /** Sockets connected now. */
    open: () => connected.filter((id) => !disconnected.includes(id)),
    reset() {
      connected.length = 0;
      disconnected.length = 0;
      messages.length = 0;
    },
  };
}

export type ServerSpy = ReturnType<typeof spyOnServer>;

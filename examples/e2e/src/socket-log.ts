import type { Page } from 'playwright-core';

export interface SocketEvent {
  name: string;
  payload: unknown;
}

/** `42["name",payload]`, with an optional namespace and ack id (`421[...]`): a Socket.IO event. */
const EVENT = /^42(?:\/[^,]*,)?\d*(\[[\s\S]*\])$/;

function parseEvent(frame: string | Buffer): SocketEvent | undefined {
  const match = typeof frame === 'string' ? EVENT.exec(frame) : null;
  if (!match) return undefined;
  const [name, payload] = JSON.parse(match[1]!) as [string, unknown];
  return { name, payload };
}

/**
 * The Socket.IO events a page sends and receives over its WebSocket, to check what went over the
 * wire (a subscription per locale, no event of a locale the page does not show). Socket.IO starts on
 * HTTP long-polling and moves to the WebSocket: wait for `upgraded` before relying on the log.
 * Register before `page.goto`.
 */
export function recordSocketEvents(page: Page) {
  const log = { sent: [] as SocketEvent[], received: [] as SocketEvent[], upgraded: false };
  page.on('websocket', (socket) => {
    if (!socket.url().includes('/socket.io/')) return;
    socket.on('framesent', ({ payload }) => {
      // Engine.IO's upgrade packet: from here on everything goes over this WebSocket.
      if (payload === '5') log.upgraded = true;
      const event = parseEvent(payload);
      if (event) log.sent.push(event);
    });
    socket.on('framereceived', ({ payload }) => {
      const event = parseEvent(payload);
      if (event) log.received.push(event);
    });
  });
  return log;
}

export type SocketLog = ReturnType<typeof recordSocketEvents>;

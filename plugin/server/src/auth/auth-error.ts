import type { ErrorCode } from '@strapi-live/client/protocol';

/**
 * An error the client is meant to read: Socket.IO sends `message` and `data` of an error passed to
 * a middleware's `next` as the client's `connect_error`.
 */
export class SocketError extends Error {
  readonly data: { code: ErrorCode; message: string };

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'SocketError';
    this.data = { code, message };
  }
}

import { ServerResponse } from 'node:http';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Node hands a request with `Upgrade:` to 'upgrade' listeners as soon as there is one, and to
 * 'request' listeners (Koa) only when there is none. Engine.IO's listener makes there be one, so
 * without this Strapi would never see its own websocket routes such as `/admin/transfer` (with
 * `destroyUpgrade: false` they would hang, with the default they would be cut). Upgrades outside
 * the Socket.IO path are given to the 'request' listeners exactly as Node would have done.
 */
export function forwardForeignUpgrades(httpServer: HttpServer, socketIoPath: string): void {
  const prefix = `${socketIoPath.replace(/\/$/, '')}/`;
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (pathname.startsWith(prefix)) return;
    // Another upgrade listener (an app's own ws server) is in charge of it.
    if (httpServer.listenerCount('upgrade') > 2) return;
    if (head.length > 0) socket.unshift(head);
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    res.on('finish', () => {
      res.detachSocket(socket as never);
      socket.end();
    });
    httpServer.emit('request', req, res);
  };
  httpServer.on('upgrade', listener);
}

/**
 * A plain Socket.IO server in its own process, for the cluster benchmark's baseline: the same
 * @socket.io/redis-streams-adapter the plugin uses with `redis` (same options: stream, channel and
 * session names derived from a key prefix), no authentication, no Strapi. Forked with the IPC
 * protocol of examples/strapi-app/testing/cluster-node-child.mjs, so bench/lib/cluster-node.mjs
 * drives it:
 *   child → parent  { type: 'ready', url } | { type: 'failed', error }
 *   parent → child  { id, type: 'emit', event, args }   io.emit(event, ...args)
 *                   { id, type: 'stats' }               connected sockets
 *                   { id, type: 'stop' }                close, answer, exit 0
 * Sockets may send `io:ping` with an acknowledgement, as to the plugin (the pools' settle round trip).
 *   child → parent  { id, ok: true, value } | { id, ok: false, error }
 * Environment: REDIS_URL, REDIS_KEY_PREFIX, PLAIN_RECOVERY=1 for connection state recovery (off by
 * default, as the plugin has it with `redis` today).
 */
import http from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

const prefix = process.env.REDIS_KEY_PREFIX ?? 'bench-plain';
let io;
let redis;
let stopping = false;

const send = (message) => (process.connected ? new Promise((resolve) => process.send(message, () => resolve())) : Promise.resolve());
const serialize = (error) => ({ name: error?.name ?? 'Error', message: error?.message ?? String(error), stack: error?.stack });

async function close() {
  io?.close();
  await redis?.close().catch(() => redis.destroy());
}

process.on('disconnect', () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 3000).unref();
  close().finally(() => process.exit(0));
});

process.on('message', async (message) => {
  if (!message || message.id === undefined) return;
  const { id, type } = message;
  try {
    if (type === 'emit') {
      io.emit(message.event, ...(message.args ?? []));
      await send({ id, ok: true, value: null });
    } else if (type === 'stats') {
      await send({ id, ok: true, value: { sockets: io.of('/').sockets.size } });
    } else if (type === 'stop') {
      stopping = true;
      await close();
      await send({ id, ok: true, value: null });
      process.exit(0);
    } else {
      await send({ id, ok: false, error: { message: `Unknown command "${type}"` } });
    }
  } catch (error) {
    await send({ id, ok: false, error: serialize(error) });
  }
});

try {
  redis = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  redis.on('error', () => {});
  await redis.connect();
  const httpServer = http.createServer();
  io = new Server(httpServer, {
    adapter: createAdapter(redis, { streamName: `${prefix}:stream`, channelPrefix: prefix, sessionKeyPrefix: `${prefix}:session:` }),
    ...(process.env.PLAIN_RECOVERY === '1' ? { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 } } : {}),
  });
  // The round trip the socket pools use to settle (the plugin answers it too).
  io.on('connection', (socket) => socket.on('io:ping', (ack) => typeof ack === 'function' && ack({ success: true, ts: Date.now() })));
  await new Promise((resolve, reject) => httpServer.listen(0, '127.0.0.1', resolve).once('error', reject));
  await send({ type: 'ready', url: `http://127.0.0.1:${httpServer.address().port}` });
} catch (error) {
  console.error(error);
  await send({ type: 'failed', error: serialize(error) });
  process.exit(1);
}

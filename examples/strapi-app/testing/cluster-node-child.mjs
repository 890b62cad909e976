/**
 * One node of a test cluster: the built example app (dist/) in its own process, forked by
 * `startNode` in cluster.ts. Plain JavaScript so that plain `node` runs it (no TypeScript loader).
 *
 * Configured by its environment (DATABASE_*, REDIS_URL, REDIS_KEY_PREFIX, SEED_EXAMPLE_CONTENT,
 * HOST, PORT=0...); talks to the parent over Node IPC:
 *   child → parent  { type: 'ready', url }                once listening
 *                   { type: 'failed', error }             boot failed (then exits 1)
 *   parent → child  { id, type: 'documents', uid, method, params }
 *                   { id, type: 'idle' } | { id, type: 'stats' }
 *                   { id, type: 'io', method, args }
 *                   { id, type: 'stop' }                  destroy, answer, exit 0
 *   child → parent  { id, ok: true, value } | { id, ok: false, error }
 * Exits when the parent goes away (IPC disconnect), so no orphan keeps a port or a connection.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (typeof process.send !== 'function') {
  console.error('cluster-node-child.mjs runs as a forked child (child_process.fork, with an IPC channel)');
  process.exit(2);
}

/** An Error (or anything thrown) as plain data that survives IPC. */
function serializeError(error) {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      ...(error.details !== undefined ? { details: toJson(error.details) } : {}),
      ...(error.code !== undefined ? { code: String(error.code) } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

/** A JSON-safe copy: no cycles, BigInt as strings, Maps and Sets as arrays, Dates as ISO strings. */
function toJson(value) {
  if (value === undefined) return null;
  const seen = new WeakSet();
  return JSON.parse(
    JSON.stringify(value, function replacer(_key, item) {
      if (typeof item === 'bigint') return item.toString();
      if (typeof item === 'function' || typeof item === 'symbol') return undefined;
      if (item instanceof Map) return [...item.entries()];
      if (item instanceof Set) return [...item];
      if (item instanceof Error) return serializeError(item);
      if (item && typeof item === 'object') {
        if (seen.has(item)) return '[Circular]';
        seen.add(item);
      }
      return item;
    }) ?? 'null',
  );
}

function send(message) {
  if (!process.connected) return Promise.resolve();
  return new Promise((resolve) => process.send(message, (error) => resolve(error)));
}

let strapi;
let stopping = false;

/** Leaves without waiting for anyone: used when the parent is gone. */
async function exitAlone(code) {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(code), 5000);
  timer.unref();
  try {
    await strapi?.destroy();
  } catch {
    // exiting anyway
  }
  process.exit(code);
}

// The parent exited or closed the channel: do not outlive it.
process.on('disconnect', () => void exitAlone(0));

const commands = {
  async documents({ uid, method, params }) {
    const service = strapi.documents(uid);
    if (typeof service[method] !== 'function') throw new Error(`strapi.documents('${uid}') has no method "${method}"`);
    return service[method](params ?? {});
  },
  idle: () => strapi.$io.idle(),
  stats: () => strapi.$io.stats(),
  async io({ method, args = [] }) {
    if (typeof strapi.$io?.[method] !== 'function') throw new Error(`strapi.$io has no method "${method}"`);
    return strapi.$io[method](...args);
  },
};

process.on('message', async (message) => {
  if (!message || typeof message !== 'object' || message.id === undefined) return;
  const { id, type } = message;
  if (type === 'stop') {
    if (stopping) return;
    stopping = true;
    try {
      await strapi?.destroy();
      await send({ id, ok: true, value: null });
    } catch (error) {
      await send({ id, ok: false, error: serializeError(error) });
    }
    process.exit(0);
  }
  const command = commands[type];
  if (!command) {
    await send({ id, ok: false, error: { name: 'Error', message: `Unknown command "${type}"` } });
    return;
  }
  if (!strapi || stopping) {
    await send({ id, ok: false, error: { name: 'Error', message: `The node is ${stopping ? 'stopping' : 'not booted'}` } });
    return;
  }
  try {
    const value = await command(message);
    await send({ id, ok: true, value: toJson(value) });
  } catch (error) {
    await send({ id, ok: false, error: serializeError(error) });
  }
});

async function boot() {
  const { createStrapi } = require('@strapi/strapi');
  // The same options as bootExampleApp (testing/boot-example-app.ts).
  strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist'), serveAdminPanel: false });
  strapi.log.level = process.env.STRAPI_TEST_LOG_LEVEL ?? 'warn';
  // load() is register() then bootstrap(); the plugin reads its config in bootstrap.
  await strapi.register();
  await strapi.bootstrap();
  strapi.isLoaded = true;
  await strapi.listen();
  const { port } = strapi.server.httpServer.address();
  return `http://127.0.0.1:${port}`;
}

try {
  const url = await boot();
  await send({ type: 'ready', url });
} catch (error) {
  console.error(error);
  await send({ type: 'failed', error: serializeError(error) });
  stopping = true;
  try {
    await strapi?.destroy();
  } catch {
    // failing anyway
  }
  process.exit(1);
}

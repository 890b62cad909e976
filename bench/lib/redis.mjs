/**
 * Redis helpers for the cluster benchmark (node-redis, which the plugin depends on): is it up,
 * how many commands did the server run (INFO commandstats), which commands did this run's
 * clients send (MONITOR, filtered on the run's key prefixes), and deleting the run's keys.
 *
 * INFO commandstats is server-wide: anything else using the same Redis (tests of other engineers
 * on a shared machine) is counted too. MONITOR lines name the keys and channels, so counting the
 * commands that name one of this run's prefixes is exact whatever else runs.
 */
import { createClient } from 'redis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

async function connect(url) {
  const client = createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function withClient(url, work) {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    client.destroy();
  }
}

/** Throws an error that says how to start Redis when `url` does not answer PING. */
export async function assertRedis(url) {
  try {
    const reply = await withClient(url, (client) => client.ping());
    if (reply === 'PONG') return;
    throw new Error(`answered ${reply}`);
  } catch (error) {
    throw new Error(
      `Redis at ${url} does not answer PING (${error.message}). Start one with\n` +
        '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\nor set REDIS_URL.',
    );
  }
}

/** `INFO commandstats` as { command: calls } (lower case, as Redis names them: xadd, publish...). */
export async function commandStats(url) {
  const text = await withClient(url, (client) => client.info('commandstats'));
  const calls = {};
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]] = Number(match[2]);
  return calls;
}

/** `after - before` per command, without the commands the measurement itself sends. */
export function diffStats(before, after, ignore = ['info', 'monitor', 'ping', 'hello', 'client|setinfo', 'client']) {
  const diff = {};
  for (const [command, calls] of Object.entries(after)) {
    const delta = calls - (before[command] ?? 0);
    if (delta > 0 && !ignore.includes(command)) diff[command] = delta;
  }
  return diff;
}

/**
 * Watches every command Redis runs (MONITOR) and counts, by command, those that name a key or a
 * channel starting with one of `prefixes`. PUBLISH of the plugin's Socket.IO server-side events is
 * told apart by the event name in its payload ("publish io:changes", "publish io:paths"...).
 * `take()` returns the counts since the last `take()` (or since the start) and resets them.
 */
export async function monitorCommands(url, prefixes) {
  const client = await connect(url);
  const needles = prefixes.map((prefix) => `"${prefix}`);
  let counts = {};
  await client.monitor((line) => {
    if (!needles.some((needle) => line.includes(needle))) return;
    const command = /\] "([^"]+)"/.exec(line)?.[1]?.toLowerCase();
    if (!command) return;
    let key = command;
    if (command === 'publish') key = `publish ${/io:[a-z]+/.exec(line)?.[0] ?? '(other)'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  });
  return {
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
    stop() {
      client.destroy();
    },
  };
}

/** Deletes the keys starting with `prefix`; resolves with how many. */
export async function deleteKeys(url, prefix) {
  return withClient(url, async (client) => {
    let deleted = 0;
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
      if (keys.length) deleted += await client.unlink(keys);
    }
    return deleted;
  });
}

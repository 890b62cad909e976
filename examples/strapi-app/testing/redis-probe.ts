/**
 * Redis for the cluster tests, without a client library: a few RESP commands over one connection
 * (is it up, and clean up a test file's keys).
 */
import net from 'node:net';
import tls from 'node:tls';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no';

type Resp = string | number | null | Resp[] | Error;

/** Parses one RESP2 reply at `offset`; undefined when the buffer does not hold all of it yet. */
function parseResp(buffer: Buffer, offset: number): [Resp, number] | undefined {
  const end = buffer.indexOf('\r\n', offset);
  if (end < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString('utf8', offset + 1, end);
  const next = end + 2;
  switch (type) {
    case '+':
      return [line, next];
    case '-':
      return [new Error(line), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const length = Number(line);
      if (length < 0) return [null, next];
      if (buffer.length < next + length + 2) return undefined;
      return [buffer.toString('utf8', next, next + length), next + length + 2];
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return [null, next];
      const items: Resp[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const parsed = parseResp(buffer, at);
        if (!parsed) return undefined;
        items.push(parsed[0]);
        at = parsed[1];
      }
      return [items, at];
    }
    default:
      throw new Error(`Unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}

const encodeCommand = (args: string[]) => `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;

/**
 * Runs commands one after the other on one connection to `url` (AUTH and SELECT from the URL
 * first) and returns their replies; `next` may add commands from the replies so far (SCAN).
 */
async function redis(url: string, first: string[][], next?: (reply: Resp) => string[][]): Promise<Resp[]> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`Not a Redis URL: ${url}`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  const setup: string[][] = [];
  if (parsed.password) setup.push(parsed.username ? ['AUTH', decodeURIComponent(parsed.username), decodeURIComponent(parsed.password)] : ['AUTH', decodeURIComponent(parsed.password)]);
  const db = parsed.pathname.replace(/^\//, '');
  if (db) setup.push(['SELECT', db]);

  return new Promise<Resp[]>((resolve, reject) => {
    const socket = parsed.protocol === 'rediss:' ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    socket.setTimeout(3_000, () => socket.destroy(new Error('no answer in 3 s')));
    const queue = [...setup, ...first];
    const replies: Resp[] = [];
    let buffer = Buffer.alloc(0);
    let waitingSetup = setup.length;
    const sendNext = () => {
      const command = queue.shift();
      if (!command) {
        socket.end();
        resolve(replies);
        return;
      }
      socket.write(encodeCommand(command));
    };
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', sendNext);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      let reply;
      while ((reply = parseResp(buffer, 0))) {
        buffer = buffer.subarray(reply[1]);
        const value = reply[0];
        if (value instanceof Error) {
          socket.destroy();
          reject(value);
          return;
        }
        if (waitingSetup > 0) waitingSetup--;
        else {
          replies.push(value);
          if (next) queue.push(...next(value));
        }
        sendNext();
      }
    });
  });
}

/** Resolves when Redis at `url` answers PING; otherwise throws an error that says how to start one. */
export async function assertRedis(url: string): Promise<void> {
  let reply: Resp | undefined;
  let reason = '';
  try {
    [reply] = await redis(url, [['PING']]);
  } catch (error) {
    reason = (error as Error).message || (error as Error).name || String(error);
  }
  if (reply === 'PONG') return;
  const shown = url.replace(/\/\/([^@/]*)@/, '//***@');
  throw new Error(
    `Redis at ${shown} does not answer PING (${reason || `answered ${JSON.stringify(reply)}`}). The cluster tests need a real Redis: ` +
      `start one with\n  ${START_REDIS}\nor point REDIS_URL at one.`,
  );
}

/** Deletes the keys starting with `prefix` (best effort: what a test file's nodes left in Redis). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  let deleted = 0;
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  await redis(url, [['SCAN', '0', 'MATCH', pattern, 'COUNT', '1000']], (reply) => {
    if (typeof reply === 'number') {
      deleted += reply;
      return [];
    }
    if (!Array.isArray(reply)) return [];
    const [cursor, keys] = reply as [string, string[]];
    const commands: string[][] = keys.length ? [['UNLINK', ...keys]] : [];
    if (cursor !== '0') commands.push(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000']);
    return commands;
  });
  return deleted;
}

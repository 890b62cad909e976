/**
 * A TCP proxy in front of nodes, as a load balancer is in a deployment (the JavaScript twin of
 * examples/strapi-app/testing/balancer.ts): each new connection goes to the node it currently
 * points at, so a client reconnecting to the same address can land on another node.
 */
import net from 'node:net';

const hostAndPort = (target) => {
  const url = new URL(target);
  return { host: url.hostname, port: Number(url.port) };
};

export async function startProxy(initialTarget) {
  let target = initialTarget;
  const pairs = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(hostAndPort(target));
    const pair = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const cut = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** New connections go to `next` (`http://host:port`); open ones stay where they are. */
    pointTo(next) {
      target = next;
    },
    get target() {
      return target;
    },
    get open() {
      return pairs.size;
    },
    cut,
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP load balancer in front of cluster nodes, as a deployment puts one: clients connect to its
 * address and each new connection goes to the node it currently points at. Tests move clients from
 * one node to another (point elsewhere, then cut the open connections) without the clients knowing.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Balancer {
  /** `http://127.0.0.1:<port>`: give this to the clients. */
  readonly url: string;
  /** Sends new connections to `target` (`http://host:port`). */
  pointTo(target: string): void;
  /** The node new connections go to. */
  readonly target: string;
  /** Cuts every open connection (both sides see it close): their clients reconnect to the new target. */
  cut(): void;
  /** How many client connections are open. */
  readonly open: number;
  close(): Promise<void>;
}

function hostAndPort(target: string): { host: string; port: number } {
  const url = new URL(target);
  return { host: url.hostname, port: Number(url.port) };
}

export async function startBalancer(initialTarget: string): Promise<Balancer> {
  let target = initialTarget;
  const pairs = new Set<[net.Socket, net.Socket]>();

  const server = net.createServer((client) => {
    const upstream = net.connect(hostAndPort(target));
    const pair: [net.Socket, net.Socket] = [client, upstream];
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const cut = () => {
    for (const [client, upstream] of [...pairs]) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    pointTo(next) {
      target = next;
    },
    get target() {
      return target;
    },
    cut,
    get open() {
      return pairs.size;
    },
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * How long a request that needs every node's answer (`fetchSockets`, a `serverSideEmit` with an
 * acknowledgement) may take: Socket.IO's own default. The adapters time such requests out
 * themselves, but with Redis down their answers did not come at all (cluster-redis-outage.test.ts:
 * `$io.joinRoom` and `$io.subscribeToEntity` for a socket of another node gave no answer in 15-20 s),
 * and a controller awaiting `strapi.$io` would hang with them.
 */
export const CLUSTER_REQUEST_TIMEOUT_MS = 5_000;

/** Why a request to the other nodes did not get every answer. */
export class ClusterRequestError extends Error {
  constructor(what: string, reason: string) {
    super(`${what}: not every node answered (${reason})`);
    this.name = 'ClusterRequestError';
  }
}

/** `request`, or a ClusterRequestError once `ms` passed without its answer. */
export function boundedClusterRequest<T>(what: string, request: Promise<T>, ms = CLUSTER_REQUEST_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClusterRequestError(what, `no answer within ${ms} ms`)), ms);
  });
  return Promise.race([request, timeout]).finally(() => clearTimeout(timer));
}

import type { Core } from '@strapi/strapi';
import { metricsOf } from '../metrics/install-metrics';

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

/**
 * `request`, or a ClusterRequestError once `ms` passed without its answer. A failure either way is
 * counted in `strapi_io_cluster_request_failures_total` (when metrics are on).
 */
export function boundedClusterRequest<T>(strapi: Core.Strapi, what: string, request: Promise<T>, ms = CLUSTER_REQUEST_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClusterRequestError(what, `no answer within ${ms} ms`)), ms);
  });
  return Promise.race([request, timeout])
    .catch((error: unknown) => {
      metricsOf(strapi)?.clusterRequestFailed();
      throw error instanceof ClusterRequestError ? error : new ClusterRequestError(what, (error as Error)?.message ?? String(error));
    })
    .finally(() => clearTimeout(timer));
}

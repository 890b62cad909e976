import type { Core } from '@strapi/strapi';
import { SocketError } from '../auth/auth-error';
import type { ResolvedMetricsConfig } from '../config/types';
import type { DeliveryStats } from '../delivery/deliver-changes';
import type { IoServer } from '../socket/create-server';
import { createMetrics } from './metrics';
import type { Metrics } from './metrics';
import { metricsRoute } from './metrics-route';
import { socketReaders } from './socket-readers';

/**
 * Each Strapi instance's metrics, for code that counts without being handed them (delivery,
 * client messages): keyed by instance, never module-wide, since several apps may run in one
 * process. Absent when metrics are off, so counting is then one failed lookup.
 */
const installed = new WeakMap<Core.Strapi, Metrics>();

/** This instance's metrics, or undefined when `metrics.enabled` is not true. */
export const metricsOf = (strapi: Core.Strapi): Metrics | undefined => installed.get(strapi);

/**
 * Creates this node's metrics and serves them at `config.path` when `metrics.enabled`; does
 * nothing otherwise (the path then answers Strapi's own 404). Dropped with the Strapi instance:
 * nothing to close.
 *
 * Used like this (internal wiring, not a public API):
 * const metrics = installMetrics({ strapi, io, nodeId, stats, config: config.metrics });
 * const guard = createConnectionGuard(config.guard, metrics?.error); // failed acks
 * io.use((socket, next) => authenticate(socket, metrics?.countRefusals(next) ?? next)); // connect_errors
 */
export function installMetrics({
  strapi,
  io,
  nodeId,
  stats,
  config,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  nodeId: string;
  stats: DeliveryStats;
  config: ResolvedMetricsConfig;
}) {
  if (!config.enabled) return undefined;
  const metrics = createMetrics({ nodeId, read: socketReaders(io, stats) });
  strapi.server.use(metricsRoute({ path: config.path, token: config.token, registry: metrics.registry }) as never);
  installed.set(strapi, metrics);
  return {
    ...metrics,
    /**
     * Wraps a handshake middleware's `next`: each refusal it passes on (what the client receives
     * as `connect_error`) is counted by its code.
     */
    countRefusals<E extends Error>(next: (error?: E) => void): (error?: E) => void {
      return (error) => {
        if (error) metrics.error(error instanceof SocketError ? error.data.code : 'INTERNAL_ERROR');
        next(error);
      };
    },
  };
}

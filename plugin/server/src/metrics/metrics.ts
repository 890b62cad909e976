import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ContentAction, ErrorCode } from '@strapi-live/client/protocol';
import type { Principal } from '../auth/principal';

export type PrincipalKind = Principal['kind'];

const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['public', 'user', 'api-token'];

/**
 * Every code, so each `errors_total` series exists from the first scrape at 0: `rate()` and
 * `increase()` then see the first error instead of a series that appears out of nowhere. A
 * `Record` so that a code added to the protocol fails to compile here until it is listed.
 */
const ERROR_CODES: Record<ErrorCode, true> = {
  INVALID_PAYLOAD: true,
  UNKNOWN_CONTENT_TYPE: true,
  FORBIDDEN: true,
  NOT_FOUND: true,
  INVALID_QUERY: true,
  UNAUTHORIZED: true,
  DISCONNECTED: true,
  LIMIT_EXCEEDED: true,
  INTERNAL_ERROR: true,
};

/** Commit to emit: a local write is delivered in a few ms, one from another node through Redis in tens. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * What the gauges read when scraped. Read on demand from state the plugin keeps anyway, so that a
 * connection or a subscription costs no metrics bookkeeping at all.
 */
export interface MetricsReaders {
  connections(): Record<PrincipalKind, number>;
  subscriptions(): { entity: number; collection: number };
  /** Calls to Strapi's output sanitizer so far (DeliveryStats.sanitized). */
  sanitized(): number;
}

/**
 * The plugin's Prometheus metrics, in a registry of their own: never prom-client's global one,
 * which every app booted in the same process (tests, several Strapi instances) would share. Every
 * series carries `node`, so nodes behind one Redis each report their own.
 *
 * Used like this (internal wiring, not a public API):
 * const metrics = createMetrics({ nodeId, read: socketReaders(io, stats) });
 * metrics.emitted('api::article.article', 'update', change.ts);
 * await metrics.registry.metrics(); // text exposition
 */
export function createMetrics({ nodeId, read }: { nodeId: string; read: MetricsReaders }) {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  const registers = [registry];

  new Gauge({
    name: 'strapi_io_connections',
    help: 'Sockets connected to this node, by principal kind (public, user, api-token)',
    labelNames: ['principal_kind'],
    registers,
    collect() {
      const counts = read.connections();
      for (const kind of PRINCIPAL_KINDS) this.set({ principal_kind: kind }, counts[kind]);
    },
  });
  new Gauge({
    name: 'strapi_io_subscriptions',
    help: 'Subscriptions held by sockets of this node: entity (one document) or collection (a live query)',
    labelNames: ['kind'],
    registers,
    collect() {
      const { entity, collection } = read.subscriptions();
      this.set({ kind: 'entity' }, entity);
      this.set({ kind: 'collection' }, collection);
    },
  });
  const events = new Counter({
    name: 'strapi_io_events_emitted_total',
    help: 'Content events handed to Socket.IO: one per principal group, change and target, not per socket',
    labelNames: ['uid', 'action'],
    registers,
  });
  const latency = new Histogram({
    name: 'strapi_io_delivery_latency_seconds',
    help: 'From the commit of a change (on whichever node) to its emit on this node',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  new Counter({
    name: 'strapi_io_sanitize_calls_total',
    help: "Calls to Strapi's content-API output sanitizer (one per principal group and document read)",
    registers,
    // Delivery counts these already; copying its figure at scrape time keeps a second count off the path.
    collect() {
      this.reset();
      this.inc(read.sanitized());
    },
  });
  const errors = new Counter({
    name: 'strapi_io_errors_total',
    help: 'Failed acknowledgements and refused connections (connect_error) sent to clients, by error code',
    labelNames: ['code'],
    registers,
  });
  for (const code of Object.keys(ERROR_CODES)) errors.inc({ code }, 0);
  const clusterFailures = new Counter({
    name: 'strapi_io_cluster_request_failures_total',
    help: 'strapi.$io requests that needed every node to answer (finding a socket, the sockets of a room, the connections list) and did not get it: Redis down, a node stalled',
    registers,
  });
  clusterFailures.inc(0);

  return {
    registry,
    /** One content event emitted (once per emission, whatever the number of sockets it reaches). */
    emitted(uid: string, action: ContentAction, committedAt: number): void {
      events.inc({ uid, action });
      // Another node's clock may run ahead of this one's: never a negative latency.
      latency.observe(Math.max(0, Date.now() - committedAt) / 1000);
    },
    /** An error a client was sent: a failed ack, a connect_error, or the io:error before a disconnect. */
    error(code: ErrorCode): void {
      errors.inc({ code });
    },
    /** A request to the other nodes that did not get every answer (cluster-request.ts). */
    clusterRequestFailed(): void {
      clusterFailures.inc();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

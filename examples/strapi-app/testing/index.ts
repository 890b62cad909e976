// Types `strapi.$io` for every test that uses these helpers.
import type {} from '@strapi-live/plugin-io/types';

export { bootExampleApp } from './boot-example-app';
export type { BootOptions, ExampleApp } from './boot-example-app';
export { ensureAdminBuilt } from './admin-panel';
export { createApiToken, createRole, createUser, findRole, setRolePermissions } from './principals';
export type { ApiTokenType } from './principals';
export { connect, contentEvents, record, settle } from './clients';
export type { Received } from './clients';
export { useExampleApp } from './use-example-app';
export type { Listener } from './use-example-app';
export { spyOnServer } from './server-spy';
export { createPostgresDatabase, usePostgresDatabase } from './postgres';
export { useCluster } from './cluster';
export type { Cluster, ClusterOptions } from './cluster';
export { startNode } from './cluster-node';
export type { ClusterNode, DocumentJson, IoMethod, StartNodeOptions } from './cluster-node';
export { assertRedis, deleteRedisKeys } from './redis-probe';
export { freePort, startRedisServer } from './redis-server';
export type { RedisServer } from './redis-server';
export { countAnimationFrames } from './animation-frames';
export { createRandom } from './random';
export type { Random } from './random';
export type { ServerMessage, ServerSpy } from './server-spy';
export { startBalancer } from './balancer';
export type { Balancer } from './balancer';

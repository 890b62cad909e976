/**
 * Public types of @strapi-live/plugin-io, importable as `@strapi-live/plugin-io/types`
 * (the seed's `@strapi-community/plugin-io/types` names are kept). Importing it also types
 * `strapi.$io`.
 */

export type { SocketIO, EmitOptions, RawEmitOptions, SocketInfo, EntitySubscription } from './api/io-api';
export type { SocketIOConfig, ContentTypeConfigEntry, EventHandlerConfig, PopulateConfig, RedisConfig, LimitsConfig, SecurityConfig, DraftViewConfig } from './config/types';
export type { Principal } from './auth/principal';
export type {
  Ack,
  AckError,
  ClientToServerEvents,
  ContentAction,
  DeletedDocument,
  DocumentAction,
  DocumentStatus,
  EntitySubscriptionAck,
  EntitySubscriptionPayload,
  ErrorCode,
  EventMeta,
  HandshakeAuth,
  ServerToClientEvents,
  StrapiDocument,
} from '@strapi-live/client/protocol';

import type { SocketIO as SocketIOApi } from './api/io-api';

// Types `strapi.$io` wherever these types are loaded (declared here, not in a side-effect import,
// which declaration bundling would drop).
declare module '@strapi/types/dist/core/strapi.js' {
  interface Strapi {
    $io: SocketIOApi;
  }
}

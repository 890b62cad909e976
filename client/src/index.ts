export { createLiveClient } from './live-client';
export type { LiveClient, LiveClientOptions } from './live-client';
export { LiveObserver } from './observers/live-observer';
export { frameBatch, nextFrame } from './frame-batch';
export type { FrameBatch, Schedule } from './frame-batch';
export type { LiveErrorResult, LivePendingResult, LiveResult, LiveStatus, LiveSuccessResult } from './live-result';
export { LiveError } from './live-error';
export type { LiveErrorCode } from './live-error';
export type { AuthOption, ConnectionState, ConnectionStatus, LiveSocket } from './connection';
export type { ReadableStore } from './store';
export type { Logger } from './logger';
export { liveEntityKey, liveQueryKey, liveSingleKey } from './query-options';
export type { CollectionOptions, EntityOptions, PopulateInput } from './query-options';
export type { Pagination } from './rest';
export type {
  AttributesOf,
  BlocksNode,
  CollectionOptionsFor,
  ComponentEntry,
  ContentEventHandler,
  ContentEventName,
  ContentTypeUID,
  CustomEventName,
  DocumentFilters,
  DocumentShape,
  DynamicZoneEntry,
  EntityOptionsFor,
  EventDocument,
  ExplicitSingleTypeUid,
  ExplicitTypeEvent,
  ExplicitTypeUid,
  FieldsFor,
  FilterCondition,
  FilterOperators,
  HasSchema,
  JsonValue,
  PopulatableKeys,
  PopulateFor,
  Register,
  RegisteredComponents,
  RegisteredContentTypes,
  ScalarKeys,
  ScalarValue,
  Simplify,
  SingleTypeUID,
  SortFor,
  StrapiMedia,
} from './schema';
export { compareValues, createComparator, parseSort } from './sort';
export type { SortField, SortInput, SortObject } from './sort';

export type {
  Ack,
  AckCallback,
  AckError,
  AckFailure,
  AckSuccess,
  ClientToServerEvents,
  CollectionQuery,
  CollectionSubscriptionAck,
  ContentAction,
  DatabaseOrder,
  ContentEventListener,
  DeletedDocument,
  DocumentAction,
  DocumentStatus,
  EntitySubscriptionAck,
  EntitySubscriptionPayload,
  ErrorCode,
  EventMeta,
  HandshakeAuth,
  RelatedInfo,
  RestInfo,
  ServerToClientEvents,
  StrapiDocument,
  SubscribeRequest,
} from './protocol';

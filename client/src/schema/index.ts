export type { Register, RegisteredComponents, RegisteredContentTypes, ContentTypeUID, HasSchema, AttributesOf, ExplicitSingleTypeUid, ExplicitTypeUid, SingleTypeUID } from './register';
export type { BlocksNode, ComponentEntry, DocumentShape, DynamicZoneEntry, JsonValue, PopulatableKeys, ScalarKeys, ScalarValue, Simplify, StrapiMedia } from './document';
export type { DocumentFilters, FilterCondition, FilterOperators } from './filters';
export type { CollectionOptionsFor, EntityOptionsFor, FieldsFor, PopulateFor, SortFor } from './options';
export type { ContentEventHandler, ContentEventName, CustomEventName, EventDocument, ExplicitTypeEvent } from './events';

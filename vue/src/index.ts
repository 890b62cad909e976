export { createLive, useLiveClient, LIVE_CLIENT_KEY } from './plugin';
export type { LivePlugin } from './plugin';
export { useLiveCollection } from './use-live-collection';
export { useLiveEntity } from './use-live-entity';
export { useLiveSingle } from './use-live-single';
export { useLiveEvent } from './use-live-event';
export { useLiveStatus } from './use-live-status';
export type { LiveRefs } from './use-observer';

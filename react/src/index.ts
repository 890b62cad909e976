export { LiveProvider } from './live-provider';
export type { LiveProviderProps } from './live-provider';
export { useLiveClient } from './context';
export { useLiveCollection } from './use-live-collection';
export { useLiveEntity } from './use-live-entity';
export { useLiveSingle } from './use-live-single';
export { useLiveEvent } from './use-live-event';
export { useLiveStatus } from './use-live-status';

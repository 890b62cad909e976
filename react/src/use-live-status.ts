import { useCallback, useSyncExternalStore } from 'react';
import type { ConnectionStatus } from '@strapi-live/client';
import { useLiveClient } from './context';

/** Rendered on the server and during hydration: not connected yet. */
const SERVER_STATUS: ConnectionStatus = Object.freeze({ state: 'idle', error: null });
const getServerStatus = () => SERVER_STATUS;

/**
 * The client's connection status `{ state, error }`, re-rendering when it changes. `state` is
 * `'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'closed'`; server rendering
 * gives `'idle'`.
 *
 * @example
 * function ConnectionBadge() {
 *   const { state, error } = useLiveStatus();
 *   return <span className={`badge badge-${state}`} title={error?.message}>{state}</span>;
 * }
 */
export function useLiveStatus(): ConnectionStatus {
  const client = useLiveClient();
  const subscribe = useCallback((onChange: () => void) => client.status.subscribe(() => onChange()), [client]);
  const getSnapshot = useCallback(() => client.status.get(), [client]);
  return useSyncExternalStore(subscribe, getSnapshot, getServerStatus);
}

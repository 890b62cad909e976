import { computed, onScopeDispose, shallowRef } from 'vue';
import type { ComputedRef } from 'vue';
import type { ConnectionStatus } from '@strapi-live/client';
import { useLiveClient } from './plugin';
import { isServerRendering } from './use-observer';

/**
 * The client's connection status `{ state, error }` as a read-only ref. `state` is
 * `'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'closed'`.
 *
 * @example
 * const status = useLiveStatus();
 * // <span :class="`badge-${status.state}`" :title="status.error?.message">{{ status.state }}</span>
 */
export function useLiveStatus(): ComputedRef<ConnectionStatus> {
  const client = useLiveClient();
  const status = shallowRef(client.status.get());
  if (!isServerRendering()) {
    const unsubscribe = client.status.subscribe(() => {
      status.value = client.status.get();
    });
    onScopeDispose(unsubscribe);
  }
  return computed(() => status.value);
}

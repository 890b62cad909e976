import { computed, hasInjectionContext, inject, onScopeDispose, shallowRef, ssrContextKey, watch } from 'vue';
import type { ComputedRef } from 'vue';
import { frameBatch } from '@strapi-live/client';
import type { LiveObserver, LiveResult } from '@strapi-live/client';

/** Read-only refs over an observer's snapshot, one per field, plus the whole snapshot. */
export interface LiveRefs<T> {
  /** The whole immutable snapshot. */
  result: ComputedRef<LiveResult<T>>;
  data: ComputedRef<T | undefined>;
  status: ComputedRef<LiveResult<T>['status']>;
  error: ComputedRef<LiveResult<T>['error']>;
  isLive: ComputedRef<boolean>;
  /** True while a REST read is in flight. */
  isFetching: ComputedRef<boolean>;
  pagination: ComputedRef<LiveResult<T>['pagination']>;
}

const PENDING: LiveResult<never> = Object.freeze({ data: undefined, status: 'pending', error: null, isLive: false, isFetching: false });

/** Server rendering runs `setup` once and never unmounts: nothing may connect there. */
export const isServerRendering = (): boolean => hasInjectionContext() && inject(ssrContextKey, null) !== null;

/**
 * Subscribes to the observer `create()` returns, again whenever `key()` changes, and unsubscribes
 * when the effect scope (component) is disposed. The refs change at most once per animation frame
 * (a list receiving 1,000 events a second renders at the screen's rate, every event applied).
 */
export function useObserver<T>(key: () => string, create: () => LiveObserver<T>): LiveRefs<T> {
  const result = shallowRef<LiveResult<T>>(PENDING);
  if (!isServerRendering()) {
    let unsubscribe: (() => void) | undefined;
    watch(
      key,
      () => {
        unsubscribe?.();
        const observer = create();
        result.value = observer.getCurrentResult();
        const batch = frameBatch(() => {
          result.value = observer.getCurrentResult();
        });
        const stop = observer.subscribe(() => batch.notify());
        unsubscribe = () => {
          batch.cancel();
          stop();
        };
      },
      { immediate: true },
    );
    onScopeDispose(() => {
      unsubscribe?.();
      unsubscribe = undefined;
    });
  }
  return {
    result: computed(() => result.value),
    data: computed(() => result.value.data),
    status: computed(() => result.value.status),
    error: computed(() => result.value.error),
    isLive: computed(() => result.value.isLive),
    isFetching: computed(() => result.value.isFetching),
    pagination: computed(() => result.value.pagination),
  };
}

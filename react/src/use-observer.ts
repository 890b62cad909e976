import { useCallback, useSyncExternalStore } from 'react';
import { frameBatch } from '@strapi-live/client';
import type { LiveObserver, LiveResult } from '@strapi-live/client';

/** What every live hook renders on the server and during hydration: nothing fetched, nothing connected. */
const SERVER_RESULT: LiveResult<never> = Object.freeze({ data: undefined, status: 'pending', error: null, isLive: false, isFetching: false });
const getServerResult = () => SERVER_RESULT;

/**
 * Reads an observer's snapshot and re-renders when it changes, at most once per animation frame (a
 * list receiving 1,000 events a second renders at the screen's rate, showing every event applied);
 * subscribing is what starts it.
 */
export function useObserver<T>(observer: LiveObserver<T>): LiveResult<T> {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const batch = frameBatch(onChange);
      const stop = observer.subscribe(() => batch.notify());
      return () => {
        batch.cancel();
        stop();
      };
    },
    [observer],
  );
  const getSnapshot = useCallback(() => observer.getCurrentResult(), [observer]);
  return useSyncExternalStore(subscribe, getSnapshot, getServerResult);
}

/** A value that changes, and who wants to know: the smallest external store. */
export interface ReadableStore<T> {
  /** The current value; the same object until it changes (safe for `useSyncExternalStore`). */
  get(): T;
  /** Calls `listener` with each new value; returns a function that stops it. */
  subscribe(listener: (value: T) => void): () => void;
}

export interface WritableStore<T> extends ReadableStore<T> {
  set(value: T): void;
}

export function createStore<T>(initial: T, onListenerError: (error: unknown) => void): WritableStore<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) {
        try {
          listener(next);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

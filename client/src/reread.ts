/**
 * Coalesces the REST reads that events ask for (an event a live query cannot apply locally): a burst
 * of them (a write that reaches many documents, writes in a row, a replay after a reconnect) costs
 * one read, not one per event. The read starts once nothing asked for `quiet` ms, and at the latest
 * `maxWait` ms after the first ask, so a steady stream of events still refreshes the query.
 */
export interface RereadScheduler {
  /** Asks for a read (again: the quiet period starts over). */
  request(): void;
  /** Forgets the ask: a read started anyway, or the query stopped. */
  cancel(): void;
  /** Whether a read is waiting to start. */
  readonly pending: boolean;
}

export interface RereadTiming {
  quiet: number;
  maxWait: number;
}

/** Long enough to gather the events of one write or a few in a row, short enough not to be seen. */
export const REREAD_TIMING: RereadTiming = { quiet: 10, maxWait: 100 };

export function createRereadScheduler(read: () => void, { quiet, maxWait }: RereadTiming = REREAD_TIMING): RereadScheduler {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let deadline: number | undefined;

  const fire = () => {
    timer = undefined;
    deadline = undefined;
    read();
  };

  return {
    request() {
      const now = Date.now();
      deadline ??= now + maxWait;
      clearTimeout(timer);
      timer = setTimeout(fire, Math.max(0, Math.min(quiet, deadline - now)));
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      deadline = undefined;
    },
    get pending() {
      return timer !== undefined;
    },
  };
}

import type { LiveQuery } from '../live-query';
import type { LiveObserver } from '../observers/live-observer';
import type { StrapiDocument } from '../protocol';
import { FETCH_ALL_PAGE_SIZE, restQueryString } from '../rest';
import { REREAD_TIMING } from '../reread';

/**
 * How many REST reads bursts of events may cost a live query that reads again once per burst (see
 * reread.ts): events closer together than the quiet period are one burst, and a burst longer than
 * the longest wait may be read more than once. Timers fire up to a millisecond early and the SDK
 * times from when it handles an event, so both periods count half here: a looser budget, never a
 * wrong one.
 */
export function burstBudget(arrivals: readonly number[], { quiet, maxWait } = REREAD_TIMING): number {
  let reads = 0;
  let start: number | undefined;
  let last = 0;
  const close = () => {
    if (start !== undefined) reads += 1 + Math.floor((last - start) / (maxWait / 2));
  };
  for (const time of arrivals) {
    if (start === undefined || time - last >= quiet / 2) {
      close();
      start = time;
    }
    last = time;
  }
  close();
  return reads;
}

export interface ReadProbe {
  /** Forgets what came before: counts from now on. */
  reset(): void;
  /** List reads of this query since {@link reset}. */
  reads(): number;
  /** What the events since {@link reset} may cost in reads (see {@link burstBudget}). */
  budget(): number;
}

/**
 * Counts REST reads of the list at `path` per live query (by query string and principal, as `fetch`
 * sees them), and when events reach each query, so that a test holds every query to one read per
 * burst of events. Test instrumentation: it wraps the `onEvent` of the live query behind an observer.
 */
export function createReadCounter(path: string) {
  const counts = new Map<string, number>();
  const keyOf = (authorization: string | null, search: string) => `${authorization ?? 'public'} ${search}`;

  const fetchImpl: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    if (url.pathname === path) {
      const key = keyOf(new Headers(init?.headers).get('authorization'), url.search);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return fetch(input, init);
  };

  return {
    fetch: fetchImpl,
    /** Every list read so far. */
    get total(): number {
      return [...counts.values()].reduce((sum, count) => sum + count, 0);
    },
    /** Watches the live query of a subscribed collection observer (read whole, in pages of 100, or one page). */
    probe<T>(observer: LiveObserver<T>, token: string | undefined): ReadProbe {
      const live = (observer as unknown as { live?: LiveQuery<StrapiDocument> }).live;
      if (!live) throw new Error('probe a subscribed observer');
      const { rest, page } = live.query;
      // The URL rest.ts reads the first (or only) page at.
      const key = keyOf(token ? `Bearer ${token}` : null, `?${restQueryString({ ...rest, pagination: page ?? { page: 1, pageSize: FETCH_ALL_PAGE_SIZE } })}`);
      const arrivals: number[] = [];
      const onEvent = live.onEvent.bind(live);
      live.onEvent = (document, meta) => {
        arrivals.push(performance.now());
        onEvent(document, meta);
      };
      let from = 0;
      return {
        reset() {
          arrivals.length = 0;
          from = counts.get(key) ?? 0;
        },
        reads: () => (counts.get(key) ?? 0) - from,
        budget: () => burstBudget(arrivals),
      };
    },
  };
}

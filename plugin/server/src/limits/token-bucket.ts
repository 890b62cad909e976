/**
 * A token bucket: `burst` messages at once, then `perSecond` on average. One per socket, checked
 * on each message before anything else is done with it, so a burst costs a subtraction per
 * message. No sockets or timers here: time is passed in.
 */
export interface TokenBucket {
  /** Takes one token if there is one; false when the caller is over its rate. */
  take(now?: number): boolean;
}

export function createTokenBucket({ perSecond, burst }: { perSecond: number; burst: number }, start = Date.now()): TokenBucket {
  let tokens = burst;
  let last = start;
  return {
    take(now = Date.now()) {
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

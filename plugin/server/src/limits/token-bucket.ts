/**
 * A token bucket: `burst` messages at once, then `perSecond` on average. One per socket, checked
 * on each message before anything else is done with it, so a burst costs a subtraction per
 * message. No sockets or timers here: time is passed in.
 */
export interface TokenBucket {
  /** Takes one token if there is one; false when the caller is over its rate. */
  take(now?: number): boolean;
}

/**
 * `limits` is read on every message, not copied: an object whose values change (the settings page
 * changes `messagesPerSecond`) changes the rate of buckets already handed out.
 */
export function createTokenBucket(limits: { readonly perSecond: number; readonly burst: number }, start = Date.now()): TokenBucket {
  let tokens = limits.burst;
  let last = start;
  return {
    take(now = Date.now()) {
      tokens = Math.min(limits.burst, tokens + ((now - last) / 1000) * limits.perSecond);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

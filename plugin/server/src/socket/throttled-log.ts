/**
 * Logs one line per kind at most once per window, saying how many were left out since: a client
 * that triggers the same server error with every message must not flood the log (or fill a disk).
 * No Strapi here: `write` and the clock are passed in.
 */
export function createThrottledLog(write: (line: string) => void, windowMs = 60_000, now = Date.now) {
  const kinds = new Map<string, { last: number; skipped: number }>();
  return (kind: string, line: () => string): void => {
    const time = now();
    const entry = kinds.get(kind);
    if (entry && time - entry.last < windowMs) {
      entry.skipped += 1;
      return;
    }
    const skipped = entry?.skipped ?? 0;
    kinds.set(kind, { last: time, skipped: 0 });
    write(skipped > 0 ? `${line()} (${skipped} more like it in the last ${Math.round((time - entry!.last) / 1000)} s were not logged)` : line());
  };
}

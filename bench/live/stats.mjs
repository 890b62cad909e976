/** Small helpers shared by the client benchmarks. */

/** Nearest-rank percentile (p in 0..1) of an ascending list. */
const rank = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

/** Nearest-rank percentile (p in 0..1) of any list of numbers. */
export const percentile = (values, p) => rank(Float64Array.from(values).sort(), p);
const round1 = (value) => Math.round(value * 10) / 10;

/** Median, p95, p99, mean and extremes of samples in µs, rounded to 0.1 µs. */
export function summarize(samplesUs) {
  const sorted = Float64Array.from(samplesUs).sort();
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    samples: sorted.length,
    medianUs: round1(rank(sorted, 0.5)),
    p95Us: round1(rank(sorted, 0.95)),
    p99Us: round1(rank(sorted, 0.99)),
    meanUs: round1(mean),
    minUs: round1(sorted[0]),
    maxUs: round1(sorted[sorted.length - 1]),
  };
}

/** Polls `check` every `interval` ms until it returns true; rejects after `timeout` ms. */
export async function waitFor(check, timeout, what, interval = 5) {
  const deadline = performance.now() + timeout;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

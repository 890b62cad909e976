import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRereadScheduler } from '../reread';

describe('createRereadScheduler: one read per burst of events', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads once for asks that come closer together than the quiet period, after it', () => {
    const read = vi.fn();
    const scheduler = createRereadScheduler(read, { quiet: 10, maxWait: 100 });
    for (let i = 0; i < 15; i++) {
      scheduler.request();
      vi.advanceTimersByTime(5);
    }
    expect(read).not.toHaveBeenCalled();
    expect(scheduler.pending).toBe(true);
    vi.advanceTimersByTime(5);
    expect(read).toHaveBeenCalledTimes(1);
    expect(scheduler.pending).toBe(false);
  });

  it('reads once per burst when bursts are apart', () => {
    const read = vi.fn();
    const scheduler = createRereadScheduler(read, { quiet: 10, maxWait: 100 });
    for (let burst = 0; burst < 3; burst++) {
      scheduler.request();
      scheduler.request();
      vi.advanceTimersByTime(50);
    }
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('reads at the latest maxWait after the first ask, so a steady stream still refreshes', () => {
    const read = vi.fn();
    const scheduler = createRereadScheduler(read, { quiet: 10, maxWait: 100 });
    for (let t = 0; t < 250; t += 5) {
      scheduler.request();
      vi.advanceTimersByTime(5);
    }
    expect(read).toHaveBeenCalledTimes(2); // at 100 and 200
    vi.advanceTimersByTime(10);
    expect(read).toHaveBeenCalledTimes(3); // once the stream stops
    vi.advanceTimersByTime(1000);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('forgets the ask when cancelled (a read started anyway, or the query stopped)', () => {
    const read = vi.fn();
    const scheduler = createRereadScheduler(read, { quiet: 10, maxWait: 100 });
    scheduler.request();
    scheduler.cancel();
    vi.advanceTimersByTime(200);
    expect(read).not.toHaveBeenCalled();
    expect(scheduler.pending).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { frameBatch } from '../frame-batch';

/** A frame clock the test advances by hand. */
function frames() {
  let queue: (() => void)[] = [];
  return {
    schedule: (work: () => void) => {
      queue.push(work);
      return () => {
        queue = queue.filter((queued) => queued !== work);
      };
    },
    tick() {
      const due = queue;
      queue = [];
      due.forEach((work) => work());
    },
    get pending() {
      return queue.length;
    },
  };
}

describe('frameBatch', () => {
  it('runs the listener once per frame, however many notifications came before it', () => {
    const clock = frames();
    let runs = 0;
    const batch = frameBatch(() => (runs += 1), clock.schedule);
    for (let i = 0; i < 1000; i += 1) batch.notify();
    expect(clock.pending).toBe(1);
    clock.tick();
    expect(runs).toBe(1);
    batch.notify();
    clock.tick();
    expect(runs).toBe(2);
    clock.tick();
    expect(runs).toBe(2);
  });

  it('runs nothing once cancelled, and can be asked again', () => {
    const clock = frames();
    let runs = 0;
    const batch = frameBatch(() => (runs += 1), clock.schedule);
    batch.notify();
    batch.cancel();
    clock.tick();
    expect(runs).toBe(0);
    batch.notify();
    clock.tick();
    expect(runs).toBe(1);
  });
});

/** Runs `work` later, once; returns what cancels it. */
export type Schedule = (work: () => void) => () => void;

/**
 * The next animation frame where there is one (browsers), else the next macrotask (Node, tests
 * without a DOM): one render per frame is all a screen can show.
 */
export const nextFrame: Schedule = (work) => {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(() => work());
    return () => cancelAnimationFrame(id);
  }
  const timer = setTimeout(work, 0);
  return () => clearTimeout(timer);
};

/** A listener that runs at most once per frame however often it is notified. */
export interface FrameBatch {
  /** Asks for a run at the next frame (a run already asked for covers it). */
  notify(): void;
  /** Forgets an asked-for run (the subscriber went away). */
  cancel(): void;
}

/**
 * Coalesces notifications into one call of `listener` per frame: a list receiving 1,000 events a
 * second is rendered at the screen's rate, and the render shows the latest snapshot (every event
 * is applied to it; only the intermediate renders are skipped). For framework bindings; the
 * observers themselves still notify once per batch of events.
 */
export function frameBatch(listener: () => void, schedule: Schedule = nextFrame): FrameBatch {
  let cancelRun: (() => void) | undefined;
  return {
    notify() {
      if (cancelRun) return;
      cancelRun = schedule(() => {
        cancelRun = undefined;
        listener();
      });
    },
    cancel() {
      cancelRun?.();
      cancelRun = undefined;
    },
  };
}

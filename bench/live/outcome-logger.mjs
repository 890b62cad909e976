/**
 * A logger for `createLiveClient` that reports each content event's outcome: the SDK logs one debug
 * line per event, `<query> <action> <documentId> (<eventId>): <outcome>` (applied, duplicate,
 * stale, ...). Warnings and errors go to the console. Runs in Node and in a bench page.
 */
export function outcomeLogger(onOutcome) {
  return {
    debug(message) {
      const outcome = /\): (\w+)/.exec(message)?.[1];
      if (outcome) onOutcome(outcome);
    },
    info() {},
    warn: (...args) => console.warn('[live]', ...args),
    error: (...args) => console.error('[live]', ...args),
  };
}

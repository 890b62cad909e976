import { useLiveStatus } from '@strapi-live/react';

/** The connection's state, as a badge. */
export function ConnectionBadge() {
  const { state } = useLiveStatus();
  return (
    <span className="status" data-testid="connection-status" data-status={state}>
      {state}
    </span>
  );
}

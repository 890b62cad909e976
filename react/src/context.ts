import { createContext, useContext } from 'react';
import type { LiveClient } from '@strapi-live/client';

export const LiveContext = createContext<LiveClient | null>(null);
LiveContext.displayName = 'LiveContext';

/**
 * The {@link LiveClient} of the nearest {@link LiveProvider}, for what the hooks do not cover
 * (`setAuth`, the TanStack `queryClient`, custom socket events).
 *
 * @example
 * function LogoutButton() {
 *   const live = useLiveClient();
 *   return <button onClick={() => live.setAuth(null)}>Log out</button>;
 * }
 */
export function useLiveClient(): LiveClient {
  const client = useContext(LiveContext);
  if (!client) {
    throw new Error('useLiveClient: no LiveClient in context. Wrap your tree in <LiveProvider client={...}> (or <LiveProvider options={{ url }}>).');
  }
  return client;
}

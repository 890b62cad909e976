import { useEffect, useRef, useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { createLiveClient } from '@strapi-live/client';
import type { LiveClient, LiveClientOptions } from '@strapi-live/client';
import { LiveContext } from './context';

export type LiveProviderProps =
  | { /** A client you created and close yourself. */ client: LiveClient; options?: never; children?: ReactNode }
  | {
      /** Options for a client the provider creates on first render and closes when it unmounts; read once. */
      options: LiveClientOptions;
      client?: never;
      children?: ReactNode;
    };

/**
 * Makes a {@link LiveClient} available to the hooks below it. Pass a `client` you own, or `options`
 * and the provider creates one and closes it when it unmounts.
 *
 * @example
 * const live = createLiveClient({ url: 'http://localhost:1337' });
 * createRoot(el).render(
 *   <LiveProvider client={live}>
 *     <App />
 *   </LiveProvider>,
 * );
 *
 * @example
 * <LiveProvider options={{ url: 'http://localhost:1337', auth: () => ({ strategy: 'jwt', token: session.jwt }) }}>
 *   <App />
 * </LiveProvider>
 */
export function LiveProvider(props: LiveProviderProps): ReactElement {
  const [owned] = useState(() => (props.client ? null : createLiveClient(props.options)));
  const closing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (!owned) return undefined;
    // StrictMode runs cleanup and setup again right away: the close waits a task so a remount keeps the client.
    clearTimeout(closing.current);
    return () => {
      closing.current = setTimeout(() => owned.close(), 0);
    };
  }, [owned]);

  return <LiveContext.Provider value={props.client ?? owned}>{props.children}</LiveContext.Provider>;
}

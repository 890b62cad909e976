import { hasInjectionContext, inject } from 'vue';
import type { App, InjectionKey } from 'vue';
import { createLiveClient } from '@strapi-live/client';
import type { LiveClient, LiveClientOptions } from '@strapi-live/client';

/** The injection key the plugin provides the client under. */
export const LIVE_CLIENT_KEY: InjectionKey<LiveClient> = Symbol('strapi-live client');

/** What {@link createLive} returns: a Vue plugin that also exposes its client. */
export interface LivePlugin {
  readonly client: LiveClient;
  install(app: App): void;
}

const isClient = (value: LiveClientOptions | LiveClient): value is LiveClient =>
  typeof (value as Partial<LiveClient>).collection === 'function';

/**
 * The Vue plugin: provides a {@link LiveClient} to every composable of the app. Pass a client you
 * own, or options and the plugin creates one and closes it when the app unmounts (Vue 3.5+).
 *
 * @example
 * const app = createApp(App);
 * app.use(createLive({ url: 'http://localhost:1337', auth: () => ({ strategy: 'jwt', token: session.jwt }) }));
 * app.mount('#app');
 *
 * @example
 * const live = createLiveClient({ url });
 * app.use(createLive(live)); // you close `live` yourself
 */
export function createLive(optionsOrClient: LiveClientOptions | LiveClient): LivePlugin {
  const owned = !isClient(optionsOrClient);
  const client = isClient(optionsOrClient) ? optionsOrClient : createLiveClient(optionsOrClient);
  return {
    client,
    install(app) {
      app.provide(LIVE_CLIENT_KEY, client);
      // `onUnmount` exists from Vue 3.5; before that the owner closes `plugin.client`.
      if (owned) (app as App & { onUnmount?: (fn: () => void) => void }).onUnmount?.(() => client.close());
    },
  };
}

/**
 * The app's {@link LiveClient}, for what the composables do not cover (`setAuth`, the TanStack
 * `queryClient`). Call it in `setup` (or anything with an injection context).
 *
 * @example
 * const live = useLiveClient();
 * const logout = () => live.setAuth(null);
 */
export function useLiveClient(): LiveClient {
  const client = hasInjectionContext() ? inject(LIVE_CLIENT_KEY, null) : null;
  if (!client) {
    throw new Error('useLiveClient: no LiveClient provided. Install the plugin with app.use(createLive({ url })) and call the composable inside setup().');
  }
  return client;
}

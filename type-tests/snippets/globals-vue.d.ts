/** A Vue app's root component and app instance, as the Vue snippets use them. */
import type { App as VueApp, Component } from 'vue';

declare global {
  const App: Component;
  const app: VueApp;
}

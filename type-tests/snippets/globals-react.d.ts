/** A React app's own components, and react-dom's `createRoot`, as the React snippets use them. */
import type { ReactElement, ReactNode } from 'react';

declare global {
  function App(): ReactElement;
  function Spinner(): ReactElement;
  function createRoot(container: Element): { render(children: ReactNode): void };
}

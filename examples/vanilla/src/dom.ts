import type { LiveObserver, LiveResult } from '@strapi-live/client';

/** The element the page's HTML must have. */
export const $ = <T extends Element>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`The page has no ${selector}`);
  return element;
};

/** A tiny `h('li', { class: 'x', 'data-testid': 'y' }, ...children)`; text goes in as text, never as HTML. */
export function h(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null) element.append(child);
  return element;
}

/**
 * Renders one live observer at a time: `show` swaps the one it follows for another (a new filter or
 * locale), so the old server subscription ends as the new one starts.
 */
export function liveView<T>(render: (result: LiveResult<T>) => void): { show(observer: LiveObserver<T>): void } {
  let stop: (() => void) | undefined;
  return {
    show(observer) {
      stop?.();
      const update = () => render(observer.getCurrentResult());
      stop = observer.subscribe(update);
      update();
    },
  };
}

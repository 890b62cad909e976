import { frameBatch } from '@strapi-live/client';
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

/** Sets an element's text when it differs: an unchanged element is not restyled or laid out again. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * Renders one live observer at a time: `show` swaps the one it follows for another (a new filter or
 * locale), so the old server subscription ends as the new one starts. Renders at most once per
 * animation frame, as the React and Vue bindings do: a list receiving hundreds of events a second
 * is drawn at the screen's rate, each render showing every event applied so far.
 */
export function liveView<T>(render: (result: LiveResult<T>) => void): { show(observer: LiveObserver<T>): void } {
  let stop: (() => void) | undefined;
  return {
    show(observer) {
      stop?.();
      const update = () => render(observer.getCurrentResult());
      const batch = frameBatch(update);
      const unsubscribe = observer.subscribe(() => batch.notify());
      stop = () => {
        batch.cancel();
        unsubscribe();
      };
      update();
    },
  };
}

/**
 * Makes `parent`'s children exactly `wanted`, in order, moving only what is out of place: kept
 * elements stay attached (no style or layout work for them), an element that moved is moved once,
 * and the ones not wanted any more are removed. Each node may appear once in `wanted`.
 */
export function syncChildren(parent: Element, wanted: readonly ChildNode[]): void {
  // Invariant: the children before `cursor` are the wanted nodes placed so far, in order.
  let cursor = parent.firstChild;
  for (const node of wanted) {
    if (cursor !== null && node !== cursor && node === cursor.nextSibling) {
      // `cursor` is not wanted here (gone, or moved further down): out of the way, in one step,
      // instead of moving every node up past it; it is put back where it is wanted, if anywhere.
      const displaced = cursor;
      cursor = node;
      displaced.remove();
    }
    if (node === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(node, cursor);
  }
  while (cursor !== null) {
    const next: ChildNode | null = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}

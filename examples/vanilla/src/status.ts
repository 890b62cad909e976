import type { LiveClient } from '@strapi-live/client';

/** The connection's state, on the badge the HTML has. */
export function mountStatus(live: LiveClient, badge: HTMLElement): void {
  const render = () => {
    const { state } = live.status.get();
    badge.dataset.status = state;
    badge.textContent = state;
  };
  live.status.subscribe(render);
  render();
}

import type { LiveClient } from '@strapi-live/client';
import { HOMEPAGE_UID, homepageQuery } from '../../shared/localized';
import type { Homepage, Locale } from '../../shared/localized';
import { h, liveView } from './dom';

/** The homepage's headline in one locale; `show(locale)` swaps it (one resubscribe). */
export function mountHomepage(live: LiveClient, root: HTMLElement): { show(locale: Locale): void } {
  const headline = liveView<Homepage | null>(({ data: homepage, status, error }) => {
    const notice = (state: string, text: string) => h('p', { class: 'notice', 'data-testid': 'homepage-state', 'data-state': state }, text);
    if (status === 'error') root.replaceChildren(notice('error', `Could not load the homepage: ${error.message}`));
    else if (homepage === undefined) root.replaceChildren();
    else if (homepage === null) root.replaceChildren(notice('empty', 'No homepage in this language yet.'));
    else root.replaceChildren(h('h2', { class: 'headline', 'data-testid': 'homepage-headline' }, homepage.headline));
  });
  return { show: (locale) => headline.show(live.single(HOMEPAGE_UID, homepageQuery(locale))) };
}

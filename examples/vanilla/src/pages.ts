import type { LiveClient, LiveResult } from '@strapi-live/client';
import { DEFAULT_LOCALE, PAGE_UID, pageQuery } from '../../shared/localized';
import type { Locale, Page } from '../../shared/localized';
import { mediaUrl } from '../../shared/settings';
import { h, liveView } from './dom';

function pageCard({ documentId, title, cover, links }: Page): HTMLElement {
  return h(
    'li',
    { class: 'page-card', 'data-testid': 'page', 'data-document-id': documentId },
    cover ? h('img', { class: 'cover', src: mediaUrl(cover.url), alt: cover.alternativeText ?? '' }) : null,
    h('h3', { 'data-testid': 'page-title' }, title),
    links.length > 0 ? h('p', { class: 'links' }, ...links.map((link) => h('a', { href: link.url }, link.label))) : null,
  );
}

function renderPages(root: HTMLElement, locale: Locale, { data, status, error, isLive }: LiveResult<Page[]>): void {
  const notice = (state: string, text: string) => root.replaceChildren(h('p', { class: 'notice', 'data-testid': 'pages-state', 'data-state': state }, text));
  if (status === 'error') notice('error', `Could not load the pages: ${error.message}`);
  else if (!data) notice('pending', 'Loading pages…');
  else if (data.length === 0) notice('empty', 'No published pages in this language yet.');
  else root.replaceChildren(h('ul', { class: 'pages', 'data-testid': 'page-list', 'data-locale': locale, 'data-live': String(isLive) }, ...data.map(pageCard)));
}

/** The live list of published pages in one locale; `show(locale)` swaps it (one resubscribe). */
export function mountPages(live: LiveClient, root: HTMLElement): { show(locale: Locale): void } {
  let locale: Locale = DEFAULT_LOCALE;
  const pages = liveView<Page[]>((result) => renderPages(root, locale, result));
  return {
    show(next) {
      locale = next;
      pages.show(live.collection(PAGE_UID, pageQuery(next)));
    },
  };
}

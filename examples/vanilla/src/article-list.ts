import type { LiveResult } from '@strapi-live/client';
import { CARDS_PER_PAGE, articleCountLabel, cardWindow, nextLimit, showMoreLabel } from '../../shared/card-window';
import type { Article } from '../../shared/settings';
import { articleCard } from './article-card';
import { h, setText, syncChildren } from './dom';

/**
 * The article list's view: its elements live as long as the page, and an update builds a card only
 * for an article that changed (the SDK shares unchanged documents between snapshots, so identity
 * says it) and moves only the cards whose place changed. Renders the first cards and more on
 * demand (shared/card-window.ts says why).
 */
export function articleListView(root: HTMLElement): (result: LiveResult<Article[]>) => void {
  const count = h('p', { class: 'count', 'data-testid': 'article-count' });
  const empty = h('p', { class: 'notice', 'data-testid': 'list-state', 'data-state': 'empty' }, 'No published articles here yet.');
  const list = h('ul', { class: 'articles', 'data-testid': 'article-list' });
  const more = h('button', { type: 'button', class: 'show-more', 'data-testid': 'show-more' });
  /** The cards on the page, by documentId, with the version of the article each one shows. */
  let cards = new Map<string, { article: Article; element: HTMLElement }>();
  let limit = CARDS_PER_PAGE;
  let last: LiveResult<Article[]> | undefined;

  const notice = (state: string, text: string) => {
    cards = new Map();
    root.replaceChildren(h('p', { class: 'notice', 'data-testid': 'list-state', 'data-state': state }, text));
  };

  function render(result: LiveResult<Article[]>): void {
    last = result;
    const { data, status, error, isLive } = result;
    if (status === 'error') return notice('error', `Could not load the articles: ${error.message}`);
    if (!data) return notice('pending', 'Loading articles…');

    const { shown, hidden } = cardWindow(data, limit);
    const next = new Map<string, { article: Article; element: HTMLElement }>();
    for (const article of shown) {
      const card = cards.get(article.documentId);
      next.set(article.documentId, card?.article === article ? card : { article, element: articleCard(article) });
    }
    cards = next;
    setText(count, articleCountLabel(data.length));
    if (list.dataset.live !== String(isLive)) list.dataset.live = String(isLive);
    if (hidden > 0) setText(more, showMoreLabel(hidden));
    syncChildren(list, [...next.values()].map((card) => card.element));
    syncChildren(root, [count, ...(data.length === 0 ? [empty] : []), list, ...(hidden > 0 ? [more] : [])]);
  }

  more.addEventListener('click', () => {
    limit = nextLimit(limit);
    if (last) render(last);
  });

  return render;
}

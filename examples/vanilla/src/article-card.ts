import { formatDate, mediaUrl } from '../../shared/settings';
import type { Article } from '../../shared/settings';
import { h } from './dom';

/** One article: title, category, author (name and avatar), last update, body. */
export function articleCard({ documentId, title, category, author, updatedAt, body }: Article): HTMLElement {
  const avatar = author?.avatar
    ? h('img', { class: 'avatar', 'data-testid': 'article-avatar', src: mediaUrl(author.avatar.url), alt: author.avatar.alternativeText ?? '', width: '24', height: '24' })
    : null;
  return h(
    'li',
    { class: 'article', 'data-testid': 'article', 'data-document-id': documentId },
    h('h2', { 'data-testid': 'article-title' }, title),
    h(
      'div',
      { class: 'meta' },
      category ? h('span', { class: 'tag', 'data-testid': 'article-category' }, category.name) : null,
      author ? h('span', { class: 'author', 'data-testid': 'article-author' }, avatar, author.name) : null,
      h('time', { datetime: updatedAt ?? '' }, `updated ${formatDate(updatedAt)}`),
    ),
    body ? h('p', {}, body) : null,
  );
}

import { createLiveClient } from '@strapi-live/client';
import type { LiveResult } from '@strapi-live/client';
import { ARTICLE_UID, CATEGORY_UID, SORT_OPTIONS, articleQuery, categoryOptions, categoryQuery, formatDate } from '../../shared/settings';
import type { Article, ArticleControls, SortKey } from '../../shared/settings';
import { strapiUrl } from '../../shared/settings';
import '../../shared/page.css';

const url = strapiUrl();
const live = createLiveClient({ url });

const $ = <T extends Element>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`The page has no ${selector}`);
  return element;
};

/** A tiny `h('li', { class: 'x', 'data-testid': 'y' }, ...children)`; text goes in as text, never as HTML. */
function h(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null) element.append(child);
  return element;
}

const statusBadge = $<HTMLElement>('[data-testid="connection-status"]');
const categorySelect = $<HTMLSelectElement>('#category');
const sortSelect = $<HTMLSelectElement>('#sort');
const articlesRoot = $<HTMLElement>('#articles');
$<HTMLElement>('[data-testid="strapi-url"]').textContent = url;

// Connection status.
function renderStatus(): void {
  const { state } = live.status.get();
  statusBadge.dataset.status = state;
  statusBadge.textContent = state;
}
live.status.subscribe(renderStatus);
renderStatus();

// Sort options.
for (const option of SORT_OPTIONS) sortSelect.append(h('option', { value: option.value }, option.label));

function renderArticles({ data, status, error, isLive }: LiveResult<Article[]>): void {
  if (status === 'error') {
    articlesRoot.replaceChildren(
      h('p', { class: 'notice', 'data-testid': 'list-state', 'data-state': 'error' }, `Could not load the articles: ${error.message}`),
    );
    return;
  }
  if (!data) {
    articlesRoot.replaceChildren(h('p', { class: 'notice', 'data-testid': 'list-state', 'data-state': 'pending' }, 'Loading articles…'));
    return;
  }
  const items = data.map((article) =>
    h(
      'li',
      { class: 'article', 'data-testid': 'article', 'data-document-id': article.documentId },
      h('h2', { 'data-testid': 'article-title' }, article.title),
      h(
        'div',
        { class: 'meta' },
        article.category ? h('span', { class: 'tag', 'data-testid': 'article-category' }, article.category.name) : null,
        h('time', { datetime: article.updatedAt ?? '' }, `updated ${formatDate(article.updatedAt)}`),
      ),
      article.body ? h('p', {}, article.body) : null,
    ),
  );
  articlesRoot.replaceChildren(
    h('p', { class: 'count', 'data-testid': 'article-count' }, `${data.length} ${data.length === 1 ? 'article' : 'articles'}`),
    ...(data.length === 0 ? [h('p', { class: 'notice', 'data-testid': 'list-state', 'data-state': 'empty' }, 'No published articles here yet.')] : []),
    h('ul', { class: 'articles', 'data-testid': 'article-list', 'data-live': String(isLive) }, ...items),
  );
}

// Articles: one observer at a time; a new category or sort swaps it.
let stopArticles: (() => void) | undefined;
function showArticles(controls: ArticleControls): void {
  stopArticles?.();
  const observer = live.collection(ARTICLE_UID, articleQuery(controls));
  const render = () => renderArticles(observer.getCurrentResult());
  stopArticles = observer.subscribe(render);
  render();
}

const controls = (): ArticleControls => ({ category: categorySelect.value, sort: sortSelect.value as SortKey });
categorySelect.addEventListener('change', () => showArticles(controls()));
sortSelect.addEventListener('change', () => showArticles(controls()));
showArticles(controls());

// Categories: a live list too, so a category added in the admin shows up in the select.
const categories = live.collection(CATEGORY_UID, categoryQuery);
function renderCategories(): void {
  const { data } = categories.getCurrentResult();
  if (!data) return;
  const selected = categorySelect.value;
  const options = categoryOptions(data);
  categorySelect.replaceChildren(
    h('option', { value: '' }, 'All categories'),
    ...options.map((option) => h('option', { value: option.value }, option.label)),
  );
  categorySelect.value = options.some((option) => option.value === selected) ? selected : '';
  // The chosen category was deleted: back to all of them.
  if (categorySelect.value !== selected) showArticles(controls());
}
categories.subscribe(renderCategories);
renderCategories();

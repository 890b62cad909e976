import type { LiveClient, LiveResult } from '@strapi-live/client';
import { ARTICLE_UID, CATEGORY_UID, SORT_OPTIONS, articleQuery, categoryOptions, categoryQuery } from '../../shared/settings';
import type { Article, ArticleControls, SortKey } from '../../shared/settings';
import { articleCard } from './article-card';
import { h, liveView } from './dom';

function renderArticles(root: HTMLElement, { data, status, error, isLive }: LiveResult<Article[]>): void {
  if (status === 'error') {
    root.replaceChildren(h('p', { class: 'notice', 'data-testid': 'list-state', 'data-state': 'error' }, `Could not load the articles: ${error.message}`));
    return;
  }
  if (!data) {
    root.replaceChildren(h('p', { class: 'notice', 'data-testid': 'list-state', 'data-state': 'pending' }, 'Loading articles…'));
    return;
  }
  root.replaceChildren(
    h('p', { class: 'count', 'data-testid': 'article-count' }, `${data.length} ${data.length === 1 ? 'article' : 'articles'}`),
    ...(data.length === 0 ? [h('p', { class: 'notice', 'data-testid': 'list-state', 'data-state': 'empty' }, 'No published articles here yet.')] : []),
    h('ul', { class: 'articles', 'data-testid': 'article-list', 'data-live': String(isLive) }, ...data.map(articleCard)),
  );
}

/** The article list, with its category filter (a live list too) and sort. */
export function mountArticles(live: LiveClient, { categorySelect, sortSelect, root }: { categorySelect: HTMLSelectElement; sortSelect: HTMLSelectElement; root: HTMLElement }): void {
  for (const option of SORT_OPTIONS) sortSelect.append(h('option', { value: option.value }, option.label));

  const articles = liveView<Article[]>((result) => renderArticles(root, result));
  const controls = (): ArticleControls => ({ category: categorySelect.value, sort: sortSelect.value as SortKey });
  const show = () => articles.show(live.collection(ARTICLE_UID, articleQuery(controls())));
  categorySelect.addEventListener('change', show);
  sortSelect.addEventListener('change', show);
  show();

  // Categories: a live list too, so a category added in the admin shows up in the select.
  const categories = live.collection(CATEGORY_UID, categoryQuery);
  function renderCategories(): void {
    const { data } = categories.getCurrentResult();
    if (!data) return;
    const selected = categorySelect.value;
    const options = categoryOptions(data);
    categorySelect.replaceChildren(h('option', { value: '' }, 'All categories'), ...options.map((option) => h('option', { value: option.value }, option.label)));
    categorySelect.value = options.some((option) => option.value === selected) ? selected : '';
    // The chosen category was deleted: back to all of them.
    if (categorySelect.value !== selected) show();
  }
  categories.subscribe(renderCategories);
  renderCategories();
}

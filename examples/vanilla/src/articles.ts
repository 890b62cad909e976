import type { LiveClient } from '@strapi-live/client';
import { ARTICLE_UID, CATEGORY_UID, SORT_OPTIONS, articleQuery, categoryOptions, categoryQuery } from '../../shared/settings';
import type { Article, ArticleControls, SortKey } from '../../shared/settings';
import { articleListView } from './article-list';
import { h, liveView } from './dom';

/** The article list, with its category filter (a live list too) and sort. */
export function mountArticles(live: LiveClient, { categorySelect, sortSelect, root }: { categorySelect: HTMLSelectElement; sortSelect: HTMLSelectElement; root: HTMLElement }): void {
  for (const option of SORT_OPTIONS) sortSelect.append(h('option', { value: option.value }, option.label));

  const articles = liveView<Article[]>(articleListView(root));
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

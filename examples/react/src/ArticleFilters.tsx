import { useLiveCollection } from '@strapi-live/react';
import { CATEGORY_UID, SORT_OPTIONS, categoryOptions, categoryQuery } from '../../shared/settings';
import type { ArticleControls, SortKey } from '../../shared/settings';

/** The category filter (a live list too: a category added in the admin shows up) and the sort. */
export function ArticleFilters({ value, onChange }: { value: ArticleControls; onChange: (controls: ArticleControls) => void }) {
  const categories = useLiveCollection(CATEGORY_UID, categoryQuery);
  return (
    <section className="controls">
      <label>
        Category
        <select data-testid="category-select" value={value.category} onChange={(event) => onChange({ ...value, category: event.target.value })}>
          <option value="">All categories</option>
          {categoryOptions(categories.data).map((option) => (
            <option key={option.key} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Sort by
        <select data-testid="sort-select" value={value.sort} onChange={(event) => onChange({ ...value, sort: event.target.value as SortKey })}>
          {SORT_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}

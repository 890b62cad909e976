import { useState } from 'react';
import { useLiveCollection, useLiveStatus } from '@strapi-live/react';
import { ARTICLE_UID, CATEGORY_UID, SORT_OPTIONS, articleQuery, categoryOptions, categoryQuery, formatDate } from '../../shared/settings';
import type { SortKey } from '../../shared/settings';

function ConnectionBadge() {
  const { state } = useLiveStatus();
  return (
    <span className="status" data-testid="connection-status" data-status={state}>
      {state}
    </span>
  );
}

function ArticleList({ category, sort }: { category: string; sort: SortKey }) {
  const { data, status, error, isLive } = useLiveCollection(ARTICLE_UID, articleQuery({ category, sort }));

  if (status === 'error') {
    return (
      <p className="notice" data-testid="list-state" data-state="error">
        Could not load the articles: {error.message}
      </p>
    );
  }
  if (!data) {
    return (
      <p className="notice" data-testid="list-state" data-state="pending">
        Loading articles…
      </p>
    );
  }
  return (
    <>
      <p className="count" data-testid="article-count">
        {data.length} {data.length === 1 ? 'article' : 'articles'}
      </p>
      {data.length === 0 ? (
        <p className="notice" data-testid="list-state" data-state="empty">
          No published articles here yet.
        </p>
      ) : null}
      <ul className="articles" data-testid="article-list" data-live={String(isLive)}>
        {data.map((article) => (
          <li key={article.documentId} className="article" data-testid="article" data-document-id={article.documentId}>
            <h2 data-testid="article-title">{article.title}</h2>
            <div className="meta">
              {article.category ? (
                <span className="tag" data-testid="article-category">
                  {article.category.name}
                </span>
              ) : null}
              <time dateTime={article.updatedAt ?? undefined}>updated {formatDate(article.updatedAt)}</time>
            </div>
            {article.body ? <p>{article.body}</p> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

export function App({ strapiUrl }: { strapiUrl: string }) {
  const [category, setCategory] = useState('');
  const [sort, setSort] = useState<SortKey>('title');
  const categories = useLiveCollection(CATEGORY_UID, categoryQuery);

  return (
    <main className="page">
      <header className="page-header">
        <h1>
          Live articles
          <small>React · @strapi-live/react</small>
        </h1>
        <ConnectionBadge />
      </header>

      <section className="controls">
        <label>
          Category
          <select data-testid="category-select" value={category} onChange={(event) => setCategory(event.target.value)}>
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
          <select data-testid="sort-select" value={sort} onChange={(event) => setSort(event.target.value as SortKey)}>
            {SORT_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </section>

      <ArticleList category={category} sort={sort} />

      <footer className="page-footer">
        Strapi: <code data-testid="strapi-url">{strapiUrl}</code>
      </footer>
    </main>
  );
}

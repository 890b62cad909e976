import { useLiveCollection } from '@strapi-live/react';
import { ARTICLE_UID, articleQuery } from '../../shared/settings';
import type { ArticleControls } from '../../shared/settings';
import { ArticleCard } from './ArticleCard';

/** The live article list for the chosen category and sort. */
export function ArticleList(controls: ArticleControls) {
  const { data, status, error, isLive } = useLiveCollection(ARTICLE_UID, articleQuery(controls));

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
          <ArticleCard key={article.documentId} article={article} />
        ))}
      </ul>
    </>
  );
}

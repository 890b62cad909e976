import { useState } from 'react';
import { useLiveCollection } from '@strapi-live/react';
import { CARDS_PER_PAGE, articleCountLabel, cardWindow, nextLimit, showMoreLabel } from '../../shared/card-window';
import { ARTICLE_UID, articleQuery } from '../../shared/settings';
import type { ArticleControls } from '../../shared/settings';
import { ArticleCard } from './ArticleCard';

/**
 * The live article list for the chosen category and sort: every article counted, the first cards
 * rendered and more on demand (shared/card-window.ts says why), each card memoized.
 */
export function ArticleList(controls: ArticleControls) {
  const { data, status, error, isLive } = useLiveCollection(ARTICLE_UID, articleQuery(controls));
  const [limit, setLimit] = useState(CARDS_PER_PAGE);

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
  const { shown, hidden } = cardWindow(data, limit);
  return (
    <>
      <p className="count" data-testid="article-count">
        {articleCountLabel(data.length)}
      </p>
      {data.length === 0 ? (
        <p className="notice" data-testid="list-state" data-state="empty">
          No published articles here yet.
        </p>
      ) : null}
      <ul className="articles" data-testid="article-list" data-live={String(isLive)}>
        {shown.map((article) => (
          <ArticleCard key={article.documentId} article={article} />
        ))}
      </ul>
      {hidden > 0 ? (
        <button type="button" className="show-more" data-testid="show-more" onClick={() => setLimit(nextLimit)}>
          {showMoreLabel(hidden)}
        </button>
      ) : null}
    </>
  );
}

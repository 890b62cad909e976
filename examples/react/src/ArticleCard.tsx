import { memo } from 'react';
import { formatDate, mediaUrl } from '../../shared/settings';
import type { Article } from '../../shared/settings';

/**
 * One article: title, category, author (name and avatar), last update, body. Memoized: the SDK
 * shares unchanged documents between snapshots, so on each commit only the cards whose article
 * changed render again, not every card of the list.
 */
export const ArticleCard = memo(function ArticleCard({ article }: { article: Article }) {
  const { category, author } = article;
  return (
    <li className="article" data-testid="article" data-document-id={article.documentId}>
      <h2 data-testid="article-title">{article.title}</h2>
      <div className="meta">
        {category ? (
          <span className="tag" data-testid="article-category">
            {category.name}
          </span>
        ) : null}
        {author ? (
          <span className="author" data-testid="article-author">
            {author.avatar ? (
              <img className="avatar" data-testid="article-avatar" src={mediaUrl(author.avatar.url)} alt={author.avatar.alternativeText ?? ''} width={24} height={24} />
            ) : null}
            {author.name}
          </span>
        ) : null}
        <time dateTime={article.updatedAt ?? undefined}>updated {formatDate(article.updatedAt)}</time>
      </div>
      {article.body ? <p>{article.body}</p> : null}
    </li>
  );
});

import { useLiveCollection } from '@strapi-live/react';
import { PAGE_UID, pageQuery } from '../../shared/localized';
import type { Locale } from '../../shared/localized';
import { mediaUrl } from '../../shared/settings';

/** The live list of published pages in `locale`: another locale is another query (one resubscribe). */
export function PageList({ locale }: { locale: Locale }) {
  const { data, status, error, isLive } = useLiveCollection(PAGE_UID, pageQuery(locale));

  if (status === 'error') {
    return (
      <p className="notice" data-testid="pages-state" data-state="error">
        Could not load the pages: {error.message}
      </p>
    );
  }
  if (!data) {
    return (
      <p className="notice" data-testid="pages-state" data-state="pending">
        Loading pages…
      </p>
    );
  }
  if (data.length === 0) {
    return (
      <p className="notice" data-testid="pages-state" data-state="empty">
        No published pages in this language yet.
      </p>
    );
  }
  return (
    <ul className="pages" data-testid="page-list" data-locale={locale} data-live={String(isLive)}>
      {data.map((page) => (
        <li key={page.documentId} className="page-card" data-testid="page" data-document-id={page.documentId}>
          {page.cover ? <img className="cover" src={mediaUrl(page.cover.url)} alt={page.cover.alternativeText ?? ''} /> : null}
          <h3 data-testid="page-title">{page.title}</h3>
          {page.links.length > 0 ? (
            <p className="links">
              {page.links.map((link) => (
                <a key={link.id} href={link.url}>
                  {link.label}
                </a>
              ))}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

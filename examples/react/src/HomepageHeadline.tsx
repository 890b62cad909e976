import { useLiveSingle } from '@strapi-live/react';
import { HOMEPAGE_UID, homepageQuery } from '../../shared/localized';
import type { Locale } from '../../shared/localized';

/** The homepage's headline in `locale`: another locale is another live entry (one resubscribe). */
export function HomepageHeadline({ locale }: { locale: Locale }) {
  const { data: homepage, status, error } = useLiveSingle(HOMEPAGE_UID, homepageQuery(locale));
  if (status === 'error') {
    return (
      <p className="notice" data-testid="homepage-state" data-state="error">
        Could not load the homepage: {error.message}
      </p>
    );
  }
  if (homepage === undefined) return null;
  if (homepage === null) {
    return (
      <p className="notice" data-testid="homepage-state" data-state="empty">
        No homepage in this language yet.
      </p>
    );
  }
  return (
    <h2 className="headline" data-testid="homepage-headline">
      {homepage.headline}
    </h2>
  );
}

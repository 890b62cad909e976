import { useState } from 'react';
import { DEFAULT_LOCALE } from '../../shared/localized';
import type { Locale } from '../../shared/localized';
import type { ArticleControls } from '../../shared/settings';
import { AnnouncementBanner } from './AnnouncementBanner';
import { ArticleFilters } from './ArticleFilters';
import { ArticleList } from './ArticleList';
import { ConnectionBadge } from './ConnectionBadge';
import { HomepageHeadline } from './HomepageHeadline';
import { LocaleSwitcher } from './LocaleSwitcher';
import { PageList } from './PageList';

export function App({ strapiUrl }: { strapiUrl: string }) {
  const [controls, setControls] = useState<ArticleControls>({ category: '', sort: 'title' });
  const [locale, setLocale] = useState<Locale>(DEFAULT_LOCALE);

  return (
    <main className="page">
      <AnnouncementBanner />
      <header className="page-header">
        <h1>
          Live articles
          <small>React · @strapi-live/react</small>
        </h1>
        <ConnectionBadge />
      </header>

      <section className="localized">
        <div className="controls">
          <LocaleSwitcher value={locale} onChange={setLocale} />
        </div>
        <HomepageHeadline locale={locale} />
        <PageList locale={locale} />
      </section>

      <ArticleFilters value={controls} onChange={setControls} />
      <ArticleList {...controls} />

      <footer className="page-footer">
        Strapi: <code data-testid="strapi-url">{strapiUrl}</code>
      </footer>
    </main>
  );
}

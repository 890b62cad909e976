import { createLiveClient } from '@strapi-live/client';
import { DEFAULT_LOCALE, LOCALES, toLocale } from '../../shared/localized';
import { strapiUrl } from '../../shared/settings';
import { mountAnnouncement } from './announcement';
import { mountArticles } from './articles';
import { $, h } from './dom';
import { mountHomepage } from './homepage';
import { mountPages } from './pages';
import { mountStatus } from './status';
import '../../shared/page.css';

const url = strapiUrl();
const live = createLiveClient({ url });

$<HTMLElement>('[data-testid="strapi-url"]').textContent = url;
mountStatus(live, $<HTMLElement>('[data-testid="connection-status"]'));
mountAnnouncement(live, $<HTMLElement>('#announcement'));

// Localized content: the locale switcher drives the homepage headline and the page list.
const localeSelect = $<HTMLSelectElement>('#locale');
localeSelect.append(...LOCALES.map(({ code, label }) => h('option', { value: code }, label)));
localeSelect.value = DEFAULT_LOCALE;
const homepage = mountHomepage(live, $<HTMLElement>('#headline'));
const pages = mountPages(live, $<HTMLElement>('#pages'));
const showLocale = () => {
  const locale = toLocale(localeSelect.value);
  homepage.show(locale);
  pages.show(locale);
};
localeSelect.addEventListener('change', showLocale);
showLocale();

mountArticles(live, { categorySelect: $<HTMLSelectElement>('#category'), sortSelect: $<HTMLSelectElement>('#sort'), root: $<HTMLElement>('#articles') });

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Core } from '@strapi/strapi';

export { launchChromium } from './browser.mjs';

/** Where `npm run build` puts the pages: Strapi's `strapi::public` middleware serves that folder. */
export const PUBLIC_DIR = path.resolve(import.meta.dirname, '../../strapi-app/public');

export const EXAMPLE_PAGES = [
  { name: 'react', label: 'React' },
  { name: 'vue', label: 'Vue' },
  { name: 'vanilla', label: 'vanilla' },
] as const;

/** Fails (never skips) when a built page is missing, and says how to fix it. */
export function assertPrerequisites(): void {
  const missing = EXAMPLE_PAGES.filter(({ name }) => !existsSync(path.join(PUBLIC_DIR, name, 'index.html')));
  if (missing.length > 0) {
    throw new Error(
      `The example pages ${missing.map(({ name }) => name).join(', ')} are not built into ${PUBLIC_DIR}: run \`npm run build\` at the repository root (\`npm test\` does it first).`,
    );
  }
}

/** Page errors and console errors, so that a test fails on a page that throws. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  return errors;
}

/** `E2E_SCREENSHOT_DIR=/tmp/shots npm test` keeps one screenshot of each page, to look at. */
export async function maybeScreenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

export const ARTICLE_UID = 'api::article.article';

export interface ArticleInput {
  title: string;
  category: string;
  body?: string;
}

/** Writes as a client of the REST API would, with a full-access API token; unpublish goes through the Document Service (REST has no unpublish). */
export function createWriter(strapi: Core.Strapi, url: string, token: string, categoryIds: Map<string, string>) {
  const created = new Set<string>();

  async function rest(method: string, route: string, body?: unknown): Promise<{ documentId: string; title: string }> {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as { data: { documentId: string; title: string } }).data : (undefined as never);
  }

  const categoryId = (slug: string) => {
    const id = categoryIds.get(slug);
    if (!id) throw new Error(`No category ${slug}`);
    return id;
  };

  return {
    /** A published article (REST creates published by default). */
    async create({ title, category, body = 'Written by the end-to-end test.' }: ArticleInput) {
      const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      const article = await rest('POST', '/api/articles', { data: { title, slug, body, category: categoryId(category) } });
      created.add(article.documentId);
      return article;
    },
    update(documentId: string, data: Partial<ArticleInput>) {
      const { category, ...fields } = data;
      return rest('PUT', `/api/articles/${documentId}`, { data: { ...fields, ...(category ? { category: categoryId(category) } : {}) } });
    },
    unpublish(documentId: string) {
      return strapi.documents(ARTICLE_UID).unpublish({ documentId });
    },
    /** Deletes every article this writer created (after each test, so pages start from the seed). */
    async cleanUp() {
      for (const documentId of created) await strapi.documents(ARTICLE_UID).delete({ documentId });
      created.clear();
      await strapi.$io.idle();
    },
  };
}

export type Writer = ReturnType<typeof createWriter>;

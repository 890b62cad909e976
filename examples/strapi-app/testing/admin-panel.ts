import { createRequire } from 'node:module';

interface AdminBuild {
  adminBuildDir: string;
  ensureAdminBuilt(options?: { quiet?: boolean }): Promise<{ built: boolean; reason: string; seconds: number }>;
}

// The same module `npm start` uses (plain CommonJS, so it runs before anything is compiled);
// loaded on first use, so that tests that never serve the admin do not resolve it.
const adminBuild = () => createRequire(import.meta.url)('../scripts/admin-build.js') as AdminBuild;

/**
 * Builds the example's admin panel (`strapi build` into dist/build, which
 * `bootExampleApp({ serveAdminPanel: true })` serves) unless it is current for this Strapi version
 * and the io plugin's built admin, exactly as `npm start` decides. Quiet unless the build fails;
 * resolves with what it did, for the caller to print.
 */
export const ensureAdminBuilt = (): ReturnType<AdminBuild['ensureAdminBuilt']> => adminBuild().ensureAdminBuilt({ quiet: true });

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Core } from '@strapi/strapi';
import { waitForDatabaseIdle } from './database-idle';
import { createPostgresDatabase } from './postgres';

const require = createRequire(import.meta.url);
const appDir = path.resolve(__dirname, '..');

export interface ExampleApp {
  strapi: Core.Strapi;
  /** `http://127.0.0.1:<port>` of the running app. */
  url: string;
  stop(): Promise<void>;
}

export interface BootOptions {
  /** Replaces the example's `io` plugin config (the seed's format). */
  ioConfig?: Record<string, unknown>;
  /** Seed the example content (categories, articles, comments); on by default. */
  seed?: boolean;
  /** Extra environment for this boot (e.g. DATABASE_CLIENT=postgres). */
  env?: Record<string, string>;
  /**
   * Serve the built admin panel (dist/build, see `ensureAdminBuilt`) at `/admin`, as `npm start`
   * does; off by default, since only the admin browser tests need it. The admin's HTTP API
   * (`/admin/login`, the content manager, the plugin's admin routes) is there either way.
   */
  serveAdminPanel?: boolean;
}

type Listeners = Map<string | symbol, ((...args: unknown[]) => void)[]>;

function saveProcessListeners(): Listeners {
  return new Map(process.eventNames().map((name) => [name, process.listeners(name as never) as never]));
}

function restoreProcessListeners(saved: Listeners): void {
  for (const [name, listeners] of saved) {
    const current = new Set(process.listeners(name as never));
    for (const listener of listeners) if (!current.has(listener as never)) process.on(name as never, listener as never);
  }
}

/**
 * Boots the real example Strapi app in this process: compiled config and APIs from `dist/`, the
 * plugin from the workspace, a fresh SQLite file in a temporary folder (or PostgreSQL database,
 * with STRAPI_TEST_DATABASE=postgres), an ephemeral port, and no admin panel unless
 * `serveAdminPanel`. One per test file (Strapi is a process-wide singleton).
 */
export async function bootExampleApp(options: BootOptions = {}): Promise<ExampleApp> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'strapi-live-'));
  // STRAPI_TEST_DATABASE=postgres (the *-postgres test projects): a PostgreSQL database of its own.
  const database = process.env.STRAPI_TEST_DATABASE === 'postgres' && !options.env?.DATABASE_CLIENT ? await createPostgresDatabase() : undefined;
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_FILENAME: path.join(tmp, 'data.db'),
    ...database?.env,
    STRAPI_TELEMETRY_DISABLED: 'true',
    BROWSER: 'false',
    STRAPI_HIDE_STARTUP_MESSAGE: 'true',
    SEED_EXAMPLE_CONTENT: options.seed === false ? 'false' : 'true',
    ...options.env,
  };
  const previousEnv = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);

  const listeners = saveProcessListeners();
  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist'), serveAdminPanel: options.serveAdminPanel === true } as never);
  // Quiet: tests read events, not request logs.
  strapi.log.level = process.env.STRAPI_TEST_LOG_LEVEL ?? 'warn';
  const restore = () => {
    restoreProcessListeners(listeners);
    for (const [key, value] of Object.entries(previousEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  const dropDatabase = async () => {
    await database?.drop().catch((error: Error) => console.warn(`could not drop test database ${database.name}: ${error.message}`));
  };
  // Under jsdom, some of Strapi's bundled CommonJS (users-permissions) derives its own file URL from
  // `document.baseURI` and then cannot `createRequire` it: hide `document` while Strapi loads.
  const documentDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'document');
  if (documentDescriptor) delete (globalThis as { document?: unknown }).document;
  try {
    // load() is register() then bootstrap(); the plugin reads its config in bootstrap.
    await strapi.register();
    if (options.ioConfig) strapi.config.set('plugin::io', options.ioConfig);
    await strapi.bootstrap();
    (strapi as unknown as { isLoaded: boolean }).isLoaded = true;
    await strapi.listen();
  } catch (error) {
    await strapi.destroy().catch(() => {});
    restore();
    await dropDatabase();
    throw error;
  } finally {
    if (documentDescriptor) Object.defineProperty(globalThis, 'document', documentDescriptor);
  }
  const { port } = strapi.server.httpServer.address() as AddressInfo;

  return {
    strapi,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await waitForDatabaseIdle(strapi);
      await strapi.destroy();
      restore();
      await dropDatabase();
    },
  };
}

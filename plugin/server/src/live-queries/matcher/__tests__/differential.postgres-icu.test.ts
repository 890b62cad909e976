import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExampleApp } from 'example-strapi-app/testing';
import { bootWithProbe } from './differential/boot';
import { createPostgresDatabase as createDatabase } from 'example-strapi-app/testing';
import { runSeed } from './differential/random';
import { describeMismatches, formatReport, runDifferential } from './differential/run-differential';

// Production databases sort and lower-case linguistically; what the matcher decides must not depend on it.
describe('the matcher against PostgreSQL with an ICU en-US collation', () => {
  let app: ExampleApp | undefined;
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
  beforeAll(async () => {
    database = await createDatabase(`LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8' TEMPLATE template0`);
    app = await bootWithProbe(database.env);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('runs on an ICU database', async () => {
    const result = (await app!.strapi.db.connection.raw('select datlocprovider, daticulocale from pg_database where datname = current_database()')) as { rows: { datlocprovider: string; daticulocale: string }[] };
    expect(result.rows[0]).toEqual({ datlocprovider: 'i', daticulocale: 'en-US' });
  });

  it('agrees with strapi.documents().findMany({ filters }) on every pair it decides', async () => {
    const report = await runDifferential(app!.strapi, { seed: runSeed(20261201), filtersPerView: Number(process.env.MATCHER_FILTERS ?? 600) });
    console.log(formatReport(report));
    const failures = describeMismatches(report);
    expect(failures, failures).toBeUndefined();
    expect(report.views.reduce((sum, view) => sum + view.decided, 0)).toBeGreaterThan(0);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExampleApp } from 'example-strapi-app/testing';
import { bootWithProbe } from './differential/boot';
import { createPostgresDatabase as createDatabase } from 'example-strapi-app/testing';
import { runSeed } from './differential/random';
import { describeMismatches, formatReport, runDifferential } from './differential/run-differential';

describe('the matcher against PostgreSQL', () => {
  let app: ExampleApp | undefined;
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
  beforeAll(async () => {
    database = await createDatabase();
    app = await bootWithProbe(database.env);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('agrees with strapi.documents().findMany({ filters }) on every pair it decides', async () => {
    const report = await runDifferential(app!.strapi, { seed: runSeed(20261130), filtersPerView: Number(process.env.MATCHER_FILTERS ?? 1500) });
    console.log(formatReport(report));
    expect(report.dialect).toBe('postgres');
    const failures = describeMismatches(report);
    expect(failures, failures).toBeUndefined();
    expect(report.views.reduce((sum, view) => sum + view.decided, 0)).toBeGreaterThan(0);
  }, 120_000);
});

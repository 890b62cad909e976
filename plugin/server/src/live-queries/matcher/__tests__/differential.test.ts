import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExampleApp } from 'example-strapi-app/testing';
import { compileFilter } from '../index';
import { bootWithProbe } from './differential/boot';
import { describeMismatches, formatReport, runDifferential } from './differential/run-differential';
import { runSeed } from './differential/random';

describe('the matcher against SQLite', () => {
  let app: ExampleApp;
  beforeAll(async () => {
    app = await bootWithProbe();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('agrees with strapi.documents().findMany({ filters }) on every pair it decides', async () => {
    const report = await runDifferential(app.strapi, { seed: runSeed(20261130), filtersPerView: Number(process.env.MATCHER_FILTERS ?? 1500) });
    console.log(formatReport(report));
    const failures = describeMismatches(report);
    expect(failures, failures).toBeUndefined();
    expect(report.views.reduce((sum, view) => sum + view.decided, 0)).toBeGreaterThan(0);
  }, 120_000);

  it('fails when the matcher is wrong: PostgreSQL semantics (case-sensitive LIKE) on SQLite', async () => {
    const report = await runDifferential(app.strapi, {
      seed: runSeed(20261130) + 1,
      filtersPerView: 200,
      compile: (filters, uid, models) => compileFilter(filters, uid, models, 'postgres'),
    });
    const verdicts = report.views.flatMap((view) => view.mismatches).filter((mismatch) => mismatch.kind === 'verdict');
    expect(verdicts.length).toBeGreaterThan(0);
    console.log(`a deliberately wrong matcher is caught; the smallest disagreement found:\n${describeMismatches(report)?.split('\n\n')[0]}`);
  }, 60_000);

  it('fails when an index would hide a matching document', async () => {
    const report = await runDifferential(app.strapi, {
      seed: runSeed(20261130) + 2,
      filtersPerView: 200,
      compile: (...args) => {
        const compiled = compileFilter(...args);
        return compiled.index ? { ...compiled, matches: compiled.matches, index: { path: compiled.index.path, keys: ['s:nothing'] } } : compiled;
      },
    });
    expect(report.views.flatMap((view) => view.mismatches).some((mismatch) => mismatch.kind === 'index')).toBe(true);
  }, 60_000);
});

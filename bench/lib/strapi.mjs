/**
 * Helpers shared by the server benchmarks (bench/run.mjs, bench/live-queries.mjs): booting the
 * compiled example app in the benchmark's own process, counting what Strapi logs, timeouts and the
 * file-descriptor check.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const appDir = path.join(rootDir, 'examples', 'strapi-app');

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The soft file-descriptor limit (`ulimit -n`, inherited by forked children); warns when it is
 * below `needed` (the most descriptors one process of the benchmark holds at once).
 */
export function checkFileDescriptors(needed, what = `${needed} sockets`) {
  try {
    const limit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    if (limit !== 'unlimited' && Number(limit) < needed) {
      console.warn(`warning: ulimit -n is ${limit}; ${what} need more. Raise it with \`ulimit -n ${2 ** (Math.ceil(Math.log2(needed)) + 1)}\` first.`);
    }
    return limit;
  } catch {
    return 'unknown';
  }
}

/** Counts warnings and errors Strapi logs during the run (they point at plugin problems). */
export function watchLogs(strapi) {
  const logs = { warn: 0, error: 0, samples: [] };
  for (const level of ['warn', 'error']) {
    const original = strapi.log[level].bind(strapi.log);
    strapi.log[level] = (message, ...rest) => {
      logs[level] += 1;
      if (logs.samples.length < 10) logs.samples.push(`${level}: ${String(message).slice(0, 300)}`);
      return original(message, ...rest);
    };
  }
  return logs;
}

/**
 * Boots the compiled example app in this process, as examples/strapi-app/testing does (that helper
 * is TypeScript and tsx is not installed): fresh SQLite file, ephemeral loopback port, no admin.
 * `seed: false` skips the example content (categories, articles, comments).
 */
export async function bootStrapi({ seed = true } = {}) {
  if (!existsSync(path.join(appDir, 'dist', 'config'))) {
    throw new Error('examples/strapi-app/dist is missing: run `npm run build` first (or `npm run bench`, which builds)');
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'strapi-live-bench-'));
  Object.assign(process.env, {
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_FILENAME: path.join(tmp, 'data.db'),
    STRAPI_TELEMETRY_DISABLED: 'true',
    BROWSER: 'false',
    SEED_EXAMPLE_CONTENT: seed ? 'true' : 'false',
  });
  const { createStrapi } = require('@strapi/strapi');
  const strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist'), serveAdminPanel: false });
  strapi.log.level = 'warn';
  const logs = watchLogs(strapi);
  await strapi.load();
  // listen() prints a project banner with a meaningless `localhost:0` admin URL: not wanted here.
  strapi.config.set('server.logger.startup.enabled', false);
  await strapi.listen();
  const { port } = strapi.server.httpServer.address();
  return {
    strapi,
    url: `http://127.0.0.1:${port}`,
    logs,
    tmp,
    async stop() {
      await withTimeout(strapi.destroy(), 15_000, 'strapi.destroy()');
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a bench's `main`: aborts a run that hangs past `timeoutMs` (the timer is unref'd, so it never
 * keeps the process alive), and exits explicitly when done, since Strapi may leave timers or pool
 * handles behind after destroy().
 */
export function runBench(main, timeoutMs) {
  setTimeout(() => {
    console.error(`bench: still running after ${timeoutMs / 1000} s, aborting`);
    process.exit(1);
  }, timeoutMs).unref();
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

import type { Core } from '@strapi/strapi';

/** The parts of knex's connection pool (tarn) read here. */
interface Pool {
  numUsed(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

const QUIET_MS = 25;
const CHECK_EVERY_MS = 5;

/**
 * Resolves once no query has used the database for {@link QUIET_MS}, or after `timeoutMs`.
 *
 * Why: after a write commits, Strapi's document service reads the entry again for its `entry.*`
 * events (webhooks) from an `onCommit` callback that nobody awaits or catches. Destroying the app
 * while that read waits for a connection makes knex abort it, and the rejection surfaces as an
 * unhandled error in whatever test file stops its app right after a write. Waiting for the pool
 * to stay quiet for a moment (a populate runs several queries one after the other) lets it finish.
 */
export async function waitForDatabaseIdle(strapi: Core.Strapi, timeoutMs = 5_000): Promise<void> {
  const pool = (strapi.db?.connection as unknown as { client?: { pool?: Pool } } | undefined)?.client?.pool;
  if (!pool) return;
  const busy = () => pool.numUsed() + pool.numPendingAcquires() + pool.numPendingCreates() > 0;
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (busy()) quietSince = Date.now();
    else if (Date.now() - quietSince >= QUIET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
  }
}

/** A fresh PostgreSQL database for one test file (127.0.0.1:5432, user postgres, trust auth), dropped after. */
import { afterAll, beforeAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

async function admin<T>(work: (client: PgClient) => Promise<T>): Promise<T> {
  const { Client } = require('pg') as { Client: new (options: object) => PgClient };
  const client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const envOf = (name: string): Record<string, string> => ({
  DATABASE_CLIENT: 'postgres',
  DATABASE_HOST: '127.0.0.1',
  DATABASE_PORT: '5432',
  DATABASE_NAME: name,
  DATABASE_USERNAME: 'postgres',
  DATABASE_PASSWORD: '',
});

/** Creates `live_test_<random>`; `options` is appended to CREATE DATABASE (e.g. an ICU locale). */
export async function createPostgresDatabase(options = ''): Promise<{ name: string; env: Record<string, string>; drop(): Promise<void> }> {
  const name = `live_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} ${options}`));
  return {
    name,
    env: envOf(name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * A PostgreSQL database for the test file, created before the app boots and dropped after it stops:
 * call it before `useExampleApp({ env })` (after-hooks run in reverse order). `options` is appended
 * to CREATE DATABASE, as for {@link createPostgresDatabase}.
 */
export function usePostgresDatabase(options = ''): { env: Record<string, string> } {
  const name = `live_test_${randomBytes(6).toString('hex')}`;
  beforeAll(() => admin((client) => client.query(`CREATE DATABASE ${name} ${options}`)));
  afterAll(() => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  return { env: envOf(name) };
}

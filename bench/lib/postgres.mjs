/**
 * A PostgreSQL database per benchmark run (as examples/strapi-app/testing/postgres.ts makes one per
 * test file): 127.0.0.1:5432, user postgres, trust auth, administered through the `test` database.
 * PG_HOST, PG_PORT, PG_USER, PG_ADMIN_DATABASE override.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const server = {
  host: process.env.PG_HOST ?? '127.0.0.1',
  port: Number(process.env.PG_PORT ?? 5432),
  user: process.env.PG_USER ?? 'postgres',
  password: process.env.PG_PASSWORD ?? '',
};

async function admin(sql) {
  const client = new pg.Client({ ...server, database: process.env.PG_ADMIN_DATABASE ?? 'test', connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `live_bench_<random>`; resolves with its name, the example app's DATABASE_* env and drop(). */
export async function createPostgresDatabase() {
  const name = `live_bench_${randomBytes(6).toString('hex')}`;
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch (error) {
    throw new Error(`Cannot create a PostgreSQL database on ${server.host}:${server.port} as ${server.user} (${error.message}); the cluster bench needs PostgreSQL.`);
  }
  return {
    name,
    env: {
      DATABASE_CLIENT: 'postgres',
      DATABASE_HOST: server.host,
      DATABASE_PORT: String(server.port),
      DATABASE_NAME: name,
      DATABASE_USERNAME: server.user,
      DATABASE_PASSWORD: server.password,
    },
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

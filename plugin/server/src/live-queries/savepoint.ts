/**
 * Runs reads inside a write's transaction without risking the write: a failing statement in
 * PostgreSQL aborts the whole transaction, so what the live queries read runs under a SAVEPOINT and
 * a failure rolls back to it (SQLite and MySQL support the same statements). The write goes on; the
 * failure is the caller's to report.
 */
interface Raw {
  raw(sql: string): Promise<unknown>;
}

let counter = 0;

export async function inSavepoint<T>(trx: unknown, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  const connection = trx as Raw;
  const name = `io_live_${(counter = (counter + 1) % 1_000_000)}`;
  await connection.raw(`SAVEPOINT ${name}`);
  try {
    const value = await work();
    await connection.raw(`RELEASE SAVEPOINT ${name}`);
    return { ok: true, value };
  } catch (error) {
    await connection.raw(`ROLLBACK TO SAVEPOINT ${name}`);
    return { ok: false, error: error as Error };
  }
}

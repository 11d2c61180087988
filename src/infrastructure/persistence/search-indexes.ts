import type { Knex } from 'knex';

// Migration 008: the trigram indexes of the admin's search by any part of an order id or trade no.

const SEARCHED_COLUMNS = ['order_id', 'trade_id'];
// Hours, not the pool's seconds: the client gives up on its own clock too.
const INDEX_BUILD_TIMEOUT_MS = 6 * 3_600_000;
const TRIGRAM_LOCK = `hashtext('meiduo-payment: pg_trgm')`;

type Run = (sql: string, bindings?: readonly string[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

/** Runs `work` on one connection of the pool, where a session setting or a session lock holds for all of it. */
async function onOneConnection(knex: Knex, work: (run: Run) => Promise<void>): Promise<void> {
  const connection = await knex.client.acquireConnection();
  try {
    await work((sql, bindings = []) => knex.raw(sql, bindings).connection(connection).options({ query_timeout: INDEX_BUILD_TIMEOUT_MS }));
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

async function buildOn(run: Run): Promise<void> {
  await run('SET statement_timeout = 0');
  try {
    const trigrams = await trigramSchema(run);
    for (const column of SEARCHED_COLUMNS) {
      await createConcurrently(run, `tb_payment_${column}_trgm_idx`, `tb_payment USING gin (${column} ${trigrams}.gin_trgm_ops)`);
    }
  } finally {
    await run('RESET statement_timeout');
  }
}

/**
 * pg_trgm is database-wide, unlike our tables, which may sit in any schema: it is installed once, in
 * public, and found wherever it already is. Processes migrating side by side take turns (the session
 * lock), for two concurrent CREATE EXTENSIONs collide; but only for the extension: a CREATE INDEX
 * CONCURRENTLY waits for every older transaction, a process waiting for the lock included, so building
 * under the lock deadlocks with it.
 */
async function trigramSchema(run: Run): Promise<string> {
  await run(`SELECT pg_advisory_lock(${TRIGRAM_LOCK})`);
  try {
    const installed = async () =>
      (
        await run(
          `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
        )
      ).rows[0]?.schema as string | undefined;
    if ((await installed()) === undefined) await run('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(explainExtension);
    return `"${String(await installed()).replace(/"/g, '""')}"`;
  } finally {
    await run(`SELECT pg_advisory_unlock(${TRIGRAM_LOCK})`);
  }
}

/** `CREATE INDEX CONCURRENTLY index ON definition`, replacing an invalid one that an interrupted build left. */
async function createConcurrently(run: Run, index: string, definition: string): Promise<void> {
  // A build interrupted before leaves an invalid index that IF NOT EXISTS would keep.
  const invalid = await run(
    'SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ? AND NOT i.indisvalid AND pg_table_is_visible(c.oid)',
    [index],
  );
  if (invalid.rows.length > 0) await run(`DROP INDEX CONCURRENTLY IF EXISTS ${index}`);
  await run(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${index} ON ${definition}`);
}

/** One index built while the table keeps taking writes, outside the pool's statement timeout (a migration's). */
export async function buildIndexConcurrently(knex: Knex, index: string, definition: string): Promise<void> {
  await onOneConnection(knex, async (run) => {
    await run('SET statement_timeout = 0');
    try {
      await createConcurrently(run, index, definition);
    } finally {
      await run('RESET statement_timeout');
    }
  });
}

function explainExtension(error: Error): never {
  throw new Error(
    `${error.message}: the admin's search needs pg_trgm; ask the database's owner to run CREATE EXTENSION pg_trgm SCHEMA public, then start again`,
  );
}

/** Builds the indexes CONCURRENTLY on one connection, without the pool's statement timeout. */
export const buildSearchIndexes = (knex: Knex): Promise<void> => onOneConnection(knex, buildOn);

export async function dropSearchIndexes(knex: Knex): Promise<void> {
  for (const column of SEARCHED_COLUMNS) await knex.raw(`DROP INDEX IF EXISTS tb_payment_${column}_trgm_idx`);
}

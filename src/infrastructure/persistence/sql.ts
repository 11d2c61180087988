import type { Knex } from 'knex';

/** SQL text with a name: PostgreSQL parses and plans it once per connection, not once per call. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Runs statements on one connection (a transaction) or on whichever the pool lends (no transaction). */
export interface Sql {
  query<Row>(statement: Statement, values: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

/** A pg Client, or the single PGlite session that knex-pglite lends. */
interface RawConnection {
  query(config: unknown, values?: unknown): Promise<{ rows: unknown[]; rowCount?: number | null; affectedRows?: number }>;
  waitReady?: Promise<void>;
  __knex__disposed?: unknown;
}

// The hot path talks to the driver directly, on the connections of knex's pool: knex's per-query and
// per-transaction overhead was most of the CPU a confirmation cost (README, Performance).
export function pooledSql(knex: Knex): Sql {
  return {
    async query(statement, values) {
      const connection: RawConnection = await knex.client.acquireConnection();
      try {
        return await run(connection, statement, values);
      } finally {
        await knex.client.releaseConnection(connection);
      }
    },
  };
}

/** Runs `work` between BEGIN and COMMIT on one connection; ROLLBACK when it throws. */
export async function inSqlTransaction<T>(knex: Knex, work: (sql: Sql) => Promise<T>): Promise<T> {
  const connection: RawConnection = await knex.client.acquireConnection();
  try {
    await connection.query('BEGIN');
    const result = await work({ query: (statement, values) => run(connection, statement, values) });
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await connection.query('ROLLBACK');
    } catch {
      // The connection is in an unknown state: the pool must not lend it again.
      connection.__knex__disposed = error;
    }
    throw error;
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

async function run<Row>(connection: RawConnection, { name, text }: Statement, values: readonly unknown[]) {
  // PGlite is one in-process session: it has no use for statement names.
  const result = connection.waitReady
    ? await connection.query(text, values)
    : await connection.query({ name, text, values });
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.affectedRows ?? 0 };
}

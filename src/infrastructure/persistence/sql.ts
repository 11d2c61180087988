import type { Knex } from 'knex';

/** SQL text with a name: PostgreSQL parses and plans it once per connection, not once per call. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Runs each statement on whichever connection the pool lends: every write is one atomic statement. */
export interface Sql {
  query<Row>(statement: Statement, values: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

/** A pg Client, or the single PGlite session that knex-pglite lends. */
interface RawConnection {
  query(config: unknown, values?: unknown): Promise<{ rows: unknown[]; rowCount?: number | null; affectedRows?: number }>;
  waitReady?: Promise<void>;
}

// The hot path talks to the driver directly, on the connections of knex's pool: knex's and Objection's
// per-query overhead was most of the CPU a confirmation cost (docs/performance.md).
export function pooledSql(knex: Knex): Sql {
  return {
    async query<Row>({ name, text }: Statement, values: readonly unknown[]) {
      const connection: RawConnection = await knex.client.acquireConnection();
      try {
        // PGlite is one in-process session: it has no use for statement names.
        const result = 'waitReady' in connection ? await connection.query(text, values) : await connection.query({ name, text, values });
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.affectedRows ?? 0 };
      } finally {
        await knex.client.releaseConnection(connection);
      }
    },
  };
}

import { randomBytes } from 'node:crypto';
import process from 'node:process';
import type { Knex } from 'knex';
import { type Database, openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';

/** A migrated, private database: PGlite in memory, or a schema of its own on DATABASE_URL. */
export interface TestDatabase {
  readonly name: string;
  readonly knex: Knex;
  truncate(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseHarness {
  readonly name: string;
  open(): Promise<TestDatabase>;
}

export const pglite: DatabaseHarness = {
  name: 'PGlite',
  open: () => prepare('PGlite', openDatabase({ kind: 'pglite', dataDir: null })),
};

/** PostgreSQL, when DATABASE_URL is set (CI always sets it). */
export const postgres: DatabaseHarness | null = process.env.DATABASE_URL
  ? {
      name: 'PostgreSQL',
      async open() {
        const url = process.env.DATABASE_URL!;
        const schema = `test_${randomBytes(6).toString('hex')}`;
        const admin = openDatabase({ kind: 'postgres', url });
        await admin.knex.raw(`CREATE SCHEMA ${schema}`);
        await admin.close();
        const database = openDatabase({ kind: 'postgres', url, schema, poolSize: 40 });
        const opened = await prepare('PostgreSQL', database);
        return {
          ...opened,
          async close() {
            await database.knex.raw(`DROP SCHEMA ${schema} CASCADE`);
            await database.close();
          },
        };
      },
    }
  : null;

export const databaseHarnesses: readonly DatabaseHarness[] = postgres ? [pglite, postgres] : [pglite];

async function prepare(name: string, database: Database): Promise<TestDatabase> {
  await migrate(database.knex);
  return {
    name,
    knex: database.knex,
    truncate: async () => {
      await database.knex.raw(
        'TRUNCATE tb_payment, tb_order_info, tb_payment_query, tb_payment_event, tb_reconciliation_run, tb_reconciliation_item, tb_reconciliation_stage, tb_reconciliation_bill_row, tb_daily_claim, tb_admin_audit RESTART IDENTITY',
      );
    },
    close: () => database.close(),
  };
}

import { randomBytes } from 'node:crypto';
import process from 'node:process';
import type { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { type Database, newPglite, openDatabase } from '../../src/infrastructure/persistence/database.ts';
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

/** knex-pglite closes PGlite with the pool; a lent one goes back to the shelf instead. */
class LendingClient extends (ClientPgLite as unknown as new (...args: unknown[]) => object) {
  async destroyRawConnection(): Promise<void> {}
}

// Booting PGlite costs seconds; emptying its tables costs milliseconds. So a test process boots and
// migrates one, and each open() borrows it emptied; a second boots only while the first is lent.
const idlePglites: PGlite[] = [];

export const pglite: DatabaseHarness = {
  name: 'PGlite',
  async open() {
    const borrowed = idlePglites.pop() ?? newPglite(null);
    const knex = knexFactory({
      client: LendingClient as unknown as typeof Knex.Client,
      dialect: 'postgres',
      connection: () => ({ pglite: borrowed }) as object,
    } as Knex.Config);
    const database = await prepare('PGlite', { knex, description: 'PGlite in memory', close: () => knex.destroy() });
    await database.truncate();
    // Whatever a test left in the session (an advisory lock, a setting) leaves with it.
    await knex.raw('SELECT pg_advisory_unlock_all()');
    await knex.raw('RESET ALL');
    return {
      ...database,
      async close() {
        await knex.destroy();
        idlePglites.push(borrowed);
      },
    };
  },
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
      const { rows } = await database.knex.raw<{ rows: Array<{ tablename: string }> }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'knex\\_%'",
      );
      await database.knex.raw(`TRUNCATE ${rows.map((row) => `"${row.tablename}"`).join(', ')} RESTART IDENTITY`);
    },
    close: () => database.close(),
  };
}

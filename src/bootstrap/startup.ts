import type { Config } from '../infrastructure/config.ts';
import { type Database, type DatabaseTarget, openDatabase } from '../infrastructure/persistence/database.ts';
import { unreachable } from '../infrastructure/persistence/database-unreachable.ts';
import { migrate } from '../infrastructure/persistence/migrations.ts';

export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl === null
    ? { kind: 'pglite', dataDir: config.dataDir }
    : { kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize };
}

/**
 * Opens the configured database and brings its schema up to date, returning the migrations it applied.
 * @throws DatabaseUnreachable when it cannot connect; an Error naming the database when a migration fails
 */
export async function openMigrated(config: Config): Promise<{ database: Database; applied: string[] }> {
  const target = databaseTarget(config);
  const database = openDatabase(target);
  try {
    return { database, applied: await migrate(database.knex) };
  } catch (error) {
    await database.close();
    throw unreachable(error, target) ?? new Error(`${database.description} is not usable: ${(error as Error).message}`);
  }
}

import process from 'node:process';
import { type Config, ConfigError } from '../infrastructure/config.ts';
import { type Database, type DatabaseTarget, openDatabase } from '../infrastructure/persistence/database.ts';
import { DatabaseUnreachable, unreachable } from '../infrastructure/persistence/database-unreachable.ts';
import { migrate } from '../infrastructure/persistence/migrations.ts';
import { ExitCode } from './exit-codes.ts';

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

/** Start-up failures end in one line that says what to fix, never a stack. */
export function exitWith(error: unknown): never {
  const [what, code] =
    error instanceof ConfigError
      ? ['configuration error', ExitCode.CONFIGURATION]
      : error instanceof DatabaseUnreachable
        ? ['cannot reach the database', ExitCode.DATABASE_UNREACHABLE]
        : ['cannot start', ExitCode.FAILURE];
  console.error(`meiduo-payment: ${what}: ${(error as Error)?.message ?? String(error)}`);
  process.exit(code);
}

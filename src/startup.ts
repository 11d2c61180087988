import process from 'node:process';
import { type Config, ConfigError } from './infrastructure/config.ts';
import type { DatabaseTarget } from './infrastructure/persistence/database.ts';

export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl === null
    ? { kind: 'pglite', dataDir: config.dataDir }
    : { kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize };
}

/** Start-up failures end in one line that says what to fix, never a stack. */
export function exitWith(error: unknown): never {
  const line =
    error instanceof ConfigError
      ? `meiduo-payment: configuration error: ${error.message}`
      : `meiduo-payment: cannot start: ${(error as Error)?.message ?? String(error)}`;
  console.error(line);
  process.exit(error instanceof ConfigError ? 2 : 1);
}

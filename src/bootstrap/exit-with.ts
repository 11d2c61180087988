import process from 'node:process';
import { ConfigError } from '../infrastructure/config.ts';
import { DatabaseUnreachable } from '../infrastructure/persistence/database-unreachable.ts';
import { ExitCode } from './exit-codes.ts';

/** Start-up failures end in one line that says what to fix, never a stack. */
export function exitWith(error: unknown): never {
  const { line, code } = failureOf(error);
  console.error(line);
  process.exit(code);
}

/** The line and the exit code a failure ends a process with; a command run inside the server ends the same. */
export function failureOf(error: unknown): { line: string; code: number } {
  const [what, code] =
    error instanceof ConfigError
      ? ['configuration error', ExitCode.CONFIGURATION]
      : error instanceof DatabaseUnreachable
        ? ['cannot reach the database', ExitCode.DATABASE_UNREACHABLE]
        : ['cannot start', ExitCode.FAILURE];
  return { line: `meiduo-payment: ${what}: ${(error as Error)?.message ?? String(error)}`, code };
}

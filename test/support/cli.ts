import { execFile } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { serviceCommand } from './service-command.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  /** The exit code; null when a signal ended it. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run <cli> -- …` under the runtime running the tests, in `env`, with `input` on its stdin. */
export function runCli(
  cli: 'admin' | 'migrate' | 'orders' | 'payments' | 'reconcile',
  args: readonly string[],
  env: Record<string, string>,
  input?: string,
): Promise<CliRun> {
  const command = serviceCommand(`src/cli/${cli}-cli.ts`);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...command, ...args],
      // A developer's DATABASE_URL would send the CLI elsewhere than the test's PGlite directory.
      { cwd: root, env: { ...process.env, DATABASE_URL: '', ...env }, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

export const lastLine = (stdout: string) => stdout.trimEnd().split('\n').at(-1) ?? '';

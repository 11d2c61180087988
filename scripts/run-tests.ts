/**
 * `npm test`: the Node suites, then one line for each group of tests that skipped itself here, which
 * node --test's summary alone does not tell apart from a pass.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

// What `npm test` ran before this wrapper, word for word: sh expands the glob as npm's shell did, and
// "$@" passes `npm test -- …` arguments on unchanged.
const TEST_COMMAND = 'exec "$0" --import tsx --test test/*/*.test.ts "$@"';

export interface TestMachine {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly exists: (path: string) => boolean;
}

/** The groups that skip themselves on this machine, by the rules of test/support/databases.ts and browser.ts. */
export function skippedSuites({ env, exists }: TestMachine): string[] {
  const lines: string[] = [];
  if (!env.DATABASE_URL) {
    lines.push(
      'PostgreSQL suites skipped: DATABASE_URL is not set (set it to a postgres:// URL; as root, eval "$(scripts/throwaway-postgres.sh start)" starts a throwaway cluster)',
    );
  }
  const chromium = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!exists(chromium)) lines.push(`browser tests skipped: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return lines;
}

async function run(args: readonly string[]): Promise<number> {
  const child = spawn('sh', ['-c', TEST_COMMAND, process.execPath, ...args], { stdio: 'inherit' });
  // Whoever stops `npm test` stops the run too, and still hears what was skipped.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) => {
    child.on('exit', (exitCode) => resolve(exitCode ?? 1));
    child.on('error', (error) => {
      console.error(`npm test: cannot run sh: ${error.message}`);
      resolve(1);
    });
  });
  for (const line of skippedSuites({ env: process.env, exists: existsSync })) console.log(line);
  return code;
}

if (fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await run(process.argv.slice(2));

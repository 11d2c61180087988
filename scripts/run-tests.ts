/**
 * `npm test`: the three tiers in one run of node:test, timed, then one line for each group of tests that
 * skipped itself here, which node:test's summary alone does not tell apart from a pass.
 *   npm test                                   # unit, int, e2e
 *   npm run test:unit                          # one tier (also test:int, test:e2e)
 *   npm test -- int --test-name-pattern=CSV    # a tier's tests by name; other flags go to node too
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { SERVICE_BUILT } from '../test/support/service-command.ts';

// The unit tier, the contracts and the HTTP tests are one process each (test/_tiers/); end-to-end tests,
// which start processes and browsers, keep one per file. Node 20 starts the files sorted by path, whatever
// the order given: the underscore puts the tiers' two longest processes first, not at the end as a tail.
export const TIERS: Readonly<Record<string, (cwd: string) => string[]>> = {
  unit: () => ['test/_tiers/unit.ts'],
  int: () => ['test/_tiers/contracts.ts', 'test/_tiers/http.ts'],
  e2e: (cwd) => ['test/e2e', 'test/browser'].flatMap((folder) => testFilesIn(cwd, folder)),
};

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

/** The tiers named in the arguments (all when none is), and the rest of the arguments, for node. */
export function parseArguments(args: readonly string[]): { tiers: string[]; nodeArgs: string[] } {
  const tiers = args.filter((arg) => arg in TIERS);
  return { tiers: tiers.length > 0 ? tiers : Object.keys(TIERS), nodeArgs: args.filter((arg) => !(arg in TIERS)) };
}

function testFilesIn(cwd: string, folder: string): string[] {
  if (!existsSync(join(cwd, folder))) return [];
  return readdirSync(join(cwd, folder))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `${folder}/${name}`);
}

const runNode = (args: string[]) => runChild(process.execPath, args);
const runNpm = (args: string[]) => runChild('npm', args);

function runChild(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { stdio: 'inherit' });
  // Whoever stops `npm test` stops the run too, and still hears what was skipped.
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', stop).on('SIGTERM', stop);
  return new Promise<number>((resolve) => {
    child.on('exit', (exitCode) => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve(exitCode ?? 1);
    });
    child.on('error', (error) => {
      console.error(`npm test: cannot run ${command}: ${error.message}`);
      resolve(1);
    });
  });
}

async function run(args: readonly string[]): Promise<number> {
  const { tiers, nodeArgs } = parseArguments(args);
  const files = tiers.flatMap((tier) => TIERS[tier]!(process.cwd()));
  const started = performance.now();
  // The end-to-end tests start the built service (test/support/service-command.ts). Built here, once, so that
  // two test processes starting together never run tsc over the same dist/ at once; c8 has them use tsx.
  const buildsService = tiers.includes('e2e') && existsSync('tsconfig.build.json') && !process.env.NODE_V8_COVERAGE;
  if (buildsService && (await runNpm(['run', 'build', '--silent'])) !== 0) {
    console.log('npm test: npm run build failed, so the end-to-end tests cannot start the service');
    return 1;
  }
  if (buildsService) process.env[SERVICE_BUILT] = '1';
  // Two at a time on this 2-core machine: a browser test mostly waits while the contracts compute.
  const code = await runNode(['--import', 'tsx', '--test', '--test-concurrency=2', ...nodeArgs, ...files]);
  console.log(`npm test: ${tiers.join(', ')} in ${((performance.now() - started) / 1000).toFixed(0)} s${code === 0 ? '' : ' (failed)'}`);
  for (const line of skippedSuites({ env: process.env, exists: existsSync })) console.log(line);
  return code;
}

if (fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await run(process.argv.slice(2));

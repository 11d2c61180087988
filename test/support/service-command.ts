import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isDeno = 'Deno' in globalThis;
// c8 (npm run test:coverage) merges a file's coverage from every process by source location, and tsc's
// output mapped back does not land on tsx's locations: tried, branches counted 4,858 instead of 4,430 and
// functions 1,582 instead of 1,236. Under coverage, processes load the sources as the tests do.
const measuringCoverage = Boolean(process.env.NODE_V8_COVERAGE);
/** Set by `npm test` once it has built dist/: its test processes need not build again. */
export const SERVICE_BUILT = 'MEIDUO_TEST_SERVICE_BUILT';
let built = Boolean(process.env[SERVICE_BUILT]);

/**
 * The arguments, after the runtime's own executable, that start one of the service's processes
 * (`src/main.ts`, `src/cli/orders-cli.ts`, …) as its users do. Under Node that is the JavaScript
 * `npm start` and the npm CLIs run, built from the sources once per test process (0.3 s when nothing
 * changed), which starts a process about a second sooner than TypeScript through tsx. Under Deno it is
 * the source itself, as `npm run start:deno`.
 */
export function serviceCommand(source: string): string[] {
  if (isDeno) return ['run', '--allow-all', source];
  if (measuringCoverage) return ['--import', 'tsx', source];
  if (!built) build();
  return [source.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')];
}

function build(): void {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed, so no process can start:\n${result.stdout}${result.stderr}`);
  built = true;
}

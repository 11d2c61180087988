import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freshEnv, migratedEnv } from '../support/fresh-env.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isDeno = 'Deno' in globalThis;
const command = isDeno ? ['run', '--allow-all', 'src/cli/orders-cli.ts'] : ['--import', 'tsx', 'src/cli/orders-cli.ts'];

/** `npm run orders -- …` without the build, on a fresh PGlite directory of its own. */
function orders(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [...command, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', ...env },
    encoding: 'utf8',
  });
}

// The amount rule itself is test/unit/order-amount.test.ts; here, what the process does with it.
describe('npm run orders -- create', () => {
  it('places an UNPAID Alipay order in the PGlite directory, its id alone on stdout', async () => {
    const env = await migratedEnv();
    const run = orders(['create', '--amount', '3798.5'], env);
    assert.equal(run.status, 0, run.stderr);
    const orderId = run.stdout.trim();
    assert.match(orderId, /^[0-9]{23}$/);
    assert.equal(run.stderr, `placed UNPAID Alipay order ${orderId} for ¥3798.50 in PGlite in ${env.DATA_DIR}\n`);
  });

  it('refuses a bad amount with exit 2 and one line, before any database is opened', () => {
    // A directory that cannot be opened: a refused amount must never reach the database.
    const run = orders(['create', '--amount', '88.001'], freshEnv({ DATA_DIR: '/dev/null/pglite' }));
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /^orders: --amount must be yuan from 0\.01 to 99999999\.99 with at most two decimals, such as 88\.00 \(got "88\.001"\)\n$/,
    );
  });
});

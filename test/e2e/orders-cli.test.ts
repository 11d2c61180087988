import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { freshEnv, migratedEnv } from '../support/fresh-env.ts';

const orders = (args: string[], env: Record<string, string>) => runCli('orders', args, env);

// The amount rule itself is test/unit/order-amount.test.ts; here, what the process does with it.
describe('npm run orders -- create', () => {
  it('places an UNPAID Alipay order in the PGlite directory, its id alone on stdout', async () => {
    const env = await migratedEnv();
    const run = await orders(['create', '--amount', '3798.5'], env);
    assert.equal(run.status, 0, run.stderr);
    const orderId = run.stdout.trim();
    assert.match(orderId, /^[0-9]{23}$/);
    assert.equal(run.stderr, `placed UNPAID Alipay order ${orderId} for ¥3798.50 in PGlite in ${env.DATA_DIR}\n`);
  });

  it('refuses a bad amount with exit 2 and one line, before any database is opened', async () => {
    // A directory that cannot be opened: a refused amount must never reach the database.
    const run = await orders(['create', '--amount', '88.001'], freshEnv({ DATA_DIR: '/dev/null/pglite' }));
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /^orders: --amount must be yuan from 0\.01 to 99999999\.99 with at most two decimals, such as 88\.00 \(got "88\.001"\)\n$/,
    );
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freshEnv } from '../support/fresh-env.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isDeno = 'Deno' in globalThis;
const command = isDeno ? ['run', '--allow-all', 'src/cli/orders-cli.ts'] : ['--import', 'tsx', 'src/cli/orders-cli.ts'];

/** `npm run orders -- …` without the build, on a fresh PGlite directory of its own. */
function orders(args: string[], env: Record<string, string> = freshEnv()) {
  return spawnSync(process.execPath, [...command, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', ...env },
    encoding: 'utf8',
  });
}

describe('npm run orders -- create', () => {
  it('places an order and prints its amount with two decimals', () => {
    const env = freshEnv();
    for (const [amount, shown] of [
      ['88', '88.00'],
      ['0.01', '0.01'],
      ['3798.5', '3798.50'],
      ['99999999.99', '99999999.99'],
    ]) {
      const run = orders(['create', '--amount', amount!], env);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout.trim(), /^[0-9]{23}$/, 'the order id alone on stdout');
      assert.ok(run.stderr.includes(`for ¥${shown} `), run.stderr);
    }
  });

  it('refuses amounts under 0.01, non-numbers, more than two decimals and absurd sizes, in one line', () => {
    // A directory that cannot be opened: a refused amount must never reach the database.
    const env = freshEnv({ DATA_DIR: '/dev/null/pglite' });
    for (const amount of [
      '0',
      '0.00',
      '0.001',
      '-1',
      '-0.01',
      'abc',
      '',
      '1e3',
      '88.123',
      '１００',
      '100000000',
      '9'.repeat(400),
      'NaN',
      ' 88',
    ]) {
      const run = orders(['create', '--amount', amount], env);
      assert.equal(run.status, 2, `--amount ${JSON.stringify(amount)}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, /^orders: --amount must be yuan from 0\.01 to 99999999\.99 with at most two decimals, such as 88\.00 \(got /);
      assert.ok(lines[0]!.length < 200, 'the input is shortened');
    }
  });
});

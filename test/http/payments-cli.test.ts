import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import process from 'node:process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { startServer } from '../../src/server.ts';
import { APP_ID, createTestAlipay, newOrderId, returnParams, SELLER_ID } from '../support/alipay-signer.ts';
import { freshEnv } from '../support/fresh-env.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isDeno = 'Deno' in globalThis;
const alipay = createTestAlipay();
const misconfigured = createTestAlipay();

/** `npm run payments -- …` without the build: the CLI's source, on Node, in `env`. */
function payments(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/payments-cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', ...env },
    encoding: 'utf8',
  });
}
function paymentsAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/payments-cli.ts', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: '', ...env }, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}
const lastLine = (stdout: string) => stdout.trimEnd().split('\n').at(-1) ?? '';

describe('npm run payments -- replay', { skip: isDeno && 'spawns the Node CLI' }, () => {
  it('recovers a return refused under a wrong Alipay key once the key is fixed, and records nothing on a second run', async () => {
    const env = freshEnv({
      ALIPAY_GATEWAY: 'https://openapi.alipay.com/gateway.do',
      ALIPAY_APP_ID: APP_ID,
      ALIPAY_SELLER_ID: SELLER_ID,
      ALIPAY_PUBLIC_KEY: misconfigured.publicKeyPem,
      ADMIN_PASSWORD: 'not-used-by-this-test',
    });
    const orderId = newOrderId();
    const server = await startServer(loadConfig(env), pino({ level: 'silent' }));
    try {
      await server.database.knex('tb_order_info').insert({ order_id: orderId, total_amount: '88.00', pay_method: 2, status: 1 });
      const refused = await fetch(`${server.url}/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.00', 'TRADE_CLI1'))}`);
      assert.equal(refused.status, 403);
    } finally {
      await server.close();
    }

    const fixed = { ...env, ALIPAY_PUBLIC_KEY: alipay.publicKeyPem };
    const first = payments(['replay', '--json'], fixed);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(JSON.parse(lastLine(first.stdout)), { examined: 1, recovered: 1, still_refused: 0 });

    const database = openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR! });
    try {
      const rows = await database.knex('tb_payment').where({ order_id: orderId }).select('trade_id', 'source', 'state');
      assert.deepEqual(rows, [{ trade_id: 'TRADE_CLI1', source: 'return', state: 'applied' }]);
      const [mark] = await database.knex('tb_payment_rejection').select('replay_outcome');
      assert.equal(mark.replay_outcome, 'recovered');
    } finally {
      await database.close();
    }

    const second = payments(['replay', '--json'], fixed);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(JSON.parse(lastLine(second.stdout)), { examined: 0, recovered: 0, still_refused: 0 });
    const human = payments(['replay', '--since', '2026-01-01T00:00:00+08:00'], fixed);
    assert.equal(human.status, 0, human.stderr);
    assert.equal(human.stdout, 'payments: replay done, examined 0: 0 recovered, 0 still refused\n');
  });

  it('exits 2 with the usage line or the bad value, and touches nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^usage: npm run payments -- replay \[--since ISO-TIME\] \[--id N\] \[--json\]$/m],
      [['replay', '--all'], /^usage: npm run payments/m],
      [['replay', '--since', 'yesterday'], /--since must be an ISO time with its zone.*"yesterday"/],
      [['replay', '--since', '2026-02-31T00:00:00Z'], /--since must be an ISO time.*"2026-02-31T00:00:00Z"/],
      [['replay', '--since', '2026-11-26T08:00:00'], /--since must be an ISO time with its zone/],
      [['replay', '--id', 'x'], /--id must be the number of a rejection.*"x"/],
    ];
    // Concurrently: each start of the CLI under tsx takes seconds.
    await Promise.all(
      cases.map(async ([args, expected]) => {
        const run = await paymentsAsync(args, freshEnv());
        assert.equal(run.status, 2, `${JSON.stringify(args)}: ${run.stderr}`);
        assert.match(run.stderr, expected, JSON.stringify(args));
        assert.equal(run.stdout, '');
      }),
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { startServer } from '../../src/bootstrap/server.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';
import { APP_ID, createTestAlipay, newOrderId, returnParams, SELLER_ID } from '../support/alipay-signer.ts';
import { lastLine, runCli } from '../support/cli.ts';
import { FakeAlipayGateway, paidAnswer } from '../support/fake-alipay-gateway.ts';
import { freshEnv, migratedEnv } from '../support/fresh-env.ts';

const isDeno = 'Deno' in globalThis;
const alipay = createTestAlipay();
const misconfigured = createTestAlipay();

const payments = (args: string[], env: Record<string, string>) => runCli('payments', args, env);

describe('npm run payments -- replay', { skip: isDeno && 'spawns the Node CLI' }, () => {
  it('recovers a return refused under a wrong Alipay key once the key is fixed, and records nothing on a second run', async () => {
    const env = await migratedEnv({
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
    const first = await payments(['replay', '--json'], fixed);
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

    const second = await payments(['replay', '--json'], fixed);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(JSON.parse(lastLine(second.stdout)), { examined: 0, recovered: 0, still_refused: 0 });
    const human = await payments(['replay', '--since', '2026-01-01T00:00:00+08:00'], fixed);
    assert.equal(human.status, 0, human.stderr);
    assert.equal(human.stdout, 'payments: replay done, examined 0: 0 recovered, 0 still refused\n');
  });

  // Each rule of the command line is test/unit/cli-commands.test.ts; here, what the process does with one.
  it('exits 2 with the bad value in one line, and touches nothing', async () => {
    const run = await payments(['replay', '--since', 'yesterday'], freshEnv({ DATA_DIR: '/dev/null/pglite' }));
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^payments: --since must be an ISO time with its zone, such as .* \(got "yesterday"\)\n$/);
    assert.equal(run.stdout, '');
  });
});

describe('npm run payments -- query ORDER_ID', { skip: isDeno && 'spawns the Node CLI' }, () => {
  let gateway: FakeAlipayGateway;
  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, misconfigured.publicKeyPem);
  });
  after(() => gateway.close());

  async function shopWithOrder(env: Record<string, string>, amount = '88.80'): Promise<string> {
    const orderId = newOrderId();
    const database = openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR! });
    try {
      await migrate(database.knex);
      await database.knex('tb_order_info').insert({ order_id: orderId, total_amount: amount, pay_method: 2, status: 1 });
    } finally {
      await database.close();
    }
    return orderId;
  }
  const envFor = () =>
    migratedEnv({ ALIPAY_GATEWAY: gateway.url, ALIPAY_APP_ID: APP_ID, ALIPAY_PUBLIC_KEY: alipay.publicKeyPem, ALIPAY_HTTP_TIMEOUT: '5s' });

  it('asks Alipay now, prints its answer in one block and records the payment it reports, as the schedule would', async () => {
    const env = await envFor();
    const orderId = await shopWithOrder(env);
    gateway.answer = (call) => ({ body: gateway.signedQueryAnswer(paidAnswer(call.outTradeNo, '88.80', 'TRADE_BY_CLI')) });
    const run = await payments(['query', orderId], env);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^payments: asked Alipay about order ${orderId}\n`));
    assert.match(run.stdout, /outcome +paid\n/);
    assert.match(run.stdout, /result +payment recorded \(source query\), trade TRADE_BY_CLI/);
    assert.match(run.stdout, /trade_status +TRADE_SUCCESS/);
    const database = openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR! });
    try {
      assert.deepEqual(await database.knex('tb_payment').where({ order_id: orderId }).select('trade_id', 'source'), [
        { trade_id: 'TRADE_BY_CLI', source: 'query' },
      ]);
      const [order] = await database.knex('tb_order_info').where({ order_id: orderId }).select('status');
      assert.equal(order.status, 4);
    } finally {
      await database.close();
    }
    const again = await payments(['query', orderId, '--json'], env);
    assert.equal(again.status, 0, again.stderr);
    const answer = JSON.parse(lastLine(again.stdout));
    assert.deepEqual(answer.payment, { trade_no: 'TRADE_BY_CLI', result: 'duplicate' });
    assert.equal(answer.answer.total_amount, '88.80');
  });

  it('exits 1 with one line saying why when there is no answer to rely on', async () => {
    const env = await envFor();
    const orderId = await shopWithOrder(env);
    gateway.answer = () => ({ body: '{"alipay_trade_query_response":{"code":"40002","sub_code":"isv.invalid-signature"}}' });
    const run = await payments(['query', orderId], env);
    assert.equal(run.status, 1);
    const lines = run.stderr
      .trimEnd()
      .split('\n')
      .filter((line) => line.startsWith('payments:'));
    assert.deepEqual(lines, [
      `payments: Alipay gave no answer to rely on for order ${orderId}: Alipay answered without a signature: 40002 isv.invalid-signature`,
    ]);
  });
});

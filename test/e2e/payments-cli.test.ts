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
import { exitsBeforeListening, START_TIMEOUT_MS, startMain } from '../support/main-process.ts';

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

describe('npm run payments -- refund ORDER_ID', { skip: isDeno && 'spawns the Node CLI', timeout: START_TIMEOUT_MS * 2 }, () => {
  let gateway: FakeAlipayGateway;
  /** What Alipay answers alipay.trade.refund with; the trade query always says the order is paid. */
  let refundAnswer: (biz: Record<string, string>) => Record<string, string>;
  const refundCalls = () => gateway.calls.filter((call) => call.params.method === 'alipay.trade.refund');
  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, misconfigured.publicKeyPem);
    gateway.answer = (call) => {
      if (call.params.method === 'alipay.trade.query') {
        return { body: gateway.signedQueryAnswer(paidAnswer(call.outTradeNo, '88.80', `T${call.outTradeNo.slice(-12)}`)) };
      }
      return { body: gateway.signedAnswer('alipay_trade_refund_response', refundAnswer(JSON.parse(call.params.biz_content ?? '{}'))) };
    };
  });
  after(() => gateway.close());
  const refunded = (biz: Record<string, string>) => ({
    code: '10000',
    msg: 'Success',
    fund_change: 'Y',
    out_trade_no: biz.out_trade_no!,
    trade_no: biz.trade_no!,
    refund_fee: biz.refund_amount!,
    gmt_refund_pay: '2026-11-26 10:05:00',
  });

  /** An Alipay order paid 88.80, the payment recorded by asking Alipay about it. */
  async function paidOrder(env: Record<string, string>): Promise<{ orderId: string; tradeNo: string }> {
    const orderId = newOrderId();
    const database = openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR! });
    try {
      await database.knex('tb_order_info').insert({ order_id: orderId, total_amount: '88.80', pay_method: 2, status: 1 });
    } finally {
      await database.close();
    }
    const queried = await payments(['query', orderId], env);
    assert.equal(queried.status, 0, queried.stderr);
    return { orderId, tradeNo: `T${orderId.slice(-12)}` };
  }
  const envFor = () =>
    migratedEnv({ ALIPAY_GATEWAY: gateway.url, ALIPAY_APP_ID: APP_ID, ALIPAY_PUBLIC_KEY: alipay.publicKeyPem, ALIPAY_HTTP_TIMEOUT: '5s' });
  const paymentLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('payments:'));

  it('refunds in part, then the rest, printing the JSON line; exit 2 once nothing remains, and for an unknown order', async () => {
    const env = await envFor();
    const { orderId, tradeNo } = await paidOrder(env);
    refundAnswer = refunded;
    const part = await payments(['refund', orderId, '--amount', '10', '--reason', '缺少一件商品', '--json'], env);
    assert.equal(part.status, 0, part.stderr);
    const first = JSON.parse(lastLine(part.stdout));
    assert.match(first.out_request_no, /^RF\d{14}[0-9a-f]{20}$/);
    assert.deepEqual(
      { ...first, out_request_no: '' },
      {
        order_id: orderId,
        trade_no: tradeNo,
        out_request_no: '',
        amount: '10.00',
        status: 'refunded',
        refunded_total: '10.00',
        reason: '缺少一件商品',
      },
    );
    const rest = await payments(['refund', orderId, '--reason', '顾客取消订单'], env);
    assert.equal(rest.status, 0, rest.stderr);
    assert.match(rest.stdout, new RegExp(`^payments: refund of order ${orderId}\n`));
    assert.match(rest.stdout, /\n {2}status +refunded: Alipay confirmed the money went back\n/);
    assert.match(rest.stdout, /\n {2}amount +78\.80\n/);
    assert.match(rest.stdout, /\n {2}refunded_total +88\.80\n/);
    assert.match(rest.stdout, /\n {2}remaining +0\.00\n/);

    const database = openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR! });
    try {
      const [order] = await database.knex('tb_order_info').where({ order_id: orderId }).select('status');
      assert.equal(order.status, 6, 'refunded in full: cancelled');
      const audit = await database.knex('tb_admin_audit').where({ action: 'refund' }).select('actor');
      assert.equal(audit.length, 2);
      assert.match(audit[0].actor, /^cli:./);
    } finally {
      await database.close();
    }

    const calls = refundCalls().length;
    const nothing = await payments(['refund', orderId, '--reason', '再退一次', '--json'], env);
    assert.equal(nothing.status, 2);
    assert.equal(nothing.stdout, '');
    assert.deepEqual(paymentLines(nothing.stderr), [
      `payments: cannot refund order ${orderId}: nothing of this payment is left to refund; nothing to do (a refund still pending is settled by the server, see the order's timeline)`,
    ]);
    const unknown = await payments(['refund', newOrderId(), '--reason', 'r'], env);
    assert.equal(unknown.status, 2);
    assert.match(
      paymentLines(unknown.stderr).join('\n'),
      /^payments: cannot refund order \d+: there is no such order: check the order id$/,
    );
    assert.equal(refundCalls().length, calls, 'Alipay was not asked');
  });

  it('exits 2 for more than remains, saying the most it may ask for; exit 1 when Alipay refuses, the JSON line saying so', async () => {
    const env = await envFor();
    const { orderId } = await paidOrder(env);
    const calls = refundCalls().length;
    const tooMuch = await payments(['refund', orderId, '--amount', '100', '--reason', 'r'], env);
    assert.equal(tooMuch.status, 2);
    assert.deepEqual(paymentLines(tooMuch.stderr), [
      `payments: cannot refund order ${orderId}: 100.00 is more than the 88.80 left to refund: ask for at most 88.80 with --amount 88.80, or leave --amount out to refund all that remains`,
    ]);
    assert.equal(refundCalls().length, calls);

    refundAnswer = () => ({ code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_ALLOW_REFUND', sub_msg: '交易状态不允许退款' });
    const refused = await payments(['refund', orderId, '--reason', '顾客取消', '--json'], env);
    assert.equal(refused.status, 1);
    const answer = JSON.parse(lastLine(refused.stdout));
    assert.equal(answer.status, 'refused');
    assert.equal(answer.refunded_total, '0.00');
    assert.deepEqual(paymentLines(refused.stderr), [
      'payments: Alipay refused the refund (ACQ.TRADE_NOT_ALLOW_REFUND: 交易状态不允许退款); nothing was refunded and the amount is still refundable: fix the cause, then run the refund again',
    ]);
  });

  it('refunds inside a running server on PGlite, through its control endpoint', async () => {
    const env = await envFor();
    const orderId = newOrderId();
    const database = openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR! });
    try {
      await database.knex('tb_order_info').insert({ order_id: orderId, total_amount: '88.80', pay_method: 2, status: 1 });
    } finally {
      await database.close();
    }
    const server = startMain({ ...env, ADMIN_PASSWORD: 'not-used-by-this-test', ALIPAY_QUERY_SCHEDULE: 'off' });
    try {
      assert.equal(await exitsBeforeListening(server), false, server.stderr());
      assert.equal((await payments(['query', orderId], env)).status, 0);
      refundAnswer = refunded;
      const run = await payments(['refund', orderId, '--amount', '8.80', '--reason', '运费退回', '--json'], env);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /^payments: running inside the server \(process \d+\) that holds /);
      const answer = JSON.parse(lastLine(run.stdout));
      assert.deepEqual([answer.status, answer.amount, answer.refunded_total], ['refunded', '8.80', '8.80']);
    } finally {
      await server.stop();
    }
  });
});

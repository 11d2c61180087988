import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { startServer } from '../../src/bootstrap/server.ts';
import { beijingMidnight, beijingTimestamp } from '../../src/domain/beijing-time.ts';
import { Money } from '../../src/domain/money.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { KnexRefundStore } from '../../src/infrastructure/persistence/knex-refund-store.ts';
import { APP_ID, createTestAlipay } from '../support/alipay-signer.ts';
import { lastLine, runCli } from '../support/cli.ts';
import { wallClock } from '../support/clock.ts';
import { FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';
import { freshEnv, migratedEnv } from '../support/fresh-env.ts';

const isDeno = 'Deno' in globalThis;
// The CLI is a process of its own on the machine's clock: its today is the machine's.
const today = () => beijingTimestamp(wallClock.now()).slice(0, 10);

const reconcile = (args: string[], env: Record<string, string>) => runCli('reconcile', args, env);

describe('npm run reconcile', { skip: isDeno && 'spawns the Node CLI' }, () => {
  it('reconciles today offline against the sandbox’s bill: paid orders match, one paid at Alipay but never told is repaired', async () => {
    const env = await migratedEnv({ ADMIN_PASSWORD: 'not-used-by-this-test', ALIPAY_QUERY_SCHEDULE: 'off' });
    const server = await startServer(loadConfig(env), pino({ level: 'silent' }));
    let silent = '';
    try {
      const orders: string[] = (await server.database.knex('tb_order_info').where({ status: 1 }).select('order_id')).map(
        (row) => row.order_id,
      );
      assert.equal(orders.length, 3);
      for (const [index, orderId] of orders.entries()) {
        const { alipay_url: payUrl } = await (await fetch(`${server.url}/payment/${orderId}/`)).json();
        const action = index === 2 ? 'pay-silently' : 'pay';
        const paid = await fetch(`${server.url}/sandbox/pay`, {
          method: 'POST',
          body: new URLSearchParams({ request: new URL(payUrl).search.slice(1), action }),
          redirect: 'manual',
        });
        if (action === 'pay') assert.equal((await fetch(paid.headers.get('location')!)).status, 200);
        else silent = orderId;
      }
    } finally {
      await server.close();
    }
    const run = await reconcile(['--date', today(), '--json'], env);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(lastLine(run.stdout));
    assert.equal(result.date, today());
    assert.equal(result.status, 'done');
    assert.equal(result.counts.matched, 2);
    assert.equal(result.counts.repaired, 1);
    assert.equal(result.counts.missing_in_bill + result.counts.amount_mismatch + result.counts.unknown_order, 0);
    assert.deepEqual(
      result.items.map((entry: { kind: string; order_id: string }) => [entry.kind, entry.order_id]),
      [['repaired', silent]],
    );
    assert.match(run.stderr, /reconcile: \d{4}-\d{2}-\d{2}: 3 bill rows read, 3 classified/);

    const again = await reconcile(['--date', today()], env);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^reconcile: \d{4}-\d{2}-\d{2} done: matched 3, repaired 0,/m);
    assert.match(again.stdout, /no discrepancies/);
  });

  it('counts the bill’s refunds in --json: one made in Alipay’s portal is unknown, one of ours the bill lacks is missing', async () => {
    const env = await migratedEnv({ ADMIN_PASSWORD: 'not-used-by-this-test', ALIPAY_QUERY_SCHEDULE: 'off' });
    const server = await startServer(loadConfig(env), pino({ level: 'silent' }));
    const tradeNos: string[] = [];
    try {
      const orders: string[] = (await server.database.knex('tb_order_info').where({ status: 1 }).select('order_id')).map(
        (row) => row.order_id,
      );
      for (const orderId of orders.slice(0, 2)) {
        const { alipay_url: payUrl } = await (await fetch(`${server.url}/payment/${orderId}/`)).json();
        const paid = await fetch(`${server.url}/sandbox/pay`, {
          method: 'POST',
          body: new URLSearchParams({ request: new URL(payUrl).search.slice(1), action: 'pay' }),
          redirect: 'manual',
        });
        assert.equal((await fetch(paid.headers.get('location')!)).status, 200);
        tradeNos.push((await server.database.knex('tb_payment').where({ order_id: orderId }).first('trade_id')).trade_id);
      }
      // Refunded in full in Alipay's portal, and never notified: only the bill tells.
      const changed = await fetch(`${server.url}/sandbox/bills`, {
        method: 'POST',
        body: new URLSearchParams({ action: 'refund', trade_no: tradeNos[0]!, date: today() }),
        redirect: 'manual',
      });
      assert.equal(changed.status, 302, await changed.text());
      // A refund we hold as refunded early today, which the sandbox never made.
      const early = new Date(beijingMidnight(today()).getTime() + 3_600_000);
      const recorded = await new KnexRefundStore(server.database.knex).recordExternal({
        outRequestNo: 'NOT-IN-THE-BILL',
        tradeNo: tradeNos[1]!,
        cumulative: Money.parse('1.00'),
        refundedAt: early,
        learntAt: early,
      });
      assert.equal(recorded.outcome, 'recorded');
    } finally {
      await server.close();
    }
    const run = await reconcile(['--date', today(), '--json'], env);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(lastLine(run.stdout));
    assert.deepEqual(
      [result.counts.matched, result.counts.refund_matched, result.counts.refund_amount_mismatch, result.counts.refund_status_mismatch],
      [2, 0, 0, 0],
    );
    assert.deepEqual([result.counts.refund_unknown, result.counts.refund_missing_in_bill, result.counts.refund], [1, 1, undefined]);
    type Entry = { kind: string; trade_no: string; out_request_no?: string; local_amount: string | null; bill_amount: string | null };
    const byKind = Object.fromEntries((result.items as Entry[]).map((entry) => [entry.kind, entry]));
    const { refund_missing_in_bill: missing, refund_unknown: unknown } = byKind;
    assert.deepEqual(
      [missing?.trade_no, missing?.local_amount, missing?.bill_amount, missing?.out_request_no],
      [tradeNos[1], '-1.00', null, 'NOT-IN-THE-BILL'],
    );
    assert.deepEqual([unknown?.trade_no, unknown?.local_amount], [tradeNos[0], null]);
    assert.match(unknown?.bill_amount ?? '', /^-\d+\.\d{2}$/);
    assert.match(unknown?.out_request_no ?? '', /^RF\d+/, 'the sandbox’s own 退款批次号');
  });

  describe('against a gateway whose bill is not out yet', () => {
    const alipay = createTestAlipay();
    let gateway: FakeAlipayGateway;
    before(async () => {
      gateway = await FakeAlipayGateway.start(alipay.privateKey, alipay.publicKeyPem);
      gateway.answer = () => ({ body: gateway.billNotOutYet() });
    });
    after(() => gateway.close());

    it('exits 3 with one line saying when Alipay publishes it', async () => {
      const env = await migratedEnv({ ALIPAY_GATEWAY: gateway.url, ALIPAY_APP_ID: APP_ID, ALIPAY_PUBLIC_KEY: alipay.publicKeyPem });
      const run = await reconcile([], env);
      assert.equal(run.status, 3, run.stderr);
      const lines = run.stderr
        .trimEnd()
        .split('\n')
        .filter((line) => line.startsWith('reconcile:'));
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /^reconcile: the bill for \d{4}-\d{2}-\d{2} is not ready yet; Alipay publishes it the next morning/);
      assert.equal(run.stdout, '');
    });
  });

  // Each rule of the command line is test/unit/cli-commands.test.ts; here, what the process does with one.
  it('exits 2 with one line for a bad date, and touches nothing', async () => {
    const run = await reconcile(['--date', '2026-02-31'], freshEnv({ DATA_DIR: '/dev/null/pglite' }));
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^reconcile: --date must be a day such as \d{4}-\d{2}-\d{2} \(got "2026-02-31"\)\n$/);
    assert.equal(run.stdout, '');
  });
});

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { RefundStore } from '../../src/application/ports/refund-store.ts';
import { RefundAtAlipay } from '../../src/application/refund-at-alipay.ts';
import { RefundPayment } from '../../src/application/refund-payment.ts';
import { TOKENS } from '../../src/application/tokens.ts';
import { type BuiltApp, buildApp } from '../../src/bootstrap/build-app.ts';
import { Money } from '../../src/domain/money.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { createHttpServer } from '../../src/interfaces/http/http-server.ts';
import { SANDBOX_GATEWAY_PATH } from '../../src/sandbox/sandbox-alipay.ts';
import { APP_ID, newOrderId, SELLER_ID } from '../support/alipay-signer.ts';
import { appPrivateKey, appPublicKeyPem } from '../support/app-keys.ts';
import { steadyClock } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { seedOrder } from '../support/test-app.ts';

// The sandbox's stand-in for Alipay's key pair, made at run time.
const alipayKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const OPERATOR = { actor: 'admin', remoteAddress: '127.0.0.1' };

for (const harness of databaseHarnesses) describeRefundLoop(harness);

function describeRefundLoop(harness: { name: string; open(): Promise<TestDatabase> }): void {
  describe(`our refund adapter and RefundAtAlipay settle against the running sandbox (${harness.name})`, () => {
    let database: TestDatabase;
    let server: Server;
    let url: string;
    let built: BuiltApp;

    before(async () => {
      database = await harness.open();
      server = createHttpServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
      const gatewayUrl = `${url}${SANDBOX_GATEWAY_PATH}`;
      // Wired as `npm start` wires ALIPAY_GATEWAY=sandbox: every Alipay call goes to the sandbox in this server.
      built = buildApp({
        knex: database.knex,
        logger,
        alipayPublicKey: parseAlipayPublicKey(alipayKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
        signType: 'RSA2',
        settings: { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT },
        appPrivateKey,
        pay: {
          appId: APP_ID,
          gatewayUrl,
          returnUrl: `${url}/payment/status/`,
          notifyUrl: `${url}/payment/notify/`,
          quitUrl: null,
          payTimeoutMs: 30 * 60_000,
        },
        // Short: the fault below holds the refund call until this runs out.
        openApi: { appId: APP_ID, gatewayUrl, timeoutMs: 1_000 },
        admin: { user: 'admin', password: 'test-admin-secret' },
        rejections: { maxRows: 1_000, maxAgeDays: 90 },
        shopUrl: null,
        clock: steadyClock(),
        sandbox: {
          appId: APP_ID,
          sellerId: SELLER_ID,
          signType: 'RSA2',
          alipayPrivateKeyPem: alipayKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          appPublicKeyPem,
          logger,
          knex: database.knex,
        },
      });
      server.on('request', built.app.callback());
    });
    after(async () => {
      built?.sandbox?.close();
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await database?.close();
    });

    /** Until `done`, checking every 20 ms for up to 5 s. */
    async function until(what: string, done: () => Promise<boolean> | boolean): Promise<void> {
      for (let i = 0; i < 250; i++) {
        if (await done()) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.fail(`waited in vain: ${what}`);
    }

    /** The order paid at the sandbox's cashier (确认付款), its notify acknowledged by our service. */
    async function paidOrder(amount: string): Promise<{ orderId: string; tradeNo: string }> {
      const orderId = newOrderId();
      await seedOrder(database.knex, orderId, amount);
      const { alipay_url } = (await (await fetch(`${url}/payment/${orderId}/?channel=page`)).json()) as { alipay_url: string };
      const paid = await fetch(`${url}/sandbox/pay`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ request: new URL(alipay_url).search.slice(1), action: 'pay' }),
        redirect: 'manual',
      });
      assert.equal(paid.status, 302);
      const tradeNo = new URL(paid.headers.get('location')!).searchParams.get('trade_no')!;
      await until('the payment notify acknowledged', () => deliveries(tradeNo).some((d) => d.delivered));
      return { orderId, tradeNo };
    }

    const deliveries = (tradeNo: string) => built.sandbox!.notifier.deliveries.filter((d) => d.tradeNo === tradeNo);
    const sandboxRefundsOf = async (tradeNo: string) =>
      (await built.sandbox!.refunds.recent(100)).filter((refund) => refund.tradeNo === tradeNo && !refund.billOnly);

    it('refunds in part and in full through alipay.trade.refund: settled on the signed answer, the notifies acknowledged, the order cancelled at the end', async () => {
      const { orderId, tradeNo } = await paidOrder('88.80');
      const refundPayment = built.container.get(RefundPayment);
      const part = await refundPayment.execute({ ...OPERATOR, orderId, amount: Money.parse('30.00'), reason: '缺货退款' });
      assert.equal(part.status, 'refunded', part.note);
      assert.equal(part.refundedTotal.toString(), '30.00');
      assert.equal(part.remaining.toString(), '58.80');
      await until('the partial refund notify acknowledged', () => deliveries(tradeNo).filter((d) => d.delivered).length === 2);

      const rest = await refundPayment.execute({ ...OPERATOR, orderId, reason: '取消订单' });
      assert.equal(rest.status, 'refunded', rest.note);
      assert.equal(rest.amount.toString(), '58.80', 'what remained');
      assert.equal(rest.refundedTotal.toString(), '88.80');
      await until('the full refund notify acknowledged', () => deliveries(tradeNo).filter((d) => d.delivered).length === 3);

      const order = await database.knex('tb_order_info').where({ order_id: orderId }).first();
      assert.equal(Number(order.status), OrderStatus.CANCELED);
      assert.deepEqual(
        (await sandboxRefundsOf(tradeNo)).map((refund) => refund.amount).sort(),
        ['30.00', '58.80'],
        'Alipay carried out each refund once',
      );
      assert.equal((await built.sandbox!.trades.findByOutTradeNo(APP_ID, orderId))?.tradeStatus, 'TRADE_CLOSED');
      const ours = await built.container.get<RefundStore>(TOKENS.RefundStore).forTrade(tradeNo);
      assert.deepEqual(
        ours.map((refund) => [refund.status, refund.origin]),
        [
          ['refunded', 'ours'],
          ['refunded', 'ours'],
        ],
        'the notifies settled nothing twice and recorded no external refund',
      );
    });

    it('settles, by the refund query, a refund Alipay carried out but never answered, and carries it out once', async () => {
      const { orderId, tradeNo } = await paidOrder('20.00');
      await built.sandbox!.refundFault.arm('hang');
      const lost = await built.container
        .get(RefundPayment)
        .execute({ ...OPERATOR, orderId, amount: Money.parse('5.00'), reason: '少发一件' });
      // The first call timed out; the retry under the same out_request_no was a repeat (fund_change N).
      assert.equal(lost.status, 'pending', lost.note);
      assert.equal(deliveries(tradeNo).length, 1, 'no refund notify: only the payment notify');
      const refunds = built.container.get<RefundStore>(TOKENS.RefundStore);
      const pending = (await refunds.find(lost.outRequestNo))!;
      const checked = await built.container.get(RefundAtAlipay).check(pending);
      assert.equal(checked.refund.status, 'refunded', checked.note);
      assert.match(checked.note, /refund query/);
      assert.deepEqual(
        (await sandboxRefundsOf(tradeNo)).map((refund) => [refund.outRequestNo, refund.amount]),
        [[lost.outRequestNo, '5.00']],
        'Alipay carried out exactly one refund',
      );
    });
  });
}

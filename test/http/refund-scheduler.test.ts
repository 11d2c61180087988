import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { RefundAtAlipay } from '../../src/application/refund-at-alipay.ts';
import { RefundPayment } from '../../src/application/refund-payment.ts';
import { SettlePendingRefunds } from '../../src/application/settle-pending-refunds.ts';
import { Money } from '../../src/domain/money.ts';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { AlipayRefundGateway } from '../../src/infrastructure/alipay/alipay-refund-gateway.ts';
import { ForgeSignatureVerifier } from '../../src/infrastructure/alipay/forge-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentLedger } from '../../src/infrastructure/in-memory/in-memory-payment-ledger.ts';
import { InMemoryRefundStore } from '../../src/infrastructure/in-memory/in-memory-refund-store.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { RefundScheduler } from '../../src/interfaces/scheduler/refund-scheduler.ts';
import { APP_ID, createTestAlipay } from '../support/alipay-signer.ts';
import { appPrivateKey, appPublicKeyPem } from '../support/app-keys.ts';
import { elapsedMs, fixedClock, TEST_NOW } from '../support/clock.ts';
import { FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';

const alipay = createTestAlipay();

describe('RefundScheduler, inside one process', () => {
  let gateway: FakeAlipayGateway;
  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
  });
  after(() => gateway.close());

  it('settles a refund whose answer was lost by the refund query once it is due, and logs it', async () => {
    const store = new InMemoryStore();
    const clock = fixedClock();
    const refunds = new InMemoryRefundStore(store);
    const atAlipay = new RefundAtAlipay(
      new AlipayRefundGateway(nativeRequestSigner(appPrivateKey), { appId: APP_ID, gatewayUrl: gateway.url, timeoutMs: 2_000 }, clock),
      refunds,
      new ForgeSignatureVerifier(parseAlipayPublicKey(alipay.publicKeyPem), 'RSA2'),
      clock,
    );
    store.orders.set('O1', {
      id: 'O1',
      total: Money.parse('88.80'),
      payMethod: PayMethod.ALIPAY,
      status: OrderStatus.UNSEND,
      updatedAt: TEST_NOW,
    });
    store.payments.set('T1', {
      orderId: 'O1',
      tradeNo: 'T1',
      amount: Money.parse('88.80'),
      source: 'notify',
      receivedAt: TEST_NOW,
      reviewReason: null,
    });
    const refund = new RefundPayment(new InMemoryOrderRepository(store), new InMemoryPaymentLedger(store, clock), refunds, atAlipay, clock);
    gateway.answer = () => ({ status: 504, body: 'gateway timeout' });
    const asked = await refund.execute({ orderId: 'O1', reason: '顾客取消', actor: 'admin', remoteAddress: '127.0.0.1' });
    assert.equal(asked.status, 'pending');

    const lines: Array<Record<string, unknown>> = [];
    const logger = pino(new Writable({ write: (chunk, _encoding, done) => done(void lines.push(JSON.parse(String(chunk)))) }));
    const scheduler = new RefundScheduler(new SettlePendingRefunds(refunds, atAlipay, clock), logger);
    gateway.answer = (call) => gateway.refundFoundAnswer(call, '88.80');
    gateway.calls.length = 0;
    scheduler.start();
    // Not due yet: the first check is 15 s after the request.
    const start = elapsedMs();
    while (elapsedMs() - start < 200) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(gateway.calls.length, 0, 'nothing asked before the refund is due');
    await scheduler.stop();

    clock.advance(15_000);
    scheduler.start();
    while ((await refunds.find(asked.outRequestNo))?.status === 'pending' && elapsedMs() - start < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await scheduler.stop();
    assert.equal((await refunds.find(asked.outRequestNo))?.status, 'refunded');
    assert.equal(store.orders.get('O1')?.status, OrderStatus.CANCELED);
    assert.deepEqual(
      gateway.calls.map((call) => call.params.method),
      ['alipay.trade.fastpay.refund.query'],
    );
    const settled = lines.find((line) => line.msg === 'pending refund settled: refunded');
    assert.ok(settled, JSON.stringify(lines));
    assert.equal(settled.outRequestNo, asked.outRequestNo);
    assert.equal(settled.amount, '88.80');
  });
});

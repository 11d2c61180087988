import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RefundPayment } from '../../src/application/refund-payment.ts';
import { buildContainer } from '../../src/bootstrap/container.ts';
import { Money } from '../../src/domain/money.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { RefundNotAllowed } from '../../src/domain/refund.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { createTestAlipay, newOrderId } from '../support/alipay-signer.ts';
import { appPrivateKey, appPublicKeyPem } from '../support/app-keys.ts';
import { fixedClock } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';
import { FakeAlipayRefunds } from '../support/fake-alipay-refunds.ts';
import { orderStatus, seedOrder } from '../support/test-app.ts';
import { testWiring } from '../support/test-wiring.ts';

const alipay = createTestAlipay();

// The use case whole, over the real stores: two operators refunding one payment at once.
for (const harness of databaseHarnesses) {
  describe(`two operators refund one payment at once, on ${harness.name}`, () => {
    let db: TestDatabase;
    let gateway: FakeAlipayGateway;
    before(async () => {
      db = await harness.open();
      gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    });
    after(async () => {
      await gateway.close();
      await db.close();
    });

    it('gets one refund carried out by Alipay; the other is refused before Alipay is asked', async () => {
      const book = new FakeAlipayRefunds(gateway);
      const container = buildContainer(
        testWiring(db.knex, {
          alipayPublicKey: parseAlipayPublicKey(alipay.publicKeyPem),
          appPrivateKey,
          openApi: { appId: '1', gatewayUrl: gateway.url, timeoutMs: 5_000 },
          clock: fixedClock(),
        }),
      );
      const refundPayment = container.get(RefundPayment);
      const orderId = newOrderId();
      const tradeNo = `T${orderId}`;
      await seedOrder(db.knex, orderId, '88.80', OrderStatus.UNCOMMENT);
      await db.knex('tb_payment').insert({ order_id: orderId, trade_id: tradeNo, amount: '88.80', source: 'notify' });
      book.trade(tradeNo, orderId, '88.80');
      const outcomes = await Promise.allSettled(
        ['li.wei', 'zhang.min'].map((actor) => refundPayment.execute({ orderId, reason: '缺货', actor, remoteAddress: '203.0.113.9' })),
      );
      const refunded = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(refunded.length, 1);
      assert.ok(refused[0]?.status === 'rejected' && refused[0].reason instanceof RefundNotAllowed);
      // Refused under the payment's lock: the first still pending, or already refunded in full.
      assert.ok(['REFUND_PENDING', 'NOTHING_REFUNDABLE'].includes(refused[0].reason.why), refused[0].reason.why);
      assert.equal(book.calls('alipay.trade.refund').length, 1, 'Alipay was asked once');
      assert.equal(book.refundedFen(tradeNo), Money.parse('88.80').fen);
      assert.equal(await orderStatus(db.knex, orderId), OrderStatus.CANCELED);
    });
  });
}

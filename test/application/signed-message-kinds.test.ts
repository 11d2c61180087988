import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { WrongChannel } from '../../src/application/errors.ts';
import { ReceiveAlipayCallback } from '../../src/application/receive-alipay-callback.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryRejectionLog } from '../../src/infrastructure/in-memory/in-memory-rejection-log.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { APP_ID, createTestAlipay, notifyParams, SELLER_ID } from '../support/alipay-signer.ts';
import { fixedClock } from '../support/clock.ts';
import { confirmAlipayPayment, settleRefundNotify } from '../support/confirm-payment.ts';
import { anUnpaidOrder, T0 } from '../support/persistence-harness.ts';

const alipay = createTestAlipay();
const absent = '';
const FACTS = {
  channel: ['return', 'notify'] as const,
  method: [absent, 'alipay.trade.page.pay.return', 'alipay.trade.wap.pay.return', 'alipay.trade.page.pay'],
  notifyType: [absent, 'trade_status_sync', 'batch_trans_notify'],
  tradeStatus: [absent, 'TRADE_SUCCESS', 'TRADE_FINISHED', 'TRADE_CLOSED', 'WAIT_BUYER_PAY'],
  refundFee: [absent, '1.00'],
  gmtRefund: [absent, '2026-11-27 10:00:00'],
};
type Kind = { [fact in keyof typeof FACTS]: (typeof FACTS)[fact][number] };

/** Every combination of the facts: 480 kinds, few enough to try each rather than a sample. */
function everyKind(): Kind[] {
  return Object.entries(FACTS).reduce<Array<Record<string, string>>>(
    (kinds, [fact, values]) => kinds.flatMap((kind) => values.map((value) => ({ ...kind, [fact]: value }))),
    [{}],
  ) as Kind[];
}

/** The rule, stated plainly and apart from the code under test. */
function provesPayment(k: Kind): boolean {
  const paidStatus = k.tradeStatus === 'TRADE_SUCCESS' || k.tradeStatus === 'TRADE_FINISHED';
  const refund = k.refundFee !== absent || k.gmtRefund !== absent;
  if (k.channel === 'return')
    return (
      (k.method === 'alipay.trade.page.pay.return' || k.method === 'alipay.trade.wap.pay.return') &&
      k.notifyType === absent &&
      !refund &&
      (k.tradeStatus === absent || paidStatus)
    );
  return k.notifyType === 'trade_status_sync' && paidStatus && !refund;
}

// HTTP's part, the status code each outcome gets, is test/http/payment-status and payment-notify.
describe('authentic messages of every kind, on both channels', () => {
  it('mark an order paid exactly when the message proves a payment on the channel it came by', async () => {
    const store = new InMemoryStore();
    const orders = new InMemoryOrderRepository(store);
    const settings = { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT } as const;
    const payments = new InMemoryPaymentRepository(store);
    const confirm = confirmAlipayPayment({ alipayPublicKeyPem: alipay.publicKeyPem, payments, settings, clock: { now: () => T0 } });
    const rejections = new InMemoryRejectionLog({ maxRows: 1_000, maxAgeDays: 30 }, fixedClock());
    const receive = new ReceiveAlipayCallback(
      new FormCallbackParser(),
      confirm,
      rejections,
      fixedClock(),
      new InMemoryPaymentEventLog(),
      settleRefundNotify(store, fixedClock()),
    );

    const kinds = everyKind();
    assert.equal(kinds.length, 480);
    for (const kind of kinds) {
      const order = anUnpaidOrder('88.80');
      await orders.add(order);
      const { notify_type: _, trade_status: __, ...base } = notifyParams(order.id, '88.80', '');
      const message = alipay.signedQuery({
        ...base,
        method: kind.method,
        notify_type: kind.notifyType,
        trade_status: kind.tradeStatus,
        refund_fee: kind.refundFee,
        gmt_refund: kind.gmtRefund,
      });
      // A message that proves nothing arrived on the wrong channel, or changes nothing (a refund, an unpaid status).
      await receive
        .execute({ raw: new Uint8Array(Buffer.from(message)), source: kind.channel, remoteAddress: '::1' })
        .catch((error: unknown) => assert.ok(error instanceof WrongChannel, String(error)));
      const paid = (await orders.findById(order.id))?.status === OrderStatus.UNCOMMENT;
      assert.equal(paid, provesPayment(kind), JSON.stringify(kind));
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { createTestAlipay, newOrderId, notifyParams } from '../support/alipay-signer.ts';
import { pglite } from '../support/databases.ts';
import { appForSuite, orderStatus, seedOrder } from '../support/test-app.ts';

const alipay = createTestAlipay();
const absent = '';
const kinds = fc.record({
  channel: fc.constantFrom('return', 'notify'),
  method: fc.constantFrom(absent, 'alipay.trade.page.pay.return', 'alipay.trade.wap.pay.return', 'alipay.trade.page.pay'),
  notifyType: fc.constantFrom(absent, 'trade_status_sync', 'batch_trans_notify'),
  tradeStatus: fc.constantFrom(absent, 'TRADE_SUCCESS', 'TRADE_FINISHED', 'TRADE_CLOSED', 'WAIT_BUYER_PAY'),
  refundFee: fc.constantFrom(absent, '1.00'),
  gmtRefund: fc.constantFrom(absent, '2026-11-27 10:00:00'),
});
type Kind = typeof kinds extends fc.Arbitrary<infer T> ? T : never;

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

describe('200 authentic messages of every kind, on both channels', () => {
  const suite = appForSuite(pglite, { alipayPublicKeyPem: alipay.publicKeyPem });

  it('mark an order paid exactly when the message proves a payment on the channel it came by', async () => {
    const samples = fc.sample(kinds, 200);
    const wrong: string[] = [];
    for (let i = 0; i < samples.length; i += 10) {
      await Promise.all(
        samples.slice(i, i + 10).map(async (kind) => {
          const orderId = newOrderId();
          await seedOrder(suite.db.knex, orderId, '88.80');
          const { notify_type: _, trade_status: __, ...base } = notifyParams(orderId, '88.80', '');
          const message = alipay.signedQuery({
            ...base,
            method: kind.method,
            notify_type: kind.notifyType,
            trade_status: kind.tradeStatus,
            refund_fee: kind.refundFee,
            gmt_refund: kind.gmtRefund,
          });
          const response =
            kind.channel === 'return'
              ? await suite.app.get(`/payment/status/?${message}`)
              : await suite.app.post('/payment/notify/', message);
          const paid = (await orderStatus(suite.db.knex, orderId)) === OrderStatus.UNCOMMENT;
          if (paid !== provesPayment(kind) || response.status >= 500)
            wrong.push(`${JSON.stringify(kind)} -> ${response.status}, paid: ${paid}`);
        }),
      );
    }
    assert.deepEqual(wrong, []);
  });
});

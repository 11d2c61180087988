import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alipayInstant } from '../../src/domain/beijing-time.ts';
import { Money } from '../../src/domain/money.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import {
  heldBy,
  meaningOfRefundAnswer,
  meaningOfRefundQuery,
  orderAfterRefund,
  outRequestNoOf,
  RefundNotAllowed,
  refundAmount,
  refundedOf,
  refundReason,
  remainingOf,
  reviewResolutionNote,
} from '../../src/domain/refund.ts';

const yuan = Money.parse;
const why = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RefundNotAllowed) return error.why;
    throw error;
  }
  return 'allowed';
};

describe('refund rules', () => {
  it('counts every refund not refused against the payment, and only confirmed ones as refunded', () => {
    const refunds = [
      { amount: yuan('10.00'), status: 'refunded' as const },
      { amount: yuan('20.00'), status: 'pending' as const },
      { amount: yuan('50.00'), status: 'refused' as const },
    ];
    assert.equal(remainingOf(yuan('88.80'), refunds).toString(), '58.80');
    assert.equal(refundedOf(refunds).toString(), '10.00');
    assert.equal(heldBy(refunds).toString(), '30.00');
    assert.equal(remainingOf(yuan('25.00'), refunds).toString(), '0.00', 'never below zero');
  });

  it('takes all that remains by default, and refuses zero, more than remains, or nothing left', () => {
    assert.equal(refundAmount(null, yuan('58.80')).toString(), '58.80');
    assert.equal(refundAmount(yuan('58.80'), yuan('58.80')).toString(), '58.80');
    assert.equal(
      why(() => refundAmount(yuan('58.81'), yuan('58.80'))),
      'EXCEEDS_REMAINING',
    );
    assert.equal(
      why(() => refundAmount(yuan('0'), yuan('58.80'))),
      'INVALID_REFUND_AMOUNT',
    );
    assert.equal(
      why(() => refundAmount(null, yuan('0'))),
      'NOTHING_REFUNDABLE',
    );
    assert.equal(
      why(() => refundAmount(yuan('1.00'), yuan('0'))),
      'NOTHING_REFUNDABLE',
    );
  });

  it('keeps a reason as written, trimmed, within Alipay’s 256 characters', () => {
    assert.equal(refundReason('  缺货退款 '), '缺货退款');
    assert.equal(refundReason('退'.repeat(256)).length, 256);
    for (const bad of ['', '   ', '退'.repeat(257), 'a\u0000b'])
      assert.equal(
        why(() => refundReason(bad)),
        'INVALID_REFUND_REASON',
      );
  });

  it('makes an out_request_no Alipay takes: RF, the Beijing time, 20 hex digits', () => {
    assert.equal(outRequestNoOf('20261126153000', '0123456789abcdef0123456789'), 'RF202611261530000123456789abcdef0123');
    assert.throws(() => outRequestNoOf('2026 11', 'ab'), RangeError);
  });

  it('cancels a paid order only when the payment that paid it is refunded in full', () => {
    const paid = { applied: true, amount: yuan('88.80') };
    for (const status of [OrderStatus.UNSEND, OrderStatus.UNRECEIVED, OrderStatus.UNCOMMENT, OrderStatus.FINISHED]) {
      assert.equal(orderAfterRefund(status, paid, yuan('88.80')), OrderStatus.CANCELED);
    }
    assert.equal(orderAfterRefund(OrderStatus.UNCOMMENT, paid, yuan('88.79')), null, 'partial');
    assert.equal(orderAfterRefund(OrderStatus.UNCOMMENT, { ...paid, applied: false }, yuan('88.80')), null, 'kept for review');
    assert.equal(orderAfterRefund(OrderStatus.CANCELED, paid, yuan('88.80')), null);
    assert.equal(orderAfterRefund(OrderStatus.UNPAID, paid, yuan('88.80')), null);
  });

  it('reads alipay.trade.refund’s answer: Y refunded, other 10000 unconfirmed, 40004 refused, the rest retried', () => {
    const answer = (code: string, subCode = '', fundChange = '') => meaningOfRefundAnswer({ code, subCode, subMsg: '说明', fundChange });
    assert.deepEqual(answer('10000', '', 'Y'), { kind: 'refunded' });
    assert.deepEqual(answer('10000', '', 'N'), { kind: 'unconfirmed' });
    assert.deepEqual(answer('10000'), { kind: 'unconfirmed' });
    assert.deepEqual(answer('40004', 'ACQ.TRADE_NOT_ALLOW_REFUND'), {
      kind: 'refused',
      subCode: 'ACQ.TRADE_NOT_ALLOW_REFUND',
      message: '说明',
    });
    assert.deepEqual(answer('40004', 'ACQ.SYSTEM_ERROR'), { kind: 'retry', why: 'code 40004 ACQ.SYSTEM_ERROR' });
    assert.deepEqual(answer('20000', 'ACQ.SYSTEM_ERROR'), { kind: 'retry', why: 'code 20000 ACQ.SYSTEM_ERROR' });
    assert.deepEqual(answer('40002', 'isv.invalid-signature'), { kind: 'retry', why: 'code 40002 isv.invalid-signature' });
    assert.deepEqual(answer('40004', 'isv.invalid-app-id'), { kind: 'retry', why: 'code 40004 isv.invalid-app-id' });
    assert.deepEqual(answer('20000', 'aop.ACQ.SYSTEM_ERROR'), { kind: 'retry', why: 'code 20000 aop.ACQ.SYSTEM_ERROR' });
  });

  it('reads the refund query: REFUND_SUCCESS or the older data-only answer refunded, 10000 naming nothing absent, else unknown', () => {
    const query = (code: string, refundStatus: string, refundAmount = '') => meaningOfRefundQuery({ code, refundStatus, refundAmount });
    assert.equal(query('10000', 'REFUND_SUCCESS', '1.00'), 'refunded');
    assert.equal(query('10000', ''), 'absent');
    assert.equal(query('10000', '', '1.00'), 'refunded', 'the older gateway: a refund found, named by its data');
    assert.equal(query('10000', 'REFUND_PROCESSING', '1.00'), 'unknown');
    assert.equal(query('40004', ''), 'unknown');
  });

  it('resolves a review with what the refund did', () => {
    const refund = { amount: yuan('20.00'), outRequestNo: 'RF1', reason: '订单已取消', origin: 'ours' as const };
    assert.equal(reviewResolutionNote(refund), '退款 20.00 元（退款请求号 RF1）：订单已取消');
    assert.equal(reviewResolutionNote({ ...refund, origin: 'external', reason: '' }), '支付宝后台退款 20.00 元');
  });

  it('reads Alipay’s Beijing times, with or without milliseconds', () => {
    assert.equal(alipayInstant('2020-03-27 18:19:15.143')?.toISOString(), '2020-03-27T10:19:15.143Z');
    assert.equal(alipayInstant('2026-11-26 15:31:00')?.toISOString(), '2026-11-26T07:31:00.000Z');
    for (const bad of ['', '2026-02-31 10:00:00', '2026-11-26T15:31:00', '2026-11-26 15:31:00.1234'])
      assert.equal(alipayInstant(bad), null);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IllegalTransition, ReviewReason } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { OrderStatus, PayMethod, type StatusAfterPayment } from '../../src/domain/order-status.ts';
import { assertMove, canMove } from '../../src/domain/order-transitions.ts';

const { UNPAID, UNSEND, UNRECEIVED, UNCOMMENT, FINISHED, CANCELED } = OrderStatus;
const ALL = Object.values(OrderStatus);
const AT = new Date('2026-11-26T07:30:11Z');

// The whole table, written out: every pair not listed here is illegal.
const ALLOWED = new Set([
  `${UNPAID}->${UNSEND}`,
  `${UNPAID}->${UNCOMMENT}`,
  `${UNPAID}->${CANCELED}`,
  `${UNSEND}->${UNRECEIVED}`,
  `${UNRECEIVED}->${UNCOMMENT}`,
  `${UNCOMMENT}->${FINISHED}`,
]);

function orderIn(status: OrderStatus, total = '3798.00'): Order {
  return Order.rehydrate({
    id: '20261126153000000000001',
    total: Money.parse(total),
    payMethod: PayMethod.ALIPAY,
    status,
    updatedAt: new Date(0),
  });
}

const receipt = (amount = '3798.00') => ({
  tradeNo: '2026112622001400000000000001',
  amount: Money.parse(amount),
  source: 'return' as const,
  receivedAt: AT,
});

describe('order status transitions', () => {
  for (const from of ALL) {
    for (const to of ALL) {
      const allowed = ALLOWED.has(`${from}->${to}`);
      it(`${allowed ? 'allows' : 'forbids'} ${from} -> ${to}`, () => {
        assert.equal(canMove(from, to), allowed);
        if (allowed) assertMove(from, to);
        else assert.throws(() => assertMove(from, to), IllegalTransition);
      });
    }
  }
});

describe('Order.receivePayment', () => {
  const expectations: Record<OrderStatus, ReviewReason | null> = {
    [UNPAID]: null,
    [UNSEND]: ReviewReason.ALREADY_PAID,
    [UNRECEIVED]: ReviewReason.ALREADY_PAID,
    [UNCOMMENT]: ReviewReason.ALREADY_PAID,
    [FINISHED]: ReviewReason.ALREADY_PAID,
    [CANCELED]: ReviewReason.ORDER_CANCELED,
  };

  for (const from of ALL) {
    for (const after of [UNCOMMENT, UNSEND] as StatusAfterPayment[]) {
      const reason = expectations[from];
      it(`from ${from} with ${after} after payment: ${reason ?? `moves to ${after}`}`, () => {
        const order = orderIn(from);
        const payment = order.receivePayment(receipt(), after);
        assert.equal(payment.reviewReason, reason);
        assert.equal(order.status, reason === null ? after : from);
        assert.equal(payment.orderId, order.id);
        assert.equal(payment.amount?.toString(), '3798.00');
      });
    }
  }

  it('keeps an UNPAID order unpaid and flags the payment when the amount differs', () => {
    const order = orderIn(UNPAID);
    const payment = order.receivePayment(receipt('0.01'), UNCOMMENT);
    assert.equal(payment.reviewReason, ReviewReason.AMOUNT_MISMATCH);
    assert.equal(payment.needsReview, true);
    assert.equal(order.status, UNPAID);
  });

  it('keeps a payment for a cash-on-delivery order for review and leaves the order as it was', () => {
    for (const status of [UNPAID, OrderStatus.UNSEND]) {
      const order = Order.rehydrate({ id: '1', total: Money.parse('3798.00'), payMethod: PayMethod.CASH, status, updatedAt: new Date(0) });
      const payment = order.receivePayment(receipt(), UNCOMMENT);
      assert.equal(payment.reviewReason, ReviewReason.PAY_METHOD_MISMATCH);
      assert.equal(order.status, status);
    }
  });

  it('stamps the order with the time the payment arrived', () => {
    const order = orderIn(UNPAID);
    order.receivePayment(receipt(), UNCOMMENT);
    assert.deepEqual(order.toSnapshot().updatedAt, AT);
  });

  it('places new orders as UNPAID', () => {
    assert.equal(Order.place('1', Money.parse('1.00'), PayMethod.ALIPAY, AT).status, UNPAID);
  });
});

import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { DuplicatePayment } from '../../src/application/errors.ts';
import { ReviewReason } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { anUnpaidOrder, type Persistence, type PersistenceHarness, T0 } from '../support/persistence-harness.ts';

const CONCURRENT = 30;

/** Decides on a fresh read of the order, as the use case does, then records. */
async function payAndRecord(p: Persistence, orderId: string, tradeNo: string, amount?: string): Promise<boolean> {
  const order = (await p.orders.findById(orderId))!;
  const readStatus = order.status;
  const payment = order.receivePayment(
    { tradeNo, amount: Money.parse(amount ?? order.total.toString()), source: 'notify', receivedAt: T0 },
    OrderStatus.UNCOMMENT,
  );
  return p.payments.record(payment, order, readStatus);
}

export function describePaymentRepositoryContract(harness: PersistenceHarness): void {
  describe(`PaymentRepository contract: ${harness.name}`, () => {
    let p: Persistence;
    let order: Order;
    beforeEach(async () => {
      p = await harness.create();
      order = anUnpaidOrder('88.80');
      await p.orders.add(order);
    });
    after(() => harness.close());
    const storedPayment = async (tradeNo: string) => (await p.payments.findTrade(tradeNo, order.id)).payment;

    it('finds neither payment nor order when neither is stored', async () => {
      assert.deepEqual(await p.payments.findTrade('2099', '20990101000000000000000'), { payment: null, order: null });
    });

    it('finds the order of an unpaid trade, with no payment', async () => {
      const { payment, order: found } = await p.payments.findTrade('2099', order.id);
      assert.equal(payment, null);
      assert.deepEqual(found?.toSnapshot(), order.toSnapshot());
    });

    it('finds the payment of a trade whichever order it paid', async () => {
      assert.equal(await payAndRecord(p, order.id, 'T1'), true);
      const { payment, order: found } = await p.payments.findTrade('T1', '20990101000000000000000');
      assert.equal(payment?.orderId, order.id);
      assert.equal(found, null);
    });

    it('records an applied payment and moves its order in the same write', async () => {
      assert.equal(await payAndRecord(p, order.id, 'T1'), true);
      const stored = await storedPayment('T1');
      assert.deepEqual(stored?.toSnapshot(), {
        orderId: order.id,
        tradeNo: 'T1',
        amount: Money.parse('88.80'),
        source: 'notify',
        receivedAt: T0,
        reviewReason: null,
      });
      assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
    });

    it('records a payment that needs review, with its reason, and leaves the order as it was', async () => {
      assert.equal(await payAndRecord(p, order.id, 'T1', '0.01'), true);
      const stored = await storedPayment('T1');
      assert.equal(stored?.reviewReason, ReviewReason.AMOUNT_MISMATCH);
      assert.equal(stored?.amount?.toString(), '0.01');
      assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNPAID);
    });

    it('writes nothing and says so when the order moved on after it was read', async () => {
      const stale = (await p.orders.findById(order.id))!;
      const payment = stale.receivePayment(
        { tradeNo: 'T-late', amount: Money.parse('88.80'), source: 'return', receivedAt: T0 },
        OrderStatus.UNCOMMENT,
      );
      assert.equal(await payAndRecord(p, order.id, 'T-first'), true);
      assert.equal(await p.payments.record(payment, stale, OrderStatus.UNPAID), false);
      assert.equal(await storedPayment('T-late'), null);
      assert.equal((await storedPayment('T-first'))?.orderId, order.id);
    });

    it('writes nothing for a payment whose review decision went stale either', async () => {
      const stale = (await p.orders.findById(order.id))!;
      const payment = stale.receivePayment(
        { tradeNo: 'T-odd', amount: Money.parse('0.01'), source: 'return', receivedAt: T0 },
        OrderStatus.UNCOMMENT,
      );
      assert.equal(await payAndRecord(p, order.id, 'T-first'), true);
      assert.equal(await p.payments.record(payment, stale, OrderStatus.UNPAID), false);
      assert.equal(await storedPayment('T-odd'), null);
    });

    it('writes nothing for an order it does not hold', async () => {
      const elsewhere = anUnpaidOrder('88.80');
      const payment = elsewhere.receivePayment(
        { tradeNo: 'T-x', amount: Money.parse('88.80'), source: 'return', receivedAt: T0 },
        OrderStatus.UNCOMMENT,
      );
      assert.equal(await p.payments.record(payment, elsewhere, OrderStatus.UNPAID), false);
      assert.equal(await storedPayment('T-x'), null);
    });

    for (const [decision, amount] of [
      ['an applied payment', '88.80'],
      ['a payment for review', '0.01'],
    ] as const) {
      it(`says false, not DuplicatePayment, for a stale decision on ${decision} whose trade_no is already stored`, async () => {
        const stale = (await p.orders.findById(order.id))!;
        const copy = stale.receivePayment(
          { tradeNo: 'T1', amount: Money.parse(amount), source: 'return', receivedAt: T0 },
          OrderStatus.UNCOMMENT,
        );
        assert.equal(await payAndRecord(p, order.id, 'T1'), true);
        assert.equal(await p.payments.record(copy, stale, OrderStatus.UNPAID), false);
        assert.equal((await storedPayment('T1'))?.toSnapshot().source, 'notify');
        assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
      });
    }

    it('says false for an order it does not hold even when the trade_no is already stored', async () => {
      assert.equal(await payAndRecord(p, order.id, 'T1'), true);
      const elsewhere = anUnpaidOrder('88.80');
      const payment = elsewhere.receivePayment(
        { tradeNo: 'T1', amount: Money.parse('88.80'), source: 'return', receivedAt: T0 },
        OrderStatus.UNCOMMENT,
      );
      assert.equal(await p.payments.record(payment, elsewhere, OrderStatus.UNPAID), false);
      assert.equal((await storedPayment('T1'))?.orderId, order.id);
    });

    it('rejects a trade_no already stored as DuplicatePayment, and leaves the other order unmoved', async () => {
      assert.equal(await payAndRecord(p, order.id, 'T1'), true);
      const other = anUnpaidOrder('88.80');
      await p.orders.add(other);
      await assert.rejects(payAndRecord(p, other.id, 'T1'), DuplicatePayment);
      assert.equal((await p.orders.findById(other.id))?.status, OrderStatus.UNPAID);
      assert.equal((await storedPayment('T1'))?.orderId, order.id);
    });

    it(`lets one of ${CONCURRENT} different trades racing for one order move it; none other applies`, async () => {
      const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => payAndRecord(p, order.id, `T-race-${i}`)));
      const payments = await Promise.all(outcomes.map((_, i) => storedPayment(`T-race-${i}`)));
      assert.deepEqual(
        payments.map((payment) => payment !== null),
        outcomes,
      );
      assert.equal(payments.filter((payment) => payment && !payment.needsReview).length, 1);
      // A trade that read the order after the winner moved it is kept for review; a stale one wrote nothing.
      for (const payment of payments) if (payment?.needsReview) assert.equal(payment.reviewReason, ReviewReason.ALREADY_PAID);
      assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
    });

    it(`stores one row when ${CONCURRENT} copies of one trade race; each other copy writes nothing`, async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => payAndRecord(p, order.id, 'T-same')));
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled' && o.value).length, 1);
      for (const o of outcomes) {
        if (o.status === 'rejected') assert.ok(o.reason instanceof DuplicatePayment, String(o.reason));
      }
      assert.equal((await storedPayment('T-same'))?.orderId, order.id);
    });

    it(`stores one row when ${CONCURRENT} copies of one trade for a cancelled order race`, async () => {
      const cancelled = Order.rehydrate({ ...anUnpaidOrder('88.80').toSnapshot(), status: OrderStatus.CANCELED });
      await p.orders.add(cancelled);
      const outcomes = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => payAndRecord(p, cancelled.id, 'T-void')));
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled' && o.value).length, 1);
      for (const o of outcomes) {
        if (o.status === 'rejected') assert.ok(o.reason instanceof DuplicatePayment, String(o.reason));
      }
      assert.equal((await storedPayment('T-void'))?.reviewReason, ReviewReason.ORDER_CANCELED);
    });
  });
}

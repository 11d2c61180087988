import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { DuplicatePayment } from '../../src/application/errors.ts';
import type { TradeAndOrder } from '../../src/application/ports/payment-repository.ts';
import { AwaitedPayment } from '../../src/domain/awaited-payment.ts';
import { ReviewReason } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';
import { Order, type PaymentReceipt } from '../../src/domain/order.ts';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { newOrderId } from '../support/alipay-signer.ts';
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

/** What the use case makes of one trade, in a single round: the names of its outcomes, without throwing. */
type Outcome = 'recorded' | 'duplicate' | 'trade_no of another order' | 'no order' | 'wrote nothing';

// A payment arriving after the orders were placed at T0, so that a moved order's update_time shows.
const T1 = new Date(T0.getTime() + 60_000);
const receipt = (tradeNo: string, amount: string): PaymentReceipt => ({
  tradeNo,
  amount: Money.parse(amount),
  source: 'return',
  receivedAt: T1,
});

/** Decides in the domain on `trade`, as read, and writes only if the order is still as read. */
async function decideAndRecord(p: Persistence, orderId: string, paid: PaymentReceipt, trade: TradeAndOrder): Promise<Outcome> {
  if (trade.payment) return trade.payment.orderId === orderId ? 'duplicate' : 'trade_no of another order';
  if (!trade.order) return 'no order';
  const readStatus = trade.order.status;
  const payment = trade.order.receivePayment(paid, OrderStatus.UNCOMMENT);
  try {
    return (await p.payments.record(payment, trade.order, readStatus)) ? 'recorded' : 'wrote nothing';
  } catch (error) {
    if (error instanceof DuplicatePayment) return 'wrote nothing';
    throw error;
  }
}

/** The way before the guard: read, then decide and write. */
async function readFirst(p: Persistence, orderId: string, paid: PaymentReceipt): Promise<Outcome> {
  return decideAndRecord(p, orderId, paid, await p.payments.findTrade(paid.tradeNo, orderId));
}

/** The guarded write of the common case first; when it writes nothing, decide on the read it answered. */
async function awaitedFirst(p: Persistence, orderId: string, paid: PaymentReceipt): Promise<Outcome> {
  const attempt = await p.payments.recordIfAwaited(AwaitedPayment.of(orderId, paid, OrderStatus.UNCOMMENT));
  return attempt === 'recorded' ? 'recorded' : decideAndRecord(p, orderId, paid, attempt);
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

    describe('the guarded write of the common case, against reading first', () => {
      const A = newOrderId();
      const B = newOrderId();
      const placed = (id: string, status: OrderStatus = OrderStatus.UNPAID, payMethod: PayMethod = PayMethod.ALIPAY) =>
        Order.rehydrate({ id, total: Money.parse('88.80'), payMethod, status, updatedAt: T0 });
      const storeOrders =
        (...orders: Order[]) =>
        async (store: Persistence) => {
          for (const order of orders) await store.orders.add(order);
        };
      const cases: ReadonlyArray<{
        name: string;
        given: (store: Persistence) => Promise<void>;
        paid: PaymentReceipt;
        outcome: Outcome;
        /** The guard's own answer: written, or left to the read and the decision. */
        guardWrites: boolean;
      }> = [
        {
          name: 'an UNPAID Alipay order of the amount paid',
          given: storeOrders(placed(A)),
          paid: receipt('T', '88.80'),
          outcome: 'recorded',
          guardWrites: true,
        },
        {
          name: 'an UNPAID Alipay order of another amount',
          given: storeOrders(placed(A)),
          paid: receipt('T', '88.79'),
          outcome: 'recorded',
          guardWrites: false,
        },
        {
          name: 'an UNPAID cash-on-delivery order of the amount paid',
          given: storeOrders(placed(A, OrderStatus.UNPAID, PayMethod.CASH)),
          paid: receipt('T', '88.80'),
          outcome: 'recorded',
          guardWrites: false,
        },
        {
          name: 'a cancelled order',
          given: storeOrders(placed(A, OrderStatus.CANCELED)),
          paid: receipt('T', '88.80'),
          outcome: 'recorded',
          guardWrites: false,
        },
        {
          name: 'an order already paid by another trade',
          given: async (store) => {
            await storeOrders(placed(A))(store);
            assert.equal(await readFirst(store, A, receipt('T-other', '88.80')), 'recorded');
          },
          paid: receipt('T', '88.80'),
          outcome: 'recorded',
          guardWrites: false,
        },
        {
          name: 'a trade_no already recorded for this order, paid by it',
          given: async (store) => {
            await storeOrders(placed(A))(store);
            assert.equal(await readFirst(store, A, receipt('T', '88.80')), 'recorded');
          },
          paid: receipt('T', '88.80'),
          outcome: 'duplicate',
          guardWrites: false,
        },
        {
          // The order still looks as awaited: only the trade_no's presence stops the guard.
          name: 'a trade_no already recorded for this order, for review, while the order still awaits payment',
          given: async (store) => {
            await storeOrders(placed(A))(store);
            assert.equal(await readFirst(store, A, receipt('T', '0.01')), 'recorded');
          },
          paid: receipt('T', '88.80'),
          outcome: 'duplicate',
          guardWrites: false,
        },
        {
          name: 'a trade_no already recorded for another order, this one awaiting payment',
          given: async (store) => {
            await storeOrders(placed(A), placed(B))(store);
            assert.equal(await readFirst(store, B, receipt('T', '88.80')), 'recorded');
          },
          paid: receipt('T', '88.80'),
          outcome: 'trade_no of another order',
          guardWrites: false,
        },
        {
          name: 'an order that is not stored',
          given: storeOrders(placed(B)),
          paid: receipt('T', '88.80'),
          outcome: 'no order',
          guardWrites: false,
        },
      ];

      /** Both orders and the trade's payment, as stored. */
      const rows = async (store: Persistence, tradeNo: string) => ({
        a: (await store.orders.findById(A))?.toSnapshot() ?? null,
        b: (await store.orders.findById(B))?.toSnapshot() ?? null,
        payment: (await store.payments.findTrade(tradeNo, A)).payment?.toSnapshot() ?? null,
      });

      for (const { name, given, paid, outcome, guardWrites } of cases) {
        it(`ends as reading first does for ${name}`, async () => {
          const byRead = await harness.create();
          await given(byRead);
          assert.equal(await readFirst(byRead, A, paid), outcome);
          const expected = await rows(byRead, paid.tradeNo);

          const byGuard = await harness.create();
          await given(byGuard);
          const before = await byGuard.payments.findTrade(paid.tradeNo, A);
          const attempt = await byGuard.payments.recordIfAwaited(AwaitedPayment.of(A, paid, OrderStatus.UNCOMMENT));
          if (guardWrites) assert.equal(attempt, 'recorded');
          else assert.deepEqual(attempt, before, 'writes nothing and answers what findTrade reads');
          if (attempt !== 'recorded') assert.equal(await decideAndRecord(byGuard, A, paid, attempt), outcome);
          assert.deepEqual(await rows(byGuard, paid.tradeNo), expected);
        });
      }

      it(`lets one of ${CONCURRENT} different trades racing for one order, half through the guard, move it; none other applies`, async () => {
        const pays = Array.from({ length: CONCURRENT }, (_, i) =>
          (i % 2 ? readFirst : awaitedFirst)(p, order.id, receipt(`T-race-${i}`, '88.80')),
        );
        const outcomes = await Promise.all(pays);
        const payments = await Promise.all(outcomes.map((_, i) => storedPayment(`T-race-${i}`)));
        assert.deepEqual(
          payments.map((payment) => payment !== null),
          outcomes.map((outcome) => outcome === 'recorded'),
        );
        assert.equal(payments.filter((payment) => payment && !payment.needsReview).length, 1);
        for (const payment of payments) if (payment?.needsReview) assert.equal(payment.reviewReason, ReviewReason.ALREADY_PAID);
        assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
      });

      it(`stores one row when ${CONCURRENT} copies of one trade race, half through the guard`, async () => {
        const pays = Array.from({ length: CONCURRENT }, (_, i) =>
          (i % 2 ? readFirst : awaitedFirst)(p, order.id, receipt('T-same', '88.80')),
        );
        const outcomes = await Promise.all(pays);
        assert.equal(outcomes.filter((outcome) => outcome === 'recorded').length, 1);
        for (const outcome of outcomes) assert.ok(['recorded', 'duplicate', 'wrote nothing'].includes(outcome), outcome);
        assert.equal((await storedPayment('T-same'))?.needsReview, false);
        assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
      });

      it(`moves only the order that stored the trade_no when ${CONCURRENT} copies of it race for two awaiting orders through the guard`, async () => {
        const other = anUnpaidOrder('88.80');
        await p.orders.add(other);
        const ids = [order.id, other.id];
        const outcomes = await Promise.all(
          Array.from({ length: CONCURRENT }, (_, i) => awaitedFirst(p, ids[i % 2]!, receipt('T-both', '88.80'))),
        );
        assert.equal(outcomes.filter((outcome) => outcome === 'recorded').length, 1);
        const paidFor = (await storedPayment('T-both'))!.orderId;
        const statuses = await Promise.all(ids.map(async (id) => (await p.orders.findById(id))?.status));
        assert.deepEqual(
          statuses,
          ids.map((id) => (id === paidFor ? OrderStatus.UNCOMMENT : OrderStatus.UNPAID)),
        );
      });
    });
  });
}

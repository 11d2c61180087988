import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { DuplicatePayment } from '../../src/application/errors.ts';
import { ReviewReason } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';
import type { Order } from '../../src/domain/order.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import type { Payment } from '../../src/domain/payment.ts';
import { anUnpaidOrder, T0, type Persistence, type PersistenceHarness } from '../support/persistence-harness.ts';

const CONCURRENT = 30;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pay(order: Order, amount = order.total.toString(), tradeNo = `T${order.id}`): Payment {
  return order.receivePayment({ tradeNo, amount: Money.parse(amount), source: 'notify', receivedAt: T0 }, OrderStatus.UNCOMMENT);
}

export function describePaymentRepositoryContract(harness: PersistenceHarness): void {
  describe(`PaymentRepository and UnitOfWork contract: ${harness.name}`, () => {
    let p: Persistence;
    let order: Order;
    beforeEach(async () => {
      p = await harness.create();
      order = anUnpaidOrder('88.80');
      await p.orders.add(order);
    });
    after(() => harness.close());

    it('returns null for an unknown trade_no', async () => {
      assert.equal(await p.payments.findByTradeNo('2099'), null);
    });

    it('round-trips an applied payment', async () => {
      const payment = pay(order);
      await p.payments.add(payment);
      assert.deepEqual((await p.payments.findByTradeNo(payment.tradeNo))?.toSnapshot(), payment.toSnapshot());
    });

    it('round-trips a payment that needs review, with its reason', async () => {
      const payment = pay(order, '0.01');
      assert.equal(payment.reviewReason, ReviewReason.AMOUNT_MISMATCH);
      await p.payments.add(payment);
      const stored = await p.payments.findByTradeNo(payment.tradeNo);
      assert.equal(stored?.reviewReason, ReviewReason.AMOUNT_MISMATCH);
      assert.equal(stored?.amount?.toString(), '0.01');
    });

    it('rejects a second payment with the same trade_no as DuplicatePayment', async () => {
      await p.payments.add(pay(order));
      await assert.rejects(p.payments.add(pay(order)), DuplicatePayment);
    });

    it('rejects a payment for an order it does not hold', async () => {
      await assert.rejects(p.payments.add(pay(anUnpaidOrder())));
    });

    it('commits the payment and the order change together', async () => {
      const result = await p.unitOfWork.run(async ({ orders, payments }) => {
        const locked = (await orders.lockById(order.id))!;
        await payments.add(pay(locked));
        await orders.save(locked);
        return 'done';
      });
      assert.equal(result, 'done');
      assert.ok(await p.payments.findByTradeNo(`T${order.id}`));
      assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
    });

    it('rolls back every write of a unit that throws', async () => {
      await assert.rejects(
        p.unitOfWork.run(async ({ orders, payments }) => {
          const locked = (await orders.lockById(order.id))!;
          await payments.add(pay(locked));
          await orders.save(locked);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await p.payments.findByTradeNo(`T${order.id}`), null);
      assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNPAID);
    });

    it(`serialises ${CONCURRENT} units that lock one order: one payment, none fails`, async () => {
      const confirmOnce = () =>
        p.unitOfWork.run(async ({ orders, payments }) => {
          const locked = (await orders.lockById(order.id))!;
          await pause(20); // widen the window in which a missing lock would let two units both see no payment
          if (await payments.findByTradeNo(`T${order.id}`)) return 'duplicate';
          await payments.add(pay(locked));
          await orders.save(locked);
          return 'recorded';
        });
      const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, confirmOnce));
      assert.deepEqual(outcomes.filter((o) => o === 'recorded').length, 1);
      assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
    });

    it(`lets exactly one of ${CONCURRENT} racing inserts of one trade_no win, without a lock`, async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: CONCURRENT }, () => p.unitOfWork.run(({ payments }) => payments.add(pay(order)))),
      );
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      for (const o of outcomes) {
        if (o.status === 'rejected') assert.ok(o.reason instanceof DuplicatePayment, String(o.reason));
      }
    });
  });
}

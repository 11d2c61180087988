import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { isUniqueViolation } from '../../src/infrastructure/persistence/store-errors.ts';
import { anUnpaidOrder, type Persistence, type PersistenceHarness, T0 } from '../support/persistence-harness.ts';

export function describeOrderRepositoryContract(harness: PersistenceHarness): void {
  describe(`OrderRepository contract: ${harness.name}`, () => {
    let p: Persistence;
    beforeEach(async () => {
      p = await harness.create();
    });
    after(() => harness.close());

    it('returns null for an unknown id', async () => {
      assert.equal(await p.orders.findById('20990101000000000000000'), null);
    });

    it('round-trips status, pay method and money exactly', async () => {
      const order = anUnpaidOrder('19.99');
      await p.orders.add(order);
      assert.deepEqual((await p.orders.findById(order.id))?.toSnapshot(), order.toSnapshot());
    });

    it('keeps the largest amount numeric(10,2) holds to the fen', async () => {
      const order = anUnpaidOrder('99999999.99');
      await p.orders.add(order);
      assert.equal((await p.orders.findById(order.id))?.total.fen, 9_999_999_999);
    });

    it('refuses to add the same order id twice as a unique violation, keeping the first', async () => {
      const order = anUnpaidOrder('19.99');
      await p.orders.add(order);
      await assert.rejects(p.orders.add(anUnpaidOrder('88.80', order.id)), (error) => isUniqueViolation(error));
      assert.equal((await p.orders.findById(order.id))?.total.toString(), '19.99');
    });

    it('is not changed by mutating an aggregate after it was added', async () => {
      const order = anUnpaidOrder('88.80');
      await p.orders.add(order);
      order.receivePayment({ tradeNo: 'T2', amount: Money.parse('88.80'), source: 'return', receivedAt: T0 }, OrderStatus.UNSEND);
      assert.equal((await p.orders.findById(order.id))?.status, OrderStatus.UNPAID);
    });

    it('lists UNPAID Alipay orders newest first, up to the limit', async () => {
      const older = anUnpaidOrder('1.00');
      const cash = Order.place(anUnpaidOrder().id, Money.parse('2.00'), PayMethod.CASH, T0);
      const paid = anUnpaidOrder('88.80');
      paid.receivePayment({ tradeNo: 'T3', amount: Money.parse('88.80'), source: 'return', receivedAt: T0 }, OrderStatus.UNCOMMENT);
      const newer = Order.place(anUnpaidOrder().id, Money.parse('3.00'), PayMethod.ALIPAY, new Date(T0.getTime() + 1000));
      for (const order of [older, cash, paid, newer]) await p.orders.add(order);
      assert.deepEqual(
        (await p.orders.listAwaitingAlipayPayment(10)).map((o) => o.id),
        [newer.id, older.id],
      );
      assert.deepEqual(
        (await p.orders.listAwaitingAlipayPayment(1)).map((o) => o.id),
        [newer.id],
      );
    });

    it('lists orders of every status and pay method newest first, up to the limit', async () => {
      const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
      const oldest = Order.place(anUnpaidOrder().id, Money.parse('1.00'), PayMethod.ALIPAY, at(0));
      const cash = Order.place(anUnpaidOrder().id, Money.parse('2.00'), PayMethod.CASH, at(1));
      const paid = Order.place(anUnpaidOrder().id, Money.parse('88.80'), PayMethod.ALIPAY, at(2));
      paid.receivePayment({ tradeNo: 'T4', amount: Money.parse('88.80'), source: 'return', receivedAt: at(3) }, OrderStatus.UNCOMMENT);
      const newest = Order.place(anUnpaidOrder().id, Money.parse('3.00'), PayMethod.ALIPAY, at(4));
      for (const order of [oldest, newest, cash, paid]) await p.orders.add(order);
      const recent = await p.orders.listRecent(10);
      assert.deepEqual(
        recent.map((o) => o.id),
        [newest.id, paid.id, cash.id, oldest.id],
      );
      assert.deepEqual(
        recent.map((o) => [o.status, o.payMethod]),
        [
          [OrderStatus.UNPAID, PayMethod.ALIPAY],
          [OrderStatus.UNCOMMENT, PayMethod.ALIPAY],
          [OrderStatus.UNPAID, PayMethod.CASH],
          [OrderStatus.UNPAID, PayMethod.ALIPAY],
        ],
      );
      assert.deepEqual(
        (await p.orders.listRecent(2)).map((o) => o.id),
        [newest.id, paid.id],
      );
    });
  });
}

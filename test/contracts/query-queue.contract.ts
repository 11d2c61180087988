import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { OrderRepository } from '../../src/application/ports/order-repository.ts';
import type { PaymentEventLog } from '../../src/application/ports/payment-events.ts';
import type { QueryQueue } from '../../src/application/ports/query-queue.ts';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { QuerySchedule } from '../../src/domain/query-schedule.ts';
import { newOrderId } from '../support/alipay-signer.ts';

/** Fresh, empty adapters of one technology sharing one store. */
export interface QueryStore {
  readonly orders: OrderRepository;
  readonly queue: QueryQueue;
  readonly events: PaymentEventLog;
}

export interface QueryStoreHarness {
  readonly name: string;
  create(): Promise<QueryStore>;
  close(): Promise<void>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SCHEDULE = new QuerySchedule([1, 5, 15, 60, 360, 1440].map((m) => m * MINUTE));
const T0 = new Date('2026-11-26T07:30:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const LONG_AGO = new Date(0);

function order(placedAt = T0, changes: { status?: OrderStatus; payMethod?: PayMethod } = {}): Order {
  const placed = Order.place(newOrderId(), Money.parse('88.80'), PayMethod.ALIPAY, placedAt);
  return Order.rehydrate({ ...placed.toSnapshot(), ...changes });
}

export function describeQueryStoreContract(harness: QueryStoreHarness): void {
  describe(`QueryQueue and PaymentEventLog contract: ${harness.name}`, () => {
    let s: QueryStore;
    beforeEach(async () => {
      s = await harness.create();
    });
    after(() => harness.close());

    const claimed = async (now: Date, limit = 50) => (await s.queue.claimDue(now, limit, SCHEDULE)).map((claim) => claim.orderId);

    it('queues an unpaid Alipay order at its create_time and claims it at each slot, once', async () => {
      const unpaid = order();
      await s.orders.add(unpaid);
      assert.equal(await s.queue.discover(LONG_AGO, at(0), SCHEDULE), 1);
      assert.deepEqual(await claimed(at(MINUTE - 1)), [], 'not before its first slot');
      assert.deepEqual(await claimed(at(MINUTE)), [unpaid.id]);
      assert.deepEqual(await claimed(at(MINUTE)), [], 'claimed once per slot');
      assert.deepEqual(await claimed(at(5 * MINUTE - 1)), []);
      assert.deepEqual(await claimed(at(5 * MINUTE)), [unpaid.id]);
    });

    it('hands back the anchor it claimed by', async () => {
      const unpaid = order();
      await s.orders.add(unpaid);
      await s.queue.discover(LONG_AGO, at(0), SCHEDULE);
      const [claim] = await s.queue.claimDue(at(MINUTE), 10, SCHEDULE);
      assert.equal(claim?.anchor.getTime(), T0.getTime());
    });

    it('skips the slots missed while no process ran, and stops when the schedule runs out', async () => {
      const unpaid = order();
      await s.orders.add(unpaid);
      await s.queue.discover(LONG_AGO, at(0), SCHEDULE);
      assert.deepEqual(await claimed(at(20 * MINUTE)), [unpaid.id], 'one late question for the 1m, 5m and 15m slots');
      assert.deepEqual(await claimed(at(HOUR - 1)), []);
      assert.deepEqual(await claimed(at(24 * HOUR)), [unpaid.id]);
      assert.deepEqual(await claimed(at(1000 * HOUR)), [], 'nothing after the last slot');
    });

    it('discovers each order once, and only those placed after the given time and by now', async () => {
      const old = order(at(-2 * HOUR));
      const recent = order(at(-MINUTE));
      const future = order(at(HOUR));
      for (const o of [old, recent, future]) await s.orders.add(o);
      assert.equal(await s.queue.discover(at(-HOUR), at(0), SCHEDULE), 1);
      assert.equal(await s.queue.discover(at(-HOUR), at(0), SCHEDULE), 0, 'already queued');
      assert.deepEqual(await claimed(at(HOUR)), [recent.id]);
    });

    it('never discovers or claims an order that is paid, cancelled or cash on delivery', async () => {
      const others = [
        order(T0, { status: OrderStatus.UNSEND }),
        order(T0, { status: OrderStatus.CANCELED }),
        order(T0, { payMethod: PayMethod.CASH }),
      ];
      for (const o of others) await s.orders.add(o);
      assert.equal(await s.queue.discover(LONG_AGO, at(0), SCHEDULE), 0);
      for (const o of others) await s.queue.restart(o.id, T0, SCHEDULE);
      assert.deepEqual(await claimed(at(HOUR)), []);
    });

    it('finish stops the questions, and a new pay URL starts them again from its own time', async () => {
      const unpaid = order();
      await s.orders.add(unpaid);
      await s.queue.discover(LONG_AGO, at(0), SCHEDULE);
      await s.queue.finish(unpaid.id, at(0));
      assert.deepEqual(await claimed(at(HOUR)), []);
      await s.queue.restart(unpaid.id, at(2 * HOUR), SCHEDULE);
      assert.deepEqual(await claimed(at(2 * HOUR + MINUTE - 1)), []);
      assert.deepEqual(await claimed(at(2 * HOUR + MINUTE)), [unpaid.id]);
    });

    it('restart re-anchors an order already queued, and a question already due is still asked', async () => {
      const unpaid = order();
      await s.orders.add(unpaid);
      await s.queue.discover(LONG_AGO, at(0), SCHEDULE);
      assert.deepEqual(await claimed(at(MINUTE)), [unpaid.id]);
      await s.queue.restart(unpaid.id, at(2 * MINUTE), SCHEDULE);
      assert.deepEqual(await claimed(at(2 * MINUTE + MINUTE - 1)), [], "the old anchor's 5m slot is gone");
      assert.deepEqual(await claimed(at(2 * MINUTE + MINUTE)), [unpaid.id], "the new anchor's first slot");
      await s.queue.restart(unpaid.id, at(30 * MINUTE), SCHEDULE);
      assert.deepEqual(await claimed(at(30 * MINUTE)), [unpaid.id], 'the 15m slot due at 17m, never asked, is not postponed');
      assert.deepEqual(await claimed(at(31 * MINUTE)), [unpaid.id], "then the new anchor's schedule");
    });

    it('cannot be held off by pay URLs asked for again and again: the question due first is asked when due', async () => {
      const unpaid = order();
      await s.orders.add(unpaid);
      await s.queue.discover(LONG_AGO, at(0), SCHEDULE);
      // Anyone may ask for the pay URL; every 20 s, for ten minutes.
      const asked: number[] = [];
      for (let t = 20_000; t <= 10 * MINUTE; t += 20_000) {
        await s.queue.restart(unpaid.id, at(t), SCHEDULE);
        if ((await claimed(at(t))).length > 0) asked.push(t);
      }
      assert.equal(asked[0], MINUTE, 'the first question at its original slot');
      assert.ok(asked.length >= 9, `asked ${asked.length} times in ten minutes, at ${asked.join(', ')} ms`);
    });

    it('claims at most the limit, the longest due first', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const o = order(at(i * 1000));
        ids.push(o.id);
        await s.orders.add(o);
      }
      await s.queue.discover(LONG_AGO, at(10_000), SCHEDULE);
      assert.deepEqual(await claimed(at(2 * MINUTE), 2), ids.slice(0, 2));
      assert.deepEqual(await claimed(at(2 * MINUTE), 10), ids.slice(2));
    });

    it('prunes events older than an instant, oldest first, at most as many as asked, of every order', async () => {
      const [first, second] = [newOrderId(), newOrderId()];
      for (const [orderId, ms] of [
        [first, 1000],
        [second, 2000],
        [first, 3000],
        [second, 4000],
      ] as const)
        await s.events.append({ orderId, at: at(ms), kind: 'query', summary: `at ${ms}` });
      assert.equal(await s.events.prune(at(3500), 2), 2, 'the two oldest, though three are old');
      assert.deepEqual(
        (await s.events.listFor(first, 10)).map((e) => e.summary),
        ['at 3000'],
      );
      assert.equal(await s.events.prune(at(3500), 10), 1);
      assert.equal(await s.events.prune(at(3500), 10), 0, 'nothing more');
      assert.deepEqual(
        (await s.events.listFor(second, 10)).map((e) => e.summary),
        ['at 4000'],
        'a newer event stays',
      );
    });

    it('keeps events per order, the newest N oldest first, each summary cut to 300 characters', async () => {
      const orderId = newOrderId();
      await s.events.append({ orderId, at: at(2000), kind: 'query', summary: 'trade_status=WAIT_BUYER_PAY' });
      await s.events.append({ orderId, at: at(1000), kind: 'pay_url', summary: 'pay URL issued' });
      await s.events.append({ orderId: newOrderId(), at: at(0), kind: 'notify', summary: 'another order' });
      await s.events.append({ orderId, at: at(3000), kind: 'notify', summary: 'x'.repeat(400) });
      const events = await s.events.listFor(orderId, 10);
      assert.deepEqual(
        events.map((e) => [e.kind, e.at.getTime() - T0.getTime()]),
        [
          ['pay_url', 1000],
          ['query', 2000],
          ['notify', 3000],
        ],
      );
      assert.equal(events[2]?.summary, 'x'.repeat(300));
      assert.deepEqual(
        (await s.events.listFor(orderId, 2)).map((e) => e.kind),
        ['query', 'notify'],
      );
      assert.deepEqual(await s.events.listFor(newOrderId(), 10), []);
    });
  });
}

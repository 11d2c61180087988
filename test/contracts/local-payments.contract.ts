import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { LocalPayments, RecordedPayment } from '../../src/application/ports/local-payments.ts';

/** A fresh, empty store with ways to put orders and payments in it, as Meiduo's tables would hold them. */
export interface LocalPaymentsFixture {
  readonly payments: LocalPayments;
  addOrders(orderIds: readonly string[]): Promise<void>;
  /** Each payment's order must have been added. amountFen null: a row Meiduo's own code wrote. */
  addPayments(payments: readonly RecordedPayment[]): Promise<void>;
}

export interface LocalPaymentsHarness {
  readonly name: string;
  create(): Promise<LocalPaymentsFixture>;
  close(): Promise<void>;
}

const T0 = new Date('2026-11-29T16:00:00.000Z'); // 2026-11-30 00:00 in Beijing
const at = (ms: number) => new Date(T0.getTime() + ms);
const DAY_MS = 86_400_000;

const orderId = (i: number) => `20261130${String(i).padStart(15, '0')}`;
const tradeNo = (i: number) => `2026113022001400${String(i).padStart(12, '0')}`;
const payment = (i: number, amountFen: number | null, recordedAt = at(i * 1000)): RecordedPayment => ({
  orderId: orderId(i),
  tradeNo: tradeNo(i),
  amountFen,
  recordedAt,
});

export function describeLocalPaymentsContract(harness: LocalPaymentsHarness): void {
  describe(`LocalPayments contract: ${harness.name}`, () => {
    let f: LocalPaymentsFixture;
    beforeEach(async () => {
      f = await harness.create();
    });
    after(() => harness.close());

    async function seed(payments: readonly RecordedPayment[]): Promise<void> {
      await f.addOrders([...new Set(payments.map((p) => p.orderId))]);
      await f.addPayments(payments);
    }

    it('finds recorded payments by trade_no, amounts exact to the fen, none for Meiduo rows', async () => {
      const given = [payment(1, 9_999_999_999), payment(2, 1), payment(3, 0), payment(4, null), payment(5, 8_880), payment(6, 123_456_789)];
      await seed(given);
      const found = await f.payments.byTradeNos([...given.map((p) => p.tradeNo), 'T-unknown']);
      assert.deepEqual(
        [...found.entries()].sort(([a], [b]) => a.localeCompare(b)),
        given.map((p) => [p.tradeNo, p]),
      );
    });

    it('answers empty and odd lists: none, duplicates, NUL, quotes', async () => {
      await seed([payment(1, 100)]);
      assert.equal((await f.payments.byTradeNos([])).size, 0);
      assert.deepEqual([...(await f.payments.byTradeNos([tradeNo(1), tradeNo(1), 'x\u0000', "'"])).keys()], [tradeNo(1)]);
      assert.deepEqual([...(await f.payments.existingOrders([]))], []);
      assert.deepEqual([...(await f.payments.existingOrders([orderId(1), orderId(1), 'x\u0000', "' OR 1=1 --"]))], [orderId(1)]);
    });

    it('looks up 100,000 trade_nos and order ids at once', async () => {
      const seeded = Array.from({ length: 200 }, (_, i) => payment(i * 500 + 7, 100 + i));
      await seed(seeded);
      const asked = Array.from({ length: 100_000 }, (_, i) => tradeNo(i));
      const found = await f.payments.byTradeNos(asked);
      assert.equal(found.size, 200);
      assert.deepEqual(found.get(tradeNo(99_507)), payment(99_507, 299));
      const orders = await f.payments.existingOrders(Array.from({ length: 100_000 }, (_, i) => orderId(i)));
      assert.deepEqual(
        [...orders].sort(),
        seeded.map((p) => p.orderId),
      );
    });

    it('tells the orders that exist from those that do not, with or without a payment', async () => {
      await f.addOrders([orderId(1), orderId(2)]);
      await f.addPayments([payment(2, 100)]);
      assert.deepEqual([...(await f.payments.existingOrders([orderId(1), orderId(2), orderId(3)]))].sort(), [orderId(1), orderId(2)]);
    });

    it('lists the payments recorded from (inclusive) until (exclusive), oldest first', async () => {
      const before = payment(1, 100, at(-1));
      const first = payment(2, 200, at(0));
      const later = payment(3, 300, at(DAY_MS - 1));
      const middle = payment(4, null, at(3_600_000));
      const next = payment(5, 500, at(DAY_MS));
      await seed([before, first, later, middle, next]);
      assert.deepEqual(await f.payments.recordedBetween(at(0), at(DAY_MS)), [first, middle, later]);
      assert.deepEqual(await f.payments.recordedBetween(at(DAY_MS), at(2 * DAY_MS)), [next]);
      assert.deepEqual(await f.payments.recordedBetween(at(5 * DAY_MS), at(6 * DAY_MS)), []);
    });
  });
}

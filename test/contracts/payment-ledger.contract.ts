import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, beforeEach, describe, it } from 'node:test';
import { InvalidQuery } from '../../src/application/errors.ts';
import { COUNT_CAP, type PaymentLedger, type PaymentRecord, TOTAL_DAYS_MAX } from '../../src/application/ports/payment-ledger.ts';
import type { ReviewReason } from '../../src/domain/errors.ts';
import type { PaymentSource } from '../../src/domain/payment.ts';
import type { ReviewResolution } from '../../src/domain/review.ts';
import { TEST_NOW } from '../support/clock.ts';

/** One payment as a ledger reads it back, with its order (status 4, paid by Alipay, 88.80). */
export interface LedgerRow {
  readonly orderId: string;
  readonly tradeNo: string;
  readonly amount: string | null;
  readonly source: PaymentSource;
  readonly receivedAt: Date;
  readonly reviewReason: ReviewReason | null;
  readonly resolution: ReviewResolution | null;
}

/** A ledger over empty tables of one technology, and the writes that set the scene, as Meiduo's tables would hold them. */
export interface LedgerFixture {
  readonly ledger: PaymentLedger;
  insert(rows: readonly LedgerRow[]): Promise<void>;
  resolve(tradeNo: string, resolution: ReviewResolution): Promise<void>;
  remove(tradeNo: string): Promise<void>;
  empty(): Promise<void>;
  close(): Promise<void>;
}

export interface LedgerHarness {
  readonly name: string;
  open(): Promise<LedgerFixture>;
}

// 2026-11-26 00:00 in Beijing.
const DAY_START = Date.parse('2026-11-25T16:00:00Z');

/** Payments n = 1…count on orders 20261126…n, a minute apart from DAY_START, each changed by `shape`. */
function rows(count: number, shape: (n: number) => Partial<LedgerRow> = () => ({})): LedgerRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    return {
      orderId: `20261126${String(n).padStart(15, '0')}`,
      tradeNo: `TRADE${String(n).padStart(5, '0')}`,
      amount: '88.80',
      source: 'return',
      receivedAt: new Date(DAY_START + n * 60_000),
      reviewReason: null,
      resolution: null,
      ...shape(n),
    };
  });
}

const trades = (rows: readonly PaymentRecord[]) => rows.map((row) => row.tradeNo);
const sum = (count: number, amount: string) => ({ count, amount });

export function describePaymentLedgerContract(harness: LedgerHarness): void {
  describe(`PaymentLedger contract: ${harness.name}`, () => {
    let fixture: LedgerFixture;
    let ledger: PaymentLedger;
    const seed = (count: number, shape?: (n: number) => Partial<LedgerRow>) => fixture.insert(rows(count, shape));
    before(async () => {
      fixture = await harness.open();
      ledger = fixture.ledger;
    });
    after(() => fixture.close());
    beforeEach(() => fixture.empty());

    it('answers an empty table with an empty first page and no links', async () => {
      assert.deepEqual(await ledger.page({}, { limit: 50 }), { rows: [], next: null, previous: null });
      assert.equal(await ledger.countNeedingReview(), 0);
    });

    it('fits everything on one page when there is room', async () => {
      await seed(3);
      const page = await ledger.page({}, { limit: 50 });
      assert.deepEqual(trades(page.rows), ['TRADE00003', 'TRADE00002', 'TRADE00001']);
      assert.equal(page.next, null);
      assert.equal(page.previous, null);
    });

    it('reads every field, with the order status joined in', async () => {
      await seed(1, () => ({ reviewReason: 'AMOUNT_MISMATCH', source: 'notify', amount: '1.00' }));
      const [row] = (await ledger.page({}, { limit: 1 })).rows;
      assert.deepEqual(
        { ...row, id: undefined },
        {
          id: undefined,
          orderId: '20261126000000000000001',
          tradeNo: 'TRADE00001',
          amount: '1.00',
          orderStatus: 4,
          reviewReason: 'AMOUNT_MISMATCH',
          resolution: null,
          source: 'notify',
          receivedAt: new Date(DAY_START + 60_000),
        },
      );
    });

    it('reads what staff did about a payment kept for review', async () => {
      const at = new Date(DAY_START + 3_600_000);
      await seed(1, () => ({ reviewReason: 'ALREADY_PAID', resolution: { at, by: 'admin', note: '已在支付宝退款' } }));
      const [row] = (await ledger.page({}, { limit: 1 })).rows;
      assert.deepEqual(row?.resolution, { at, by: 'admin', note: '已在支付宝退款' });
    });

    it('pages an exact multiple without an empty last page, and back again', async () => {
      await seed(6);
      const first = await ledger.page({}, { limit: 3 });
      const second = await ledger.page({}, { after: first.next!, limit: 3 });
      assert.deepEqual(trades(second.rows), ['TRADE00003', 'TRADE00002', 'TRADE00001']);
      assert.equal(second.next, null);
      const back = await ledger.page({}, { before: second.previous!, limit: 3 });
      assert.deepEqual(trades(back.rows), ['TRADE00006', 'TRADE00005', 'TRADE00004']);
      assert.equal(back.previous, null);
    });

    it('keeps rows with the same time apart by id', async () => {
      await seed(5, () => ({ receivedAt: new Date(DAY_START) }));
      const first = await ledger.page({}, { limit: 2 });
      const second = await ledger.page({}, { after: first.next!, limit: 2 });
      const third = await ledger.page({}, { after: second.next!, limit: 2 });
      assert.deepEqual([...first.rows, ...second.rows, ...third.rows].map((r) => r.tradeNo).sort(), [
        'TRADE00001',
        'TRADE00002',
        'TRADE00003',
        'TRADE00004',
        'TRADE00005',
      ]);
    });

    it('filters by state and counts what needs review', async () => {
      await seed(6, (n) => (n % 3 === 0 ? { reviewReason: 'ALREADY_PAID' } : {}));
      assert.deepEqual(trades((await ledger.page({ state: 'needs_review' }, { limit: 50 })).rows), ['TRADE00006', 'TRADE00003']);
      assert.equal((await ledger.page({ state: 'applied' }, { limit: 50 })).rows.length, 4);
      assert.equal(await ledger.countNeedingReview(), 2);
      await fixture.resolve('TRADE00003', { at: TEST_NOW, by: 'admin', note: 'x' });
      assert.deepEqual(trades((await ledger.page({ state: 'needs_review' }, { limit: 50 })).rows), ['TRADE00006'], 'still waiting');
      assert.deepEqual(trades((await ledger.page({ state: 'resolved' }, { limit: 50 })).rows), ['TRADE00003']);
      assert.equal(await ledger.countNeedingReview(), 1, 'a handled payment is no longer counted');
    });

    it('searches by any part of the trade no or the order id from three characters, by the start below that', async () => {
      await seed(12);
      assert.deepEqual(trades((await ledger.page({ q: '00011' }, { limit: 50 })).rows), ['TRADE00011'], 'the last digits');
      assert.deepEqual(trades((await ledger.page({ q: '0000000000012' }, { limit: 50 })).rows), ['TRADE00012'], 'inside the order id');
      assert.deepEqual(trades((await ledger.page({ q: 'ADE0001' }, { limit: 50 })).rows), ['TRADE00012', 'TRADE00011', 'TRADE00010']);
      assert.deepEqual(trades((await ledger.page({ q: '12' }, { limit: 50 })).rows), [], 'two characters: the start only');
      assert.equal((await ledger.page({ q: 'TR' }, { limit: 50 })).rows.length, 12);
      assert.equal((await ledger.totals({ q: '00011' })).count, 1);
      // Longer than the index's window: the window finds candidates, the whole search decides.
      assert.deepEqual(
        trades((await ledger.page({ q: '20261126000000000000011' }, { limit: 50 })).rows),
        ['TRADE00011'],
        'a whole order id',
      );
      assert.deepEqual(trades((await ledger.page({ q: 'TRADE00011' }, { limit: 50 })).rows), ['TRADE00011'], 'a whole trade no');
      assert.deepEqual((await ledger.page({ q: 'XRADE00011' }, { limit: 50 })).rows, [], 'its window matches, the whole does not');
      assert.deepEqual((await ledger.page({ q: '_RADE00011' }, { limit: 50 })).rows, [], '_ is literal in the whole check too');
      assert.equal((await ledger.totals({ q: 'XRADE00011' })).count, 0);
    });

    it('gives per-day totals for whole Beijing days, the newest TOTAL_DAYS_MAX of a longer range', async () => {
      const now = TEST_NOW.getTime();
      const beijingDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
      // Just after midnight in Beijing, TOTAL_DAYS_MAX - 1 days ago: the oldest day shown, counted whole.
      const oldestShown = Date.parse(`${beijingDay(now - (TOTAL_DAYS_MAX - 1) * 86_400_000)}T00:00:30+08:00`);
      await seed(3, (n) => ({
        amount: '1.00',
        receivedAt: new Date([oldestShown, oldestShown + 60_000, now - (TOTAL_DAYS_MAX + 5) * 86_400_000][n - 1]!),
      }));
      const totals = await ledger.totals({ from: new Date(now - 100 * 86_400_000) });
      assert.equal(totals.count, 3);
      assert.deepEqual(totals.days, [{ day: beijingDay(oldestShown), applied: sum(2, '2.00'), keptForReview: sum(0, '0.00') }]);
    });

    it('counts up to the cap, and says when more match', async () => {
      await seed(COUNT_CAP + 1);
      assert.deepEqual(await ledger.totals({}), { count: COUNT_CAP, atLeast: true, days: [] });
      await fixture.remove('TRADE00001');
      assert.deepEqual(await ledger.totals({}), { count: COUNT_CAP, atLeast: false, days: [] });
    });

    it('totals the filter, and per Beijing day when it has a date bound', async () => {
      // Two payments on 11-26 and one just after midnight in Beijing, 11-27, which is still 11-26 in UTC.
      await seed(3, (n) => ({
        amount: ['1.10', '2.20', '3.30'][n - 1]!,
        receivedAt: new Date(n === 3 ? DAY_START + 86_400_000 + 60_000 : DAY_START + n * 60_000),
      }));
      assert.deepEqual(await ledger.totals({}), { count: 3, atLeast: false, days: [] });
      assert.deepEqual(await ledger.totals({ from: new Date(DAY_START) }), {
        count: 3,
        atLeast: false,
        days: [
          { day: '2026-11-27', applied: sum(1, '3.30'), keptForReview: sum(0, '0.00') },
          { day: '2026-11-26', applied: sum(2, '3.30'), keptForReview: sum(0, '0.00') },
        ],
      });
      assert.deepEqual(await ledger.totals({ until: new Date(DAY_START + 86_400_000), q: 'TRADE00002' }), {
        count: 1,
        atLeast: false,
        days: [{ day: '2026-11-26', applied: sum(1, '2.20'), keptForReview: sum(0, '0.00') }],
      });
    });

    it('totals the payments kept for review, waiting or handled, apart from the applied ones', async () => {
      await seed(4, (n) => ({
        amount: ['1.00', '20.00', '300.00', '4000.00'][n - 1]!,
        reviewReason: n === 1 ? null : 'ALREADY_PAID',
      }));
      await fixture.resolve('TRADE00003', { at: new Date(DAY_START + 3_600_000), by: 'admin', note: '已退款' });
      const { days } = await ledger.totals({ from: new Date(DAY_START) });
      assert.deepEqual(days, [{ day: '2026-11-26', applied: sum(1, '1.00'), keptForReview: sum(3, '4320.00') }]);
      const waiting = await ledger.totals({ from: new Date(DAY_START), state: 'needs_review' });
      assert.deepEqual(waiting.days, [{ day: '2026-11-26', applied: sum(0, '0.00'), keptForReview: sum(2, '4020.00') }]);
    });

    it('searches by a prefix of the trade no or the order id, taking % and _ literally', async () => {
      await seed(12);
      assert.deepEqual(trades((await ledger.page({ q: 'TRADE0001' }, { limit: 50 })).rows), ['TRADE00012', 'TRADE00011', 'TRADE00010']);
      assert.deepEqual(trades((await ledger.page({ q: '20261126000000000000007' }, { limit: 50 })).rows), ['TRADE00007']);
      assert.deepEqual((await ledger.page({ q: '%' }, { limit: 50 })).rows, []);
      assert.deepEqual((await ledger.page({ q: 'TRADE_' }, { limit: 50 })).rows, []);
    });

    it('filters by a time range', async () => {
      await seed(10);
      const page = await ledger.page({ from: new Date(DAY_START + 3 * 60_000), until: new Date(DAY_START + 6 * 60_000) }, { limit: 50 });
      assert.deepEqual(trades(page.rows), ['TRADE00005', 'TRADE00004', 'TRADE00003']);
    });

    it('streams every matching row across batches, newest first', async () => {
      await seed(2_100);
      let count = 0;
      let previous = Number.POSITIVE_INFINITY;
      for await (const record of ledger.all({})) {
        const n = Number(record.tradeNo!.slice(5));
        assert.ok(n < previous);
        previous = n;
        count += 1;
      }
      assert.equal(count, 2_100);
    });

    it("reads one order's payments by its exact id, the newest limit of them oldest first", async () => {
      await seed(12);
      const orderId = '20261126000000000000001';
      const [first] = rows(1);
      await fixture.insert([
        { ...first!, tradeNo: 'LATER', source: 'query', receivedAt: new Date(DAY_START + 60 * 60_000) },
        { ...first!, tradeNo: 'EARLIER', amount: '1.00', source: 'notify', receivedAt: new Date(DAY_START) },
        { ...first!, tradeNo: 'REVIEW', reviewReason: 'ALREADY_PAID', receivedAt: new Date(DAY_START + 30 * 60_000) },
      ]);
      const payments = await ledger.forOrder(orderId, 50);
      assert.deepEqual(trades(payments), ['EARLIER', 'TRADE00001', 'REVIEW', 'LATER']);
      assert.deepEqual(
        payments.map((row) => [row.orderId, row.source, row.orderStatus, row.reviewReason]),
        [
          [orderId, 'notify', 4, null],
          [orderId, 'return', 4, null],
          [orderId, 'return', 4, 'ALREADY_PAID'],
          [orderId, 'query', 4, null],
        ],
      );
      assert.deepEqual(trades(await ledger.forOrder(orderId, 2)), ['REVIEW', 'LATER'], 'the newest two');
      assert.deepEqual(trades(await ledger.forOrder('20261126000000000000012', 50)), ['TRADE00012']);
      for (const notExact of ['2026112600000000000000', '20261126000000000000001%', '2026112600000000000000_', 'TRADE00001'])
        assert.deepEqual(await ledger.forOrder(notExact, 50), [], notExact);
    });

    it('refuses cursors it did not make, before they reach SQL', async () => {
      for (const cursor of [
        'x',
        Buffer.from('["2026-01-01", "1"]').toString('base64url'),
        Buffer.from('["2026-11-26T00:00:00.000000Z", "1; drop table tb_payment"]').toString('base64url'),
      ]) {
        await assert.rejects(ledger.page({}, { after: cursor, limit: 5 }), InvalidQuery);
      }
    });

    it('refuses well-formed cursor values PostgreSQL cannot take, and takes the ends of the range', async () => {
      const cursor = (time: string, id: string) => Buffer.from(JSON.stringify([time, id])).toString('base64url');
      const time = '2026-11-26T00:00:00.000000Z';
      const outOfRange: Array<[string, string]> = [
        ['9999-99-99T99:99:99.000000Z', '1'],
        ['2026-02-31T00:00:00.000000Z', '1'],
        ['0000-01-01T00:00:00.000000Z', '1'],
        ['2026-11-26T24:00:00.000000Z', '1'],
        [time, '9223372036854775808'],
        [time, '9999999999999999999'],
        [time, '0'],
      ];
      for (const [badTime, badId] of outOfRange) {
        await assert.rejects(ledger.page({}, { after: cursor(badTime, badId), limit: 5 }), InvalidQuery, `${badTime} ${badId}`);
        await assert.rejects(ledger.page({}, { before: cursor(badTime, badId), limit: 5 }), InvalidQuery, `${badTime} ${badId}`);
      }
      await seed(2);
      assert.equal(
        (await ledger.page({}, { after: cursor('9999-12-31T23:59:59.999999Z', '9223372036854775807'), limit: 5 })).rows.length,
        2,
      );
      assert.equal((await ledger.page({}, { before: cursor('0001-01-01T00:00:00.000000Z', '1'), limit: 5 })).rows.length, 2);
    });
  });
}

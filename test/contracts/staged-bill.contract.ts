import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { ReconciliationItem, ReconciliationStore } from '../../src/application/ports/reconciliation-store.ts';
import type { DayFacts } from '../../src/application/ports/staged-bill.ts';
import type { BillRow, BillSummary } from '../../src/application/ports/trade-bill.ts';
import { anItem, aRun, asSaved, counts } from './reconciliation-store.contract.ts';

export interface RecordedPayment {
  readonly orderId: string;
  readonly tradeNo: string;
  readonly amountFen: number | null;
  readonly recordedAt: Date;
}

export interface StagedBillHarness {
  readonly name: string;
  /** A fresh store over empty payments and orders. */
  create(): Promise<{
    store: ReconciliationStore;
    addOrders(orderIds: readonly string[]): Promise<void>;
    addPayments(payments: readonly RecordedPayment[]): Promise<void>;
  }>;
  close(): Promise<void>;
}

const DAY = '2026-11-30';
const DAY_BEFORE = '2026-11-29';
/** An instant of DAY (or another day) in Beijing time. */
const beijing = (time: string, day = DAY) => new Date(`${day}T${time}+08:00`);
const LATE_FROM = beijing('23:50:00');
const FINISHED = beijing('10:30:00', '2026-12-01');

let nextLine = 10;
function row(kind: BillRow['kind'], tradeNo: string, outTradeNo: string, amountFen: number, refundBatchNo: string | null = null): BillRow {
  return {
    line: nextLine++,
    kind,
    tradeNo,
    outTradeNo,
    amountFen,
    receivedFen: amountFen,
    serviceFeeFen: 0,
    subject: '',
    createdAt: beijing('10:00:00'),
    finishedAt: beijing('10:00:05'),
    refundBatchNo,
    remark: '',
  };
}

const bill = (changes: Partial<BillSummary> = {}): BillSummary => ({
  file: '业务明细.csv',
  account: null,
  period: { from: beijing('00:00:00'), to: beijing('00:00:00', '2026-12-01') },
  totals: null,
  rowCount: 0,
  problems: [],
  problemCount: 0,
  ...changes,
});

const facts = (changes: Partial<DayFacts> = {}): DayFacts => ({
  finishedAt: FINISHED,
  bill: bill(),
  lateFrom: LATE_FROM,
  nextDay: { billed: new Set<string>() },
  deferred: 0,
  ...changes,
});

const byTrade = (items: readonly ReconciliationItem[]) => Object.fromEntries(items.map((item) => [item.tradeNo, item]));

export function describeStagedBillContract(harness: StagedBillHarness): void {
  describe(`StagedBill contract: ${harness.name}`, () => {
    let h: Awaited<ReturnType<StagedBillHarness['create']>>;
    const items = async (date = DAY) => (await h.store.items(date, { limit: 1000 })).rows.map(asSaved);
    after(() => harness.close());

    beforeEach(async () => {
      h = await harness.create();
      nextLine = 10;
      await h.addOrders(['A', 'B', 'N', 'C', 'E', 'M', 'P', 'L', 'Y']);
      await h.addPayments([
        { orderId: 'A', tradeNo: 'TA', amountFen: 8880, recordedAt: beijing('10:00:06') },
        { orderId: 'B', tradeNo: 'TB', amountFen: 1000, recordedAt: beijing('10:01:00') },
        { orderId: 'N', tradeNo: 'TN', amountFen: null, recordedAt: beijing('11:00:00') },
        { orderId: 'M', tradeNo: 'TM', amountFen: 500, recordedAt: beijing('12:00:00') },
        { orderId: 'Y', tradeNo: 'TY', amountFen: 900, recordedAt: beijing('23:59:00', DAY_BEFORE) },
      ]);
    });

    it('compares every staged row and every payment of the day, and stores the run and its items', async () => {
      const staged = await h.store.stage(DAY);
      assert.equal(staged.date, DAY);
      await staged.add([row('trade', 'TA', 'A', 8880), row('trade', 'TB', 'B', 1200), row('trade', 'TN', 'N', 300)]);
      await staged.add([row('trade', 'TU', 'U', 100), row('refund', 'TA', 'A', -880, 'RB1'), row('refund', 'TZ', 'Z', -1, null)]);
      await staged.add([]);
      const run = await staged.finish(
        facts({ bill: bill({ totals: { trades: { count: 4, amountFen: 1 }, refunds: { count: 2, amountFen: -2 } } }) }),
      );
      assert.deepEqual(run.counts, counts({ matched: 2, amount_mismatch: 1, unknown_order: 1, refund: 2, missing_in_bill: 1 }));
      assert.deepEqual(run.localTotals, { count: 4, amountFen: 8880 + 1000 + 500 });
      assert.deepEqual(run.billTotals, { trades: { count: 4, amountFen: 1 }, refunds: { count: 2, amountFen: -2 } });
      assert.deepEqual(await h.store.run(DAY), run);
      const all = await items();
      const stored = byTrade(all.filter((item) => item.kind !== 'refund'));
      assert.deepEqual(stored.TA?.kind, 'matched');
      assert.deepEqual(
        all.find((item) => item.kind === 'refund' && item.tradeNo === 'TA'),
        { kind: 'refund', orderId: 'A', tradeNo: 'TA', localAmountFen: null, billAmountFen: -880, detail: '退款批次号 RB1' },
      );
      assert.deepEqual(stored.TB, {
        kind: 'amount_mismatch',
        orderId: 'B',
        tradeNo: 'TB',
        localAmountFen: 1000,
        billAmountFen: 1200,
        detail: '',
      });
      assert.deepEqual(stored.TN, { kind: 'matched', orderId: 'N', tradeNo: 'TN', localAmountFen: null, billAmountFen: 300, detail: '' });
      assert.deepEqual(stored.TU, {
        kind: 'unknown_order',
        orderId: 'U',
        tradeNo: 'TU',
        localAmountFen: null,
        billAmountFen: 100,
        detail: '商户订单号在本系统中不存在',
      });
      assert.equal(all.find((item) => item.tradeNo === 'TZ')?.detail, '退款批次号 -');
      assert.deepEqual(stored.TM, {
        kind: 'missing_in_bill',
        orderId: 'M',
        tradeNo: 'TM',
        localAmountFen: 500,
        billAmountFen: null,
        detail: '本地于 2026-11-30 12:00:00 记录，账单中没有这笔交易',
      });
      assert.equal(stored.TY, undefined, 'recorded the day before: not this day’s');
    });

    it('lists the unrecorded trades of orders of ours a page at a time, and stores what asking Alipay found', async () => {
      const staged = await h.store.stage(DAY);
      await staged.add([
        row('trade', 'TC', 'C', 3000),
        row('trade', 'TA', 'A', 8880),
        row('trade', 'TU', 'U', 1),
        row('trade', 'TE', 'E', 4000),
      ]);
      await staged.add([row('trade', 'TL', 'L', 700)]);
      const first = await staged.unrecorded(0, 2);
      assert.deepEqual(first, [
        { line: 10, tradeNo: 'TC', outTradeNo: 'C', amountFen: 3000 },
        { line: 13, tradeNo: 'TE', outTradeNo: 'E', amountFen: 4000 },
      ]);
      assert.deepEqual(await staged.unrecorded(13, 2), [{ line: 14, tradeNo: 'TL', outTradeNo: 'L', amountFen: 700 }]);
      // What asking Alipay did: recorded TC's payment, found nothing for TE; TL is left alone.
      await h.addPayments([{ orderId: 'C', tradeNo: 'TC', amountFen: 3000, recordedAt: beijing('10:30:00', '2026-12-01') }]);
      await staged.settle(10, 'repaired_for_review', 'alipay.trade.query: paid, payment kept for review');
      await staged.settle(13, 'missing_locally', 'alipay.trade.query: ACQ.TRADE_NOT_EXIST');
      assert.deepEqual(await staged.unrecorded(0, 10), [{ line: 14, tradeNo: 'TL', outTradeNo: 'L', amountFen: 700 }]);
      await staged.finish(facts());
      const stored = byTrade(await items());
      assert.deepEqual(
        [stored.TC?.kind, stored.TC?.localAmountFen, stored.TC?.detail],
        ['repaired_for_review', 3000, 'alipay.trade.query: paid, payment kept for review'],
      );
      assert.deepEqual(
        [stored.TE?.kind, stored.TE?.localAmountFen, stored.TE?.detail],
        ['missing_locally', null, 'alipay.trade.query: ACQ.TRADE_NOT_EXIST'],
      );
      assert.equal(stored.TL?.kind, 'missing_locally', 'never asked about: not called matched');
    });

    it('leaves out a payment billed the day before, unless that day called it missing', async () => {
      await h.store.save(aRun(DAY_BEFORE), [anItem('matched', 'M', { tradeNo: 'TM' }), anItem('missing_in_bill', 'B', { tradeNo: 'TB' })]);
      const staged = await h.store.stage(DAY);
      await staged.add([row('trade', 'TA', 'A', 8880), row('trade', 'TN', 'N', 1)]);
      await staged.finish(facts());
      const stored = byTrade(await items());
      assert.equal(stored.TM, undefined);
      assert.equal(stored.TB?.kind, 'missing_in_bill');
    });

    it('names the late payments the next day’s bill may hold, and calls one missing only when that bill does not', async () => {
      await h.addPayments([
        { orderId: 'L', tradeNo: 'TL', amountFen: 700, recordedAt: beijing('23:55:00') },
        { orderId: 'P', tradeNo: 'TP', amountFen: 600, recordedAt: LATE_FROM },
        { orderId: 'E', tradeNo: 'TE', amountFen: 400, recordedAt: beijing('23:58:00') },
      ]);
      const stage = async () => {
        const staged = await h.store.stage(DAY);
        await staged.add([
          row('trade', 'TA', 'A', 8880),
          row('trade', 'TB', 'B', 1000),
          row('trade', 'TN', 'N', 1),
          row('trade', 'TM', 'M', 500),
          row('trade', 'TE', 'E', 400),
        ]);
        return staged;
      };
      const staged = await stage();
      assert.deepEqual(await staged.lateUnbilled(LATE_FROM), ['TP', 'TL']);
      const deferredRun = await staged.finish(facts({ nextDay: 'not_ready', deferred: 2 }));
      assert.equal(deferredRun.deferred, 2);
      assert.deepEqual(deferredRun.counts.missing_in_bill, 0);
      const billedNext = await stage();
      await billedNext.finish(facts({ nextDay: { billed: new Set(['TL']) } }));
      assert.deepEqual(
        (await items()).filter((item) => item.kind === 'missing_in_bill').map((item) => item.tradeNo),
        ['TP'],
      );
    });

    it('replaces the day on a re-run, forgets a discarded stage, and keeps two stages of one day apart', async () => {
      const first = await h.store.stage(DAY);
      await first.add([row('trade', 'TU', 'U', 1)]);
      await first.finish(facts());
      const discarded = await h.store.stage(DAY);
      await discarded.add([row('trade', 'TX', 'X', 1)]);
      const other = await h.store.stage(DAY);
      await other.add([
        row('trade', 'TA', 'A', 8880),
        row('trade', 'TB', 'B', 1000),
        row('trade', 'TN', 'N', 1),
        row('trade', 'TM', 'M', 500),
      ]);
      await discarded.discard();
      const firstRun = (await items()).map((item) => `${item.kind}:${item.tradeNo}`).sort();
      assert.deepEqual(firstRun, [
        'missing_in_bill:TA',
        'missing_in_bill:TB',
        'missing_in_bill:TM',
        'missing_in_bill:TN',
        'unknown_order:TU',
      ]);
      const run = await other.finish(facts());
      assert.deepEqual(run.counts, counts({ matched: 4 }));
      assert.deepEqual((await items()).map((item) => item.tradeNo).sort(), ['TA', 'TB', 'TM', 'TN']);
    });

    it('keeps the first problems of the bill, and says how many more there were', async () => {
      const staged = await h.store.stage(DAY);
      const problems = Array.from({ length: 25 }, (_, i) => ({ line: i + 3, reason: `bad ${i}` }));
      const run = await staged.finish(facts({ bill: bill({ problems, problemCount: 1_025 }) }));
      assert.equal(run.problems.length, 21);
      assert.equal(run.problems[0], '第 3 行：bad 0');
      assert.equal(run.problems[20], '另有 1005 行无法读取');
      assert.deepEqual((await h.store.run(DAY))?.problems, run.problems);
    });

    it('holds ids no column can: NUL is replaced, ids longer than a column are cut in the items', async () => {
      const staged = await h.store.stage(DAY);
      await staged.add([row('trade', 'T\u0000X', 'O\u0000X', 1), row('trade', 'T'.repeat(90), 'O'.repeat(90), 2)]);
      await staged.add([row('trade', 'L'.repeat(4_000), 'O'.repeat(4_000), 3, null), row('refund', 'R', 'A', -1, 'B'.repeat(4_000))]);
      assert.deepEqual(await staged.unrecorded(0, 10), []);
      await staged.finish(facts());
      const tradeNos = (await items()).filter((item) => item.kind === 'unknown_order').map((item) => item.tradeNo);
      assert.deepEqual(tradeNos.sort(), ['L'.repeat(64), 'T'.repeat(64), 'T\uFFFDX'].sort());
    });

    it('compares a day of 100,000 rows staged in batches', async () => {
      const ids = Array.from({ length: 100_000 }, (_, i) => String(i).padStart(8, '0'));
      await h.addOrders(ids.map((id) => `O${id}`));
      await h.addPayments(
        ids.map((id, i) => ({ orderId: `O${id}`, tradeNo: `T${id}`, amountFen: 100 + i, recordedAt: beijing('09:00:00') })),
      );
      const staged = await h.store.stage(DAY);
      for (let start = 0; start < ids.length; start += 5_000) {
        await staged.add(
          ids.slice(start, start + 5_000).map((id, i) => row('trade', `T${id}`, `O${id}`, 100 + start + i + (i === 7 ? 1 : 0))),
        );
      }
      const run = await staged.finish(facts());
      assert.deepEqual(run.counts, counts({ matched: 100_000 - 20, amount_mismatch: 20, missing_in_bill: 4 }));
      assert.equal(run.localTotals.count, 100_004);
    });
  });
}

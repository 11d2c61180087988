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

/** A row of tb_refund as the refund use cases leave it. */
export interface RecordedRefund {
  readonly outRequestNo: string;
  readonly orderId: string;
  readonly tradeNo: string;
  readonly amountFen: number;
  readonly origin: 'ours' | 'external';
  readonly status: 'pending' | 'refunded' | 'refused';
  /** Set exactly when refunded. */
  readonly refundedAt: Date | null;
}

export interface StagedBillHarness {
  readonly name: string;
  /** A fresh store over empty payments and orders. */
  create(): Promise<{
    store: ReconciliationStore;
    addOrders(orderIds: readonly string[]): Promise<void>;
    addPayments(payments: readonly RecordedPayment[]): Promise<void>;
    /** Refunds of payments added before. */
    addRefunds(refunds: readonly RecordedRefund[]): Promise<void>;
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
  nextDay: { billed: new Set<string>(), refundsBilled: new Set<string>() },
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
      assert.deepEqual(run.counts, counts({ matched: 2, amount_mismatch: 1, unknown_order: 1, refund_unknown: 2, missing_in_bill: 1 }));
      assert.deepEqual(run.localTotals, { count: 4, amountFen: 8880 + 1000 + 500 });
      assert.deepEqual(run.billTotals, { trades: { count: 4, amountFen: 1 }, refunds: { count: 2, amountFen: -2 } });
      assert.deepEqual(await h.store.run(DAY), run);
      const all = await items();
      const stored = byTrade(all.filter((item) => item.kind !== 'refund_unknown'));
      assert.deepEqual(stored.TA?.kind, 'matched');
      assert.deepEqual(
        all.find((item) => item.kind === 'refund_unknown' && item.tradeNo === 'TA'),
        {
          kind: 'refund_unknown',
          orderId: 'A',
          tradeNo: 'TA',
          localAmountFen: null,
          billAmountFen: -880,
          detail: '退款批次号 RB1',
          refundNo: 'RB1',
        },
      );
      assert.deepEqual(stored.TB, {
        kind: 'amount_mismatch',
        orderId: 'B',
        tradeNo: 'TB',
        localAmountFen: 1000,
        billAmountFen: 1200,
        detail: '',
        refundNo: null,
      });
      assert.deepEqual(stored.TN, {
        kind: 'matched',
        orderId: 'N',
        tradeNo: 'TN',
        localAmountFen: null,
        billAmountFen: 300,
        detail: '',
        refundNo: null,
      });
      assert.deepEqual(stored.TU, {
        kind: 'unknown_order',
        orderId: 'U',
        tradeNo: 'TU',
        localAmountFen: null,
        billAmountFen: 100,
        detail: '商户订单号在本系统中不存在',
        refundNo: null,
      });
      assert.equal(all.find((item) => item.tradeNo === 'TZ')?.detail, '退款批次号 -');
      assert.deepEqual(stored.TM, {
        kind: 'missing_in_bill',
        orderId: 'M',
        tradeNo: 'TM',
        localAmountFen: 500,
        billAmountFen: null,
        detail: '本地于 2026-11-30 12:00:00 记录，账单中没有这笔交易',
        refundNo: null,
      });
      assert.equal(stored.TY, undefined, 'recorded the day before: not this day’s');
    });

    describe('refunds', () => {
      const refund = (
        outRequestNo: string,
        tradeNo: string,
        amountFen: number,
        refundedAt: Date | null,
        changes: Partial<RecordedRefund> = {},
      ) => ({
        outRequestNo,
        orderId: tradeNo.slice(1),
        tradeNo,
        amountFen,
        origin: 'ours' as const,
        status: refundedAt === null ? ('pending' as const) : ('refunded' as const),
        refundedAt,
        ...changes,
      });
      const kindsOf = async () =>
        Object.fromEntries((await items()).filter((item) => item.refundNo !== null).map((item) => [item.refundNo, item.kind]));

      it('compares each 退款 row with the refund its 退款批次号 names on its trade (its status first), and names the day’s refunds no row has', async () => {
        await h.addRefunds([
          refund('RA1', 'TA', 880, beijing('11:00:00')),
          refund('RB1', 'TB', 300, beijing('11:00:00')),
          refund('RE1', 'TM', 500, beijing('12:30:00'), { origin: 'external' }),
          refund('RF1', 'TA', 50, null, { status: 'refused' }),
          refund('RM1', 'TA', 1000, beijing('15:00:00')),
          refund('RP1', 'TB', 100, null),
          refund('RP2', 'TB', 100, null),
          refund('RF2', 'TM', 123456, null, { status: 'refused' }),
          refund('RD1', 'TB', 100, beijing('23:59:30', DAY_BEFORE)),
          refund('RN1', 'TM', 1, beijing('00:00:10', '2026-12-01')),
        ]);
        const staged = await h.store.stage(DAY);
        await staged.add([
          row('trade', 'TA', 'A', 8880),
          row('trade', 'TB', 'B', 1000),
          row('trade', 'TM', 'M', 500),
          row('trade', 'TN', 'N', 1),
        ]);
        await staged.add([
          row('refund', 'TA', 'A', -880, 'RA1'),
          row('refund', 'TB', 'B', -200, 'RB1'),
          row('refund', 'TM', 'M', -500, 'RE1'),
          row('refund', 'TA', 'A', -50, 'RF1'),
          row('refund', 'TA', 'A', -100, 'RX'),
          row('refund', 'TB', 'B', -880, 'RA1'),
          row('refund', 'TB', 'B', -100, 'RP2'),
          row('refund', 'TM', 'M', -123400, 'RF2'),
        ]);
        assert.deepEqual(await staged.lateUnbilledRefunds(LATE_FROM), []);
        const run = await staged.finish(facts());
        assert.deepEqual(
          run.counts,
          counts({
            matched: 4,
            refund_matched: 2,
            refund_amount_mismatch: 1,
            refund_status_mismatch: 3,
            refund_unknown: 2,
            refund_missing_in_bill: 1,
          }),
        );
        const all = await items();
        const one = (kind: string, refundNo: string, tradeNo: string) =>
          all.find((item) => item.kind === kind && item.refundNo === refundNo && item.tradeNo === tradeNo);
        assert.deepEqual(one('refund_matched', 'RA1', 'TA'), {
          kind: 'refund_matched',
          orderId: 'A',
          tradeNo: 'TA',
          localAmountFen: -880,
          billAmountFen: -880,
          detail: '退款批次号 RA1',
          refundNo: 'RA1',
        });
        assert.deepEqual(
          [one('refund_amount_mismatch', 'RB1', 'TB')?.localAmountFen, one('refund_amount_mismatch', 'RB1', 'TB')?.billAmountFen],
          [-300, -200],
        );
        assert.equal(one('refund_matched', 'RE1', 'TM')?.detail, '退款批次号 RE1', 'an external refund we were notified of is known');
        assert.deepEqual(one('refund_status_mismatch', 'RF1', 'TA'), {
          kind: 'refund_status_mismatch',
          orderId: 'A',
          tradeNo: 'TA',
          localAmountFen: -50,
          billAmountFen: -50,
          detail: '退款批次号 RF1；本系统记为退款失败；支付宝账单显示已退款，请核实，勿重复退款',
          refundNo: 'RF1',
        });
        assert.equal(
          one('refund_status_mismatch', 'RP2', 'TB')?.detail,
          '退款批次号 RP2；本系统中仍在处理中；请在订单时间线上点“向支付宝查询退款”',
        );
        assert.deepEqual(
          [one('refund_status_mismatch', 'RF2', 'TM')?.localAmountFen, one('refund_status_mismatch', 'RF2', 'TM')?.detail],
          [
            -123456,
            '退款批次号 RF2；本系统记为退款失败，金额也不符（本系统 ¥1,234.56，账单 ¥1,234.00）；支付宝账单显示已退款，请核实，勿重复退款',
          ],
          'the status outranks the amount, which the detail gives',
        );
        assert.deepEqual(
          [one('refund_unknown', 'RX', 'TA')?.localAmountFen, one('refund_unknown', 'RA1', 'TB')?.orderId],
          [null, 'B'],
          'no such refund; ours, but of another trade',
        );
        assert.deepEqual(one('refund_missing_in_bill', 'RM1', 'TA'), {
          kind: 'refund_missing_in_bill',
          orderId: 'A',
          tradeNo: 'TA',
          localAmountFen: -1000,
          billAmountFen: null,
          detail: '本地于 2026-11-30 15:00:00 退款成功（退款请求号 RM1），账单中没有这笔退款',
          refundNo: 'RM1',
        });
        assert.equal(run.localTotals.count, 4, 'refunds are never payments');
      });

      it('calls a refund of just before midnight missing only when the next day’s bill lacks it too, and one the day before billed not at all', async () => {
        await h.store.save(aRun(DAY_BEFORE), [
          anItem('refund_matched', 'A', { tradeNo: 'TA', refundNo: 'R00' }),
          anItem('refund_missing_in_bill', 'A', { tradeNo: 'TA', refundNo: 'R01' }),
          anItem('matched', 'B', { tradeNo: 'TB', refundNo: null }),
        ]);
        await h.addRefunds([
          refund('R00', 'TA', 10, beijing('00:00:30')),
          refund('R01', 'TA', 10, beijing('00:01:00')),
          refund('RB2', 'TB', 10, beijing('00:02:00')),
          refund('RK1', 'TA', 10, beijing('23:40:00')),
          refund('RL1', 'TA', 10, beijing('23:55:00')),
          refund('RL2', 'TB', 10, LATE_FROM),
          refund('RL3', 'TM', 10, beijing('23:56:00')),
        ]);
        const stage = async () => {
          const staged = await h.store.stage(DAY);
          await staged.add([row('refund', 'TM', 'M', -10, 'RL3')]);
          return staged;
        };
        const staged = await stage();
        assert.deepEqual(await staged.lateUnbilledRefunds(LATE_FROM), ['RL2', 'RL1']);
        const deferredRun = await staged.finish(facts({ nextDay: 'not_ready', deferred: 2 }));
        assert.equal(deferredRun.deferred, 2);
        assert.deepEqual(await kindsOf(), {
          R01: 'refund_missing_in_bill',
          RB2: 'refund_missing_in_bill',
          RK1: 'refund_missing_in_bill',
          RL3: 'refund_matched',
        });
        await (await stage()).finish(facts({ nextDay: { billed: new Set<string>(), refundsBilled: new Set(['RL1']) } }));
        assert.deepEqual(await kindsOf(), {
          R01: 'refund_missing_in_bill',
          RB2: 'refund_missing_in_bill',
          RK1: 'refund_missing_in_bill',
          RL2: 'refund_missing_in_bill',
          RL3: 'refund_matched',
        });
      });
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
      await billedNext.finish(facts({ nextDay: { billed: new Set(['TL']), refundsBilled: new Set<string>() } }));
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

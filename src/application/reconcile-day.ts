import { inject, injectable } from 'inversify';
import { beijingMidnight, beijingTimestamp } from '../domain/beijing-time.ts';
import { compareTrade, ITEM_KINDS, type ItemKind, mayBeBilledNextDay } from '../domain/reconciliation.ts';
import { AskAlipayAboutOrder } from './ask-alipay-about-order.ts';
import type { Clock } from './ports/clock.ts';
import type { LocalPayments, RecordedPayment } from './ports/local-payments.ts';
import type { ItemCounts, ReconciliationItem, ReconciliationRun, ReconciliationStore } from './ports/reconciliation-store.ts';
import type { BillRow, TradeBill, TradeBillSource } from './ports/trade-bill.ts';
import { TOKENS } from './tokens.ts';

export interface ReconcileProgress {
  readonly rowsRead: number;
  readonly classified: number;
}

export interface DayReconciled {
  readonly run: ReconciliationRun;
  /** Every item but the matched ones. */
  readonly discrepancies: readonly ReconciliationItem[];
}

const PROGRESS_EVERY = 10_000;
const MAX_PROBLEMS_KEPT = 20;

/**
 * Compares one Beijing day's Alipay trade bill with the payments we recorded, repairs what Alipay
 * confirms and we missed (through AskAlipayAboutOrder, so by the same rules as every payment), and
 * stores the day's result, replacing any earlier run of that day.
 */
@injectable()
export class ReconcileDay {
  constructor(
    @inject(TOKENS.TradeBillSource) private readonly bills: TradeBillSource,
    @inject(TOKENS.LocalPayments) private readonly local: LocalPayments,
    @inject(TOKENS.ReconciliationStore) private readonly store: ReconciliationStore,
    @inject(AskAlipayAboutOrder) private readonly askAlipay: AskAlipayAboutOrder,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /**
   * @param date a Beijing day, yyyy-MM-dd
   * @returns 'not_ready' while Alipay has not published that day's bill
   * @throws BillUnreadable | StoreUnavailable
   */
  async execute(date: string, onProgress: (progress: ReconcileProgress) => void = () => {}): Promise<DayReconciled | 'not_ready'> {
    const bill = await this.bills.fetch(date);
    if (bill === 'not_ready') return 'not_ready';
    const trades = bill.rows.filter((row) => row.kind === 'trade');
    const items = await this.classifyTrades(trades, (classified) => onProgress({ rowsRead: bill.rows.length, classified }));
    for (const row of bill.rows) if (row.kind === 'refund') items.push(item('refund', row, null, `退款批次号 ${row.refundBatchNo ?? '-'}`));
    const recorded = await this.local.recordedBetween(beijingMidnight(date), beijingMidnight(date, 1));
    const { missing, deferred } = await this.notInBill(date, recorded, new Set(trades.map((row) => row.tradeNo)));
    items.push(...missing);
    onProgress({ rowsRead: bill.rows.length, classified: bill.rows.length });
    const run = this.runOf(date, bill, items, recorded, deferred);
    await this.store.save(run, items);
    return { run, discrepancies: items.filter((entry) => entry.kind !== 'matched') };
  }

  private async classifyTrades(rows: readonly BillRow[], progress: (classified: number) => void): Promise<ReconciliationItem[]> {
    const known = await this.local.byTradeNos(rows.map((row) => row.tradeNo));
    const unrecorded = rows.filter((row) => !known.has(row.tradeNo));
    const ours = await this.local.existingOrders(unrecorded.map((row) => row.outTradeNo));
    const items: ReconciliationItem[] = [];
    for (const [index, row] of rows.entries()) {
      const local = known.get(row.tradeNo);
      if (local) items.push(item(compareTrade(row.amountFen, local), row, local.amountFen, ''));
      else if (!ours.has(row.outTradeNo)) items.push(item('unknown_order', row, null, '商户订单号不在 tb_order_info 中'));
      else items.push(await this.repair(row));
      if ((index + 1) % PROGRESS_EVERY === 0) progress(index + 1);
    }
    return items;
  }

  /** A trade Alipay billed and we never recorded: ask Alipay, and record what it confirms. */
  private async repair(row: BillRow): Promise<ReconciliationItem> {
    const queried = await this.askAlipay.execute(row.outTradeNo);
    const confirmed = queried.outcome === 'paid' && queried.payment?.tradeNo === row.tradeNo;
    if (!confirmed) return item('missing_locally', row, null, `alipay.trade.query: ${queried.summary}`);
    const kind = queried.payment?.result === 'needs_review' ? 'repaired_for_review' : 'repaired';
    return item(kind, row, row.amountFen, `alipay.trade.query: ${queried.summary}`);
  }

  /**
   * Payments we recorded that day that the bill does not name. One may have been billed the day
   * before (recorded late, by a query) or the day after (recorded just before midnight): only the
   * rest is missing, and a late one waits for the next day's bill when it is not out yet.
   */
  private async notInBill(date: string, recorded: readonly RecordedPayment[], billed: ReadonlySet<string>) {
    let candidates = recorded.filter((payment) => !billed.has(payment.tradeNo));
    const dayBefore = await this.store.billedOn(
      shiftDay(date, -1),
      candidates.map((payment) => payment.tradeNo),
    );
    candidates = candidates.filter((payment) => !dayBefore.has(payment.tradeNo));
    const dayEnd = beijingMidnight(date, 1);
    const late = candidates.filter((payment) => mayBeBilledNextDay(payment.recordedAt, dayEnd));
    let deferred = 0;
    if (late.length > 0) {
      const next = await this.bills.fetch(shiftDay(date, 1));
      const billedNext = next === 'not_ready' ? null : new Set(next.rows.map((row) => row.tradeNo));
      if (billedNext === null) deferred = late.length;
      candidates = candidates.filter((payment) => !late.includes(payment) || (billedNext !== null && !billedNext.has(payment.tradeNo)));
    }
    const missing = candidates.map(
      (payment): ReconciliationItem => ({
        kind: 'missing_in_bill',
        orderId: payment.orderId,
        tradeNo: payment.tradeNo,
        localAmountFen: payment.amountFen,
        billAmountFen: null,
        detail: `本地于 ${beijingTimestamp(payment.recordedAt)} 记录，账单中没有这笔交易`,
      }),
    );
    return { missing, deferred };
  }

  private runOf(
    date: string,
    bill: TradeBill,
    items: readonly ReconciliationItem[],
    recorded: readonly RecordedPayment[],
    deferred: number,
  ) {
    const counts = Object.fromEntries(ITEM_KINDS.map((kind) => [kind, 0])) as Record<ItemKind, number>;
    for (const entry of items) counts[entry.kind]++;
    return {
      date,
      finishedAt: this.clock.now(),
      counts: counts as ItemCounts,
      billTotals: bill.totals,
      localTotals: { count: recorded.length, amountFen: recorded.reduce((sum, payment) => sum + (payment.amountFen ?? 0), 0) },
      deferred,
      problems: bill.problems.slice(0, MAX_PROBLEMS_KEPT).map((problem) => `第 ${problem.line} 行：${problem.reason}`),
    } satisfies ReconciliationRun;
  }
}

function item(kind: ItemKind, row: BillRow, localAmountFen: number | null, detail: string): ReconciliationItem {
  return { kind, orderId: row.outTradeNo, tradeNo: row.tradeNo, localAmountFen, billAmountFen: row.amountFen, detail };
}

/** The yyyy-MM-dd `days` after `date`. */
export function shiftDay(date: string, days: number): string {
  return beijingTimestamp(beijingMidnight(date, days)).slice(0, 10);
}

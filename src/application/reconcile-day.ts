import { inject, injectable } from 'inversify';
import { beijingMidnight, beijingTimestamp } from '../domain/beijing-time.ts';
import { lateFrom as lateFromEndOf } from '../domain/reconciliation.ts';
import { AskAlipayAboutOrder } from './ask-alipay-about-order.ts';
import type { Clock } from './ports/clock.ts';
import type { ReconciliationRun, ReconciliationStore } from './ports/reconciliation-store.ts';
import type { NextDay, StagedBill, UnrecordedTrade } from './ports/staged-bill.ts';
import type { TradeBillSource } from './ports/trade-bill.ts';
import { TOKENS } from './tokens.ts';

export interface ReconcileProgress {
  readonly rowsRead: number;
  readonly classified: number;
}

export interface DayReconciled {
  readonly run: ReconciliationRun;
}

// Unrecorded trades are asked about a page at a time: a day of forgeries costs one page of memory.
const REPAIR_PAGE = 100;

/**
 * Compares one Beijing day's Alipay trade bill with the payments we recorded, repairs what Alipay
 * confirms and we missed (through AskAlipayAboutOrder, so by the same rules as every payment), and
 * stores the day's result, replacing any earlier run of that day. The bill goes into the store in
 * batches as it is read, and is compared there: memory does not grow with the day.
 */
@injectable()
export class ReconcileDay {
  constructor(
    @inject(TOKENS.TradeBillSource) private readonly bills: TradeBillSource,
    @inject(TOKENS.ReconciliationStore) private readonly store: ReconciliationStore,
    @inject(AskAlipayAboutOrder) private readonly askAlipay: AskAlipayAboutOrder,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /**
   * @param date a Beijing day, yyyy-MM-dd
   * @param onProgress told after each batch of bill rows, and at the end
   * @returns 'not_ready' while Alipay has not published that day's bill
   * @throws BillUnreadable | StoreUnavailable
   */
  async execute(date: string, onProgress: (progress: ReconcileProgress) => void = () => {}): Promise<DayReconciled | 'not_ready'> {
    const staged = await this.store.stage(date);
    try {
      let rowsRead = 0;
      const bill = await this.bills.read(date, async (rows) => {
        await staged.add(rows);
        rowsRead += rows.length;
        onProgress({ rowsRead, classified: 0 });
      });
      if (bill === 'not_ready') {
        await staged.discard();
        return 'not_ready';
      }
      // Reported between every step too: the daily run renews its lease on each report.
      const reading = () => onProgress({ rowsRead, classified: 0 });
      await this.repairUnrecorded(staged, reading);
      const lateFrom = lateFromEndOf(beijingMidnight(date, 1));
      const late = { trades: await staged.lateUnbilled(lateFrom), refunds: await staged.lateUnbilledRefunds(lateFrom) };
      const lateCount = late.trades.length + late.refunds.length;
      const nextDay =
        lateCount === 0 ? { billed: new Set<string>(), refundsBilled: new Set<string>() } : await this.billedNextDay(date, late, reading);
      reading();
      const run = await staged.finish({
        finishedAt: this.clock.now(),
        bill,
        lateFrom,
        nextDay,
        deferred: nextDay === 'not_ready' ? lateCount : 0,
      });
      onProgress({ rowsRead: bill.rowCount, classified: bill.rowCount });
      return { run };
    } catch (error) {
      await staged.discard().catch(() => {});
      throw error;
    }
  }

  /** Every billed trade we never recorded, whose order is ours: asked about, and recorded when Alipay confirms it. */
  private async repairUnrecorded(staged: StagedBill, onPage: () => void): Promise<void> {
    let after = 0;
    for (;;) {
      const page = await staged.unrecorded(after, REPAIR_PAGE);
      for (const trade of page) {
        const { kind, detail } = await this.repair(trade);
        await staged.settle(trade.line, kind, detail);
      }
      onPage();
      if (page.length < REPAIR_PAGE) return;
      after = page.at(-1)!.line;
    }
  }

  private async repair(trade: UnrecordedTrade) {
    const queried = await this.askAlipay.execute(trade.outTradeNo);
    const detail = `alipay.trade.query: ${queried.summary}`;
    const confirmed = queried.outcome === 'paid' && queried.payment?.tradeNo === trade.tradeNo;
    if (!confirmed) return { kind: 'missing_locally', detail } as const;
    return { kind: queried.payment?.result === 'needs_review' ? 'repaired_for_review' : 'repaired', detail } as const;
  }

  /**
   * Payments recorded (refunds that succeeded) just before midnight may be billed the next day: which of
   * `late` that day's bill names, read through for them alone, or 'not_ready' while it is not out.
   */
  private async billedNextDay(date: string, late: LateUnbilled, onBatch: () => void): Promise<NextDay> {
    const wanted = { trades: new Set(late.trades), refunds: new Set(late.refunds) };
    const billed = new Set<string>();
    const refundsBilled = new Set<string>();
    const next = await this.bills.read(shiftDay(date, 1), async (rows) => {
      for (const row of rows) {
        if (row.kind === 'trade' && wanted.trades.has(row.tradeNo)) billed.add(row.tradeNo);
        if (row.kind === 'refund' && row.refundBatchNo !== null && wanted.refunds.has(row.refundBatchNo))
          refundsBilled.add(row.refundBatchNo);
      }
      onBatch();
    });
    return next === 'not_ready' ? 'not_ready' : { billed, refundsBilled };
  }
}

/** The day's late payments (trade_nos) and refunds (out_request_nos) that its own bill does not name. */
interface LateUnbilled {
  readonly trades: readonly string[];
  readonly refunds: readonly string[];
}

/** The yyyy-MM-dd `days` after `date`. */
export function shiftDay(date: string, days: number): string {
  return beijingTimestamp(beijingMidnight(date, days)).slice(0, 10);
}

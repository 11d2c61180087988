import type { ReconciliationRun } from './reconciliation-store.ts';
import type { BillRow, BillSummary } from './trade-bill.ts';

/** A billed trade we hold no payment for, whose order is ours: the one case that needs Alipay asked. */
export interface UnrecordedTrade {
  /** The bill line it came from: its place in the stage. */
  readonly line: number;
  readonly tradeNo: string;
  readonly outTradeNo: string;
  readonly amountFen: number;
}

/** What asking Alipay about an unrecorded trade came to. */
export type RepairKind = 'repaired' | 'repaired_for_review' | 'missing_locally';

/** How the day's payments and refunds near midnight stand against the next day's bill. */
export type NextDay =
  /** The trade_nos of the late payments, and the out_request_nos of the late refunds, that the next day's bill names. */
  | { readonly billed: ReadonlySet<string>; readonly refundsBilled: ReadonlySet<string> }
  /** The next day's bill is not out: late payments wait for it. */
  | 'not_ready';

export interface DayFacts {
  readonly finishedAt: Date;
  readonly bill: BillSummary;
  /** Payments recorded (refunds that succeeded) from this instant to the day's end may be in the next day's bill. */
  readonly lateFrom: Date;
  readonly nextDay: NextDay;
  /** The payments and refunds counted deferred (late, with the next day's bill not out). */
  readonly deferred: number;
}

/**
 * One Beijing day's bill, held in the store beside our payments so that the two are compared there,
 * never in this process's memory: a day of a million rows goes through in batches.
 */
export interface StagedBill {
  readonly date: string;
  /** Adds rows of the bill, in the file's order. */
  add(rows: readonly BillRow[]): Promise<void>;
  /** Staged 交易 rows after `afterLine` with no payment recorded under their trade_no, whose order is ours; in line order. */
  unrecorded(afterLine: number, limit: number): Promise<UnrecordedTrade[]>;
  /** Records what asking Alipay about the trade of `line` found. */
  settle(line: number, kind: RepairKind, detail: string): Promise<void>;
  /**
   * Trade_nos of payments recorded from `from` to the day's end that neither the staged bill nor the
   * stored run of the day before names: those the next day's bill may name.
   */
  lateUnbilled(from: Date): Promise<string[]>;
  /**
   * Out_request_nos of refunds that succeeded from `from` to the day's end that neither the staged bill
   * nor the stored run of the day before names: those the next day's bill may name.
   */
  lateUnbilledRefunds(from: Date): Promise<string[]>;
  /**
   * Compares the staged bill with the day's payments and refunds, replaces the day's run and items with the result
   * atomically, and forgets the staged rows. @returns the run stored
   */
  finish(facts: DayFacts): Promise<ReconciliationRun>;
  /** Forgets the staged rows, storing nothing. */
  discard(): Promise<void>;
}

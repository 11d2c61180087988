import type { ReviewReason } from '../../domain/errors.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { PaymentSource } from '../../domain/payment.ts';
import type { ReviewResolution } from '../../domain/review.ts';
import type { Page, PageRequest } from './paging.ts';

/** Counts stop here: "more than 10,000" is what staff need to know of a broader filter. */
export const COUNT_CAP = 10_000;
/** Per-day totals cover at most this many days, the newest of the range. */
export const TOTAL_DAYS_MAX = 31;

export interface PaymentFilter {
  /** The order id or the trade no, by the one search rule (id-search.ts). */
  readonly q?: string;
  /** needs_review: still waiting for staff (待核对); resolved: kept for review and since handled (已处理). */
  readonly state?: 'applied' | 'needs_review' | 'resolved';
  /** Inclusive lower and exclusive upper bound of the time the payment arrived. */
  readonly from?: Date;
  readonly until?: Date;
}

/** One row of tb_payment as staff read it. */
export interface PaymentRecord {
  readonly id: string;
  readonly orderId: string;
  readonly tradeNo: string | null;
  /** Two decimals; null for rows Meiduo itself wrote. */
  readonly amount: string | null;
  /** null when the order row is missing. */
  readonly orderStatus: OrderStatus | null;
  readonly reviewReason: ReviewReason | null;
  /** What staff did about a payment kept for review; null while it waits, and for applied payments. */
  readonly resolution: ReviewResolution | null;
  readonly source: PaymentSource;
  readonly receivedAt: Date;
}

/** How many payments and how much they came to: amount in yuan, two decimals, exact. */
export interface PaymentSum {
  readonly count: number;
  readonly amount: string;
}

/**
 * One Beijing day's payments, the applied apart from those kept for review (waiting or handled):
 * money kept for review never reached its order, so it is not the day's takings.
 */
export interface DayTotals {
  readonly day: string;
  readonly applied: PaymentSum;
  readonly keptForReview: PaymentSum;
}

/** The payments matching a filter: how many, and per Beijing day (newest first) how many and how much. */
export interface PaymentTotals {
  /** At most COUNT_CAP; `atLeast` when more match. */
  readonly count: number;
  readonly atLeast: boolean;
  readonly days: readonly DayTotals[];
}

/** The read side of payments, for the admin view. */
export interface PaymentLedger {
  page(filter: PaymentFilter, request: PageRequest): Promise<Page<PaymentRecord>>;
  /** Every matching row, newest first, fetched in batches: memory stays flat however many there are. */
  all(filter: PaymentFilter): AsyncIterable<PaymentRecord>;
  /** Payments kept for review that no one has handled yet. */
  countNeedingReview(): Promise<number>;
  /**
   * Totals of the filter. Days only when the filter has a date bound: those of its range with payments,
   * within the newest TOTAL_DAYS_MAX days of it.
   */
  totals(filter: PaymentFilter): Promise<PaymentTotals>;
  /** The newest `limit` payments of exactly this order id (no prefix, no wildcards), oldest first. */
  forOrder(orderId: string, limit: number): Promise<PaymentRecord[]>;
}

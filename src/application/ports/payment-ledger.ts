import type { ReviewReason } from '../../domain/errors.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { PaymentSource } from '../../domain/payment.ts';
import type { Page, PageRequest } from './paging.ts';

export interface PaymentFilter {
  /** A prefix of the order id or the trade no. */
  readonly q?: string;
  readonly state?: 'applied' | 'needs_review';
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
  readonly source: PaymentSource;
  readonly receivedAt: Date;
}

/** The read side of payments, for the admin view. */
export interface PaymentLedger {
  page(filter: PaymentFilter, request: PageRequest): Promise<Page<PaymentRecord>>;
  /** Every matching row, newest first, fetched in batches: memory stays flat however many there are. */
  all(filter: PaymentFilter): AsyncIterable<PaymentRecord>;
  countNeedingReview(): Promise<number>;
  /** The newest `limit` payments of exactly this order id (no prefix, no wildcards), oldest first. */
  forOrder(orderId: string, limit: number): Promise<PaymentRecord[]>;
}

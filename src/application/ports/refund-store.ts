import type { Money } from '../../domain/money.ts';
import type { QuerySchedule } from '../../domain/query-schedule.ts';
import type { RefundOrigin, RefundStatus } from '../../domain/refund.ts';
import type { AdminAction } from './admin-audit.ts';

/** Alipay's refusal of one refund, as it said it: sub_code and sub_msg. */
export interface RefundRefusal {
  readonly subCode: string;
  readonly message: string;
}

/** A refund an operator asks for, before Alipay is asked. */
export interface NewRefund {
  /** Ours, or for an external refund what Alipay's notify named it (out_biz_no). */
  readonly outRequestNo: string;
  readonly orderId: string;
  readonly tradeNo: string;
  readonly amount: Money;
  readonly reason: string;
  /** The operator's account name (cli:<user> from the CLI); '' for an external refund. */
  readonly requestedBy: string;
  readonly requestedAt: Date;
}

/** One row of tb_refund. */
export interface RefundRecord extends NewRefund {
  readonly origin: RefundOrigin;
  readonly status: RefundStatus;
  /** When Alipay's word settled it; null while pending. */
  readonly settledAt: Date | null;
  /** When Alipay says the money went back (gmt_refund_pay, gmt_refund), or when we learnt it; null unless refunded. */
  readonly refundedAt: Date | null;
  readonly refusal: RefundRefusal | null;
}

/**
 * What the store found when it weighed a new refund against the payment: stored; or not, because the
 * payment is unknown, has no amount, or has less left than asked (`remaining` as the database saw it).
 */
export type RefundRequested =
  | { readonly outcome: 'requested'; readonly refund: RefundRecord }
  /** Its out_request_no is stored already: the same request sent twice (a double click, a resubmitted form). */
  | { readonly outcome: 'duplicate'; readonly refund: RefundRecord }
  | { readonly outcome: 'no_payment' }
  /** A refund of ours of the payment is still pending: one at a time, so that a retry never becomes a second refund. */
  | { readonly outcome: 'pending_exists'; readonly pending: RefundRecord }
  | { readonly outcome: 'exceeds'; readonly remaining: Money };

/** What a confirmed refund did beside itself, in the same transaction. */
export interface RefundSettled {
  readonly refund: RefundRecord;
  /** The order moved to CANCELED: the payment that paid it is refunded in full. */
  readonly orderCanceled: boolean;
  /** The payment was kept for review, and this refund resolved it. */
  readonly reviewResolved: boolean;
}

/** A refund notify that names no refund of ours: perhaps one made in Alipay's portal. */
export interface ExternalRefund {
  readonly outRequestNo: string;
  readonly tradeNo: string;
  /** The notify's refund_fee: the trade's cumulative refund. */
  readonly cumulative: Money;
  readonly refundedAt: Date;
  readonly learntAt: Date;
}

/** What an external refund came to: kept; nothing new (or not our payment, or its number is stored); or undecidable yet. */
export type ExternalRecorded =
  | { readonly outcome: 'recorded'; readonly settled: RefundSettled }
  | { readonly outcome: 'nothing_new' }
  | { readonly outcome: 'ours_pending' };

/**
 * tb_refund: every refund of a payment, ours and external. The database weighs each new refund against
 * what is left of its payment, so that two at once cannot both pass, and settles each exactly once.
 */
export interface RefundStore {
  /**
   * Stores the refund as pending, due for its first check at `firstCheck`, with its audit row, if and
   * only if its out_request_no is new, no refund of ours of the payment is pending, and its amount is at most
   * the payment's amount minus every refund not refused. Concurrent requests for one payment are decided
   * one after the other by the database. Nothing is written otherwise.
   */
  request(refund: NewRefund, audit: AdminAction, firstCheck: Date): Promise<RefundRequested>;
  find(outRequestNo: string): Promise<RefundRecord | null>;
  /** Every refund of the trade, oldest first. */
  forTrade(tradeNo: string): Promise<RefundRecord[]>;
  /** Every refund of the order's payments, oldest first. */
  forOrder(orderId: string): Promise<RefundRecord[]>;
  /**
   * Marks a pending (or refused: Alipay's later word wins) refund refunded and, in the same transaction,
   * cancels the order when the payment that paid it is now refunded in full (domain: orderAfterRefund) and
   * resolves the payment's pending review with the refund. null when there is no such refund, or it was
   * already refunded: nothing is written then.
   */
  settleRefunded(outRequestNo: string, at: Date, refundedAt: Date): Promise<RefundSettled | null>;
  /** Marks a pending refund refused, which frees its amount; false (nothing written) when it is not pending. */
  settleRefused(outRequestNo: string, at: Date, refusal: RefundRefusal): Promise<boolean>;
  /**
   * Keeps what the notify's cumulative refund adds to the trade's refunds (domain: portalRefundOf), weighed
   * under the payment's lock, as an external refund settled refunded, with the same effects as settleRefunded.
   */
  recordExternal(refund: ExternalRefund): Promise<ExternalRecorded>;
  /**
   * Claims up to `limit` pending refunds due at `now`, oldest first, moving each to its next slot of
   * `schedule` (anchored at its request) in the same atomic step: each is claimed once across processes.
   */
  claimDue(now: Date, limit: number, schedule: QuerySchedule): Promise<RefundRecord[]>;
}

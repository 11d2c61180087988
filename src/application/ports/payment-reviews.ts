import type { ReviewResolution, ReviewState } from '../../domain/review.ts';

/** One thing staff did in the admin, kept as evidence of who changed what. */
export interface AdminAction {
  readonly at: Date;
  readonly actor: string;
  readonly remoteAddress: string;
  readonly action: 'resolve_review';
  /** What was acted on: for resolve_review, the payment's trade no. */
  readonly target: string;
  readonly detail: string;
}

/** The payments kept for review (tb_payment.state = needs_review), as staff work through them. */
export interface PaymentReviews {
  /** Where the payment with this trade_no stands, and its order; `unknown` when there is none. */
  stateOf(tradeNo: string): Promise<{ readonly state: ReviewState | 'unknown'; readonly orderId: string | null }>;
  /**
   * Keeps the resolution and its audit row in one write, only while the payment is still pending:
   * false when it no longer is (two operators at once), and then nothing is written.
   */
  resolve(tradeNo: string, resolution: ReviewResolution, audit: AdminAction): Promise<boolean>;
  /** The newest `limit` admin actions, newest first. */
  recentActions(limit: number): Promise<AdminAction[]>;
}

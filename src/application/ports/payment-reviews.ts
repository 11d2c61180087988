import type { ReviewResolution, ReviewState } from '../../domain/review.ts';
import type { AdminAction } from './admin-audit.ts';

/** The payments kept for review (tb_payment.state = needs_review), as staff work through them. */
export interface PaymentReviews {
  /** Where the payment with this trade_no stands, and its order; `unknown` when there is none. */
  stateOf(tradeNo: string): Promise<{ readonly state: ReviewState | 'unknown'; readonly orderId: string | null }>;
  /**
   * Keeps the resolution and its audit row in one write, only while the payment is still pending:
   * false when it no longer is (two operators at once), and then nothing is written.
   */
  resolve(tradeNo: string, resolution: ReviewResolution, audit: AdminAction): Promise<boolean>;
}

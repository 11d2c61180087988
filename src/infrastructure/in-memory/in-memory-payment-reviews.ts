import type { AdminAction } from '../../application/ports/admin-audit.ts';
import type { PaymentReviews } from '../../application/ports/payment-reviews.ts';
import type { ReviewResolution, ReviewState } from '../../domain/review.ts';
import type { InMemoryStore } from './in-memory-store.ts';

export class InMemoryPaymentReviews implements PaymentReviews {
  constructor(private readonly store: InMemoryStore) {}

  async stateOf(tradeNo: string): Promise<{ state: ReviewState | 'unknown'; orderId: string | null }> {
    const payment = this.store.payments.get(tradeNo);
    if (payment === undefined) return { state: 'unknown', orderId: null };
    return { state: this.state(tradeNo), orderId: payment.orderId };
  }

  /** Check and write run without an await between them: that is this store's atomicity. */
  async resolve(tradeNo: string, resolution: ReviewResolution, audit: AdminAction): Promise<boolean> {
    if (!this.store.payments.has(tradeNo) || this.state(tradeNo) !== 'pending') return false;
    this.store.resolutions.set(tradeNo, { ...resolution });
    this.store.adminActions.push({ ...audit });
    return true;
  }

  private state(tradeNo: string): ReviewState {
    if (this.store.payments.get(tradeNo)?.reviewReason == null) return 'applied';
    return this.store.resolutions.has(tradeNo) ? 'resolved' : 'pending';
  }
}

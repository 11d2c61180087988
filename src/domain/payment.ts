import type { ReviewReason } from './errors.ts';
import type { Money } from './money.ts';

/**
 * Which Alipay channel told us first: the browser's return, the server's async notify, or our own
 * alipay.trade.query when neither came.
 */
export type PaymentSource = 'return' | 'notify' | 'query';

export interface PaymentSnapshot {
  readonly orderId: string;
  readonly tradeNo: string;
  /** null only for rows Meiduo's own code wrote, which kept no amount. */
  readonly amount: Money | null;
  readonly source: PaymentSource;
  readonly receivedAt: Date;
  /** null when the payment was applied to its order. */
  readonly reviewReason: ReviewReason | null;
}

/** Money Alipay really moved for one trade_no. Recorded once, whether or not its order could take it. */
export class Payment {
  private constructor(private readonly data: PaymentSnapshot) {}

  /** Created only by Order.receivePayment, which decides the review reason. */
  static record(data: PaymentSnapshot): Payment {
    return new Payment({ ...data });
  }

  /** Rebuilds from trusted storage. */
  static rehydrate(data: PaymentSnapshot): Payment {
    return new Payment({ ...data });
  }

  get orderId(): string {
    return this.data.orderId;
  }
  get tradeNo(): string {
    return this.data.tradeNo;
  }
  get amount(): Money | null {
    return this.data.amount;
  }
  get reviewReason(): ReviewReason | null {
    return this.data.reviewReason;
  }
  get needsReview(): boolean {
    return this.data.reviewReason !== null;
  }

  toSnapshot(): PaymentSnapshot {
    return { ...this.data };
  }
}

import { ReviewReason } from './errors.ts';
import type { Money } from './money.ts';
import { OrderStatus, PayMethod, type StatusAfterPayment } from './order-status.ts';
import { assertMove } from './order-transitions.ts';
import { Payment, type PaymentSource } from './payment.ts';

export interface OrderSnapshot {
  readonly id: string;
  readonly total: Money;
  readonly payMethod: PayMethod;
  readonly status: OrderStatus;
  readonly updatedAt: Date;
}

/** What Alipay says was paid, once its message is known to be authentic. */
export interface PaymentReceipt {
  readonly tradeNo: string;
  readonly amount: Money;
  readonly source: PaymentSource;
  readonly receivedAt: Date;
}

export class Order {
  private constructor(private data: OrderSnapshot) {}

  static place(id: string, total: Money, payMethod: PayMethod, at: Date): Order {
    return new Order({ id, total, payMethod, status: OrderStatus.UNPAID, updatedAt: at });
  }

  /** Rebuilds from trusted storage; performs no transition checks. */
  static rehydrate(snapshot: OrderSnapshot): Order {
    return new Order({ ...snapshot });
  }

  get id(): string {
    return this.data.id;
  }
  get status(): OrderStatus {
    return this.data.status;
  }
  get total(): Money {
    return this.data.total;
  }
  get payMethod(): PayMethod {
    return this.data.payMethod;
  }

  /** An order the shopper can still pay on Alipay. */
  awaitsAlipayPayment(): boolean {
    return this.status === OrderStatus.UNPAID && this.payMethod === PayMethod.ALIPAY;
  }

  /**
   * Takes an authentic payment. It moves an UNPAID order on when the amount matches; otherwise the
   * order stays as it is and the payment comes back marked for review, because the money has moved.
   */
  receivePayment(receipt: PaymentReceipt, after: StatusAfterPayment): Payment {
    const reviewReason = this.whyPaymentCannotApply(receipt.amount);
    if (reviewReason === null) this.moveTo(after, receipt.receivedAt);
    return Payment.record({ orderId: this.id, ...receipt, reviewReason });
  }

  toSnapshot(): OrderSnapshot {
    return { ...this.data };
  }

  private whyPaymentCannotApply(amount: Money): ReviewReason | null {
    if (this.status === OrderStatus.CANCELED) return ReviewReason.ORDER_CANCELED;
    // Applied, a cash-on-delivery order would ship and the courier would collect the money again.
    if (this.payMethod !== PayMethod.ALIPAY) return ReviewReason.PAY_METHOD_MISMATCH;
    // The same trade_no is handled before we get here, so a paid order was paid by another trade.
    if (this.status !== OrderStatus.UNPAID) return ReviewReason.ALREADY_PAID;
    if (!amount.equals(this.total)) return ReviewReason.AMOUNT_MISMATCH;
    return null;
  }

  private moveTo(next: OrderStatus, at: Date): void {
    assertMove(this.status, next);
    this.data = { ...this.data, status: next, updatedAt: at };
  }
}

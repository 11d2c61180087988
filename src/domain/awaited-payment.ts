import type { Money } from './money.ts';
import { Order, type OrderSnapshot, type PaymentReceipt } from './order.ts';
import { OrderStatus, PayMethod, type StatusAfterPayment } from './order-status.ts';
import type { Payment } from './payment.ts';

/** The stored order a payment takes as it is: every field Order.receivePayment decides on. */
export interface AwaitingOrder {
  readonly id: string;
  readonly status: OrderStatus;
  readonly payMethod: PayMethod;
  readonly total: Money;
}

/**
 * A payment as the order awaiting it takes it: the first word about an UNPAID Alipay order of the same
 * amount, which is how nearly every payment arrives. Its outcome needs no read, so a store can apply it
 * in one guarded write: if the order is stored as `awaiting` and the trade_no is not stored, store
 * `payment` and `paid`.
 */
export class AwaitedPayment {
  private constructor(
    readonly awaiting: AwaitingOrder,
    readonly paid: OrderSnapshot,
    readonly payment: Payment,
  ) {}

  static of(orderId: string, receipt: PaymentReceipt, after: StatusAfterPayment): AwaitedPayment {
    const awaiting: AwaitingOrder = { id: orderId, status: OrderStatus.UNPAID, payMethod: PayMethod.ALIPAY, total: receipt.amount };
    // receivePayment itself decides, so the outcome is the one a read of such an order would get.
    // It never reads updatedAt, which the guard therefore leaves out.
    const order = Order.rehydrate({ ...awaiting, updatedAt: receipt.receivedAt });
    const payment = order.receivePayment(receipt, after);
    return new AwaitedPayment(awaiting, order.toSnapshot(), payment);
  }

  /** True when `order` is stored just as this payment awaits it. */
  isAwaitedBy(order: OrderSnapshot): boolean {
    const { id, status, payMethod, total } = this.awaiting;
    return order.id === id && order.status === status && order.payMethod === payMethod && order.total.equals(total);
  }
}

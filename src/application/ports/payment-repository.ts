import type { Order } from '../../domain/order.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { Payment } from '../../domain/payment.ts';

export interface PaymentRepository {
  findByTradeNo(tradeNo: string): Promise<Payment | null>;
  /**
   * Stores the payment and `order`'s status in one atomic write, if and only if the stored order still
   * has `readStatus`, the status the decision was made on. The database orders concurrent writers (a
   * row lock and the unique trade_no), never this process.
   * @returns false, having written nothing, when the order is not stored or has moved on since it was read
   * @throws DuplicatePayment when the trade_no is already stored (nothing written)
   */
  record(payment: Payment, order: Order, readStatus: OrderStatus): Promise<boolean>;
}

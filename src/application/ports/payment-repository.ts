import type { Payment } from '../../domain/payment.ts';

export interface PaymentRepository {
  findByTradeNo(tradeNo: string): Promise<Payment | null>;
  /** Inserts the payment. @throws DuplicatePayment when its trade_no is already stored */
  add(payment: Payment): Promise<void>;
}

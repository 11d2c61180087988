import { DuplicatePayment } from '../../application/errors.ts';
import type { PaymentRepository } from '../../application/ports/payment-repository.ts';
import { Payment } from '../../domain/payment.ts';
import type { InMemoryStore } from './in-memory-store.ts';

export class InMemoryPaymentRepository implements PaymentRepository {
  constructor(private readonly store: InMemoryStore) {}

  async findByTradeNo(tradeNo: string): Promise<Payment | null> {
    const snapshot = this.store.payments.get(tradeNo);
    return snapshot ? Payment.rehydrate(snapshot) : null;
  }

  async add(payment: Payment): Promise<void> {
    const snapshot = payment.toSnapshot();
    if (this.store.payments.has(snapshot.tradeNo)) throw new DuplicatePayment(snapshot.tradeNo);
    if (!this.store.orders.has(snapshot.orderId)) throw new Error(`payment for unknown order ${snapshot.orderId}`);
    this.store.payments.set(snapshot.tradeNo, snapshot);
  }
}

import { DuplicatePayment } from '../../application/errors.ts';
import type { PaymentRepository, TradeAndOrder } from '../../application/ports/payment-repository.ts';
import type { AwaitedPayment } from '../../domain/awaited-payment.ts';
import { Order } from '../../domain/order.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import { Payment } from '../../domain/payment.ts';
import type { InMemoryStore } from './in-memory-store.ts';

export class InMemoryPaymentRepository implements PaymentRepository {
  constructor(private readonly store: InMemoryStore) {}

  async findTrade(tradeNo: string, orderId: string): Promise<TradeAndOrder> {
    const payment = this.store.payments.get(tradeNo);
    const order = this.store.orders.get(orderId);
    return { payment: payment ? Payment.rehydrate(payment) : null, order: order ? Order.rehydrate(order) : null };
  }

  /** Checks and write run without an await between them: that is this store's atomicity. */
  async recordIfAwaited(awaited: AwaitedPayment): Promise<'recorded' | TradeAndOrder> {
    const { awaiting, paid, payment } = awaited;
    const stored = this.store.orders.get(awaiting.id);
    if (!stored || !awaited.isAwaitedBy(stored) || this.store.payments.has(payment.tradeNo)) {
      return this.findTrade(payment.tradeNo, awaiting.id);
    }
    this.store.payments.set(payment.tradeNo, payment.toSnapshot());
    this.store.orders.set(awaiting.id, paid);
    return 'recorded';
  }

  /** Checks and write run without an await between them: that is this store's atomicity. */
  async record(payment: Payment, order: Order, readStatus: OrderStatus): Promise<boolean> {
    const snapshot = payment.toSnapshot();
    // The order first, as the databases guard it: a stale decision is false even for a trade_no already stored.
    if (this.store.orders.get(order.id)?.status !== readStatus) return false;
    if (this.store.payments.has(snapshot.tradeNo)) throw new DuplicatePayment(snapshot.tradeNo);
    this.store.payments.set(snapshot.tradeNo, snapshot);
    this.store.orders.set(order.id, order.toSnapshot());
    return true;
  }
}

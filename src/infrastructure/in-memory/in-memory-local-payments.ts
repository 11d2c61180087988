import type { LocalPayments, RecordedPayment } from '../../application/ports/local-payments.ts';
import type { PaymentSnapshot } from '../../domain/payment.ts';
import type { InMemoryStore } from './in-memory-store.ts';

/** The store's payments and orders, as reconciliation reads them. */
export class InMemoryLocalPayments implements LocalPayments {
  constructor(private readonly store: InMemoryStore) {}

  async byTradeNos(tradeNos: readonly string[]): Promise<Map<string, RecordedPayment>> {
    const found = new Map<string, RecordedPayment>();
    for (const tradeNo of tradeNos) {
      const payment = this.store.payments.get(tradeNo);
      if (payment) found.set(tradeNo, toRecorded(payment));
    }
    return found;
  }

  async recordedBetween(from: Date, until: Date): Promise<RecordedPayment[]> {
    return [...this.store.payments.values()]
      .filter((payment) => payment.receivedAt >= from && payment.receivedAt < until)
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())
      .map(toRecorded);
  }

  async existingOrders(orderIds: readonly string[]): Promise<Set<string>> {
    return new Set(orderIds.filter((orderId) => this.store.orders.has(orderId)));
  }
}

function toRecorded(payment: PaymentSnapshot): RecordedPayment {
  return { orderId: payment.orderId, tradeNo: payment.tradeNo, amountFen: payment.amount?.fen ?? null, recordedAt: payment.receivedAt };
}
